/**
 * The device picked: its type, ARN and attributes, "Open tunnel…", and its tunnels in the
 * picked source. Nothing picked: how to pick one.
 */
import { useId, useState } from 'react';
import { useApi } from '../../api/api-context';
import { copyText } from '../../lib/clipboard';
import type { AwsSource, ThingInfo } from '../../../../src-main/ipc/contract.js';
import { attributePairs } from '../../lib/thing-query';
import { useUiStore } from '../../stores/ui-store';
import { Icon } from '../common/Icon';
import { TunnelList } from './TunnelList';

interface ThingDetailProps {
  readonly thing: ThingInfo | null;
  readonly source: AwsSource | null;
}

/** "Copy ssh config": the Host block of `tunneldesk ssh-config`, made by main, copied. */
function CopySshConfig({ thing, source }: { thing: ThingInfo; source: AwsSource }) {
  const api = useApi();
  const [status, setStatus] = useState<string | null>(null);
  const copy = async () => {
    try {
      const { config } = await api.getSshConfig({ source, thingName: thing.thingName });
      await copyText(config);
      setStatus(`Copied: paste it into ~/.ssh/config, then ssh ${thing.thingName}`);
    } catch (error) {
      setStatus(`Not copied: ${(error as Error).message}`);
    }
  };
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => void copy()}
        data-testid="copy-ssh-config"
        title="A Host block for ~/.ssh/config using tunneldesk connect --stdio"
      >
        Copy ssh config
      </button>
      {status ? (
        <span className="muted" role="status" data-testid="copy-ssh-config-status">
          {status}
        </span>
      ) : null}
    </>
  );
}

export function ThingDetail({ thing, source }: ThingDetailProps) {
  const titleId = useId();
  if (!thing || !source) {
    return (
      <section className="thing-detail thing-detail--empty" aria-label="Device">
        <div className="empty empty--compact">
          <div className="empty__art" aria-hidden="true">
            <Icon name="device" size={32} />
          </div>
          <h2 className="empty__title">Pick a device</h2>
          <p className="empty__text">
            Search the things of the source above, pick one with the mouse or the arrow keys, and
            open a tunnel to it. The sandbox has five simulated devices ready.
          </p>
        </div>
      </section>
    );
  }
  const pairs = attributePairs(thing.attributes);
  return (
    <section
      className="thing-detail"
      aria-labelledby={titleId}
      data-testid="thing-detail"
      data-thing={thing.thingName}
    >
      <div className="panel thing-card">
        <header className="thing-card__header">
          <div className="thing-card__title-row">
            <h2 className="thing-card__title mono" id={titleId}>
              {thing.thingName}
            </h2>
            {thing.thingTypeName ? (
              <span className="chip chip--type">{thing.thingTypeName}</span>
            ) : null}
          </div>
          <button
            type="button"
            className="button button--primary"
            onClick={() => useUiStore.getState().startOpenTunnel({ source, thing })}
            data-testid="open-tunnel"
          >
            <Icon name="plug" />
            Open tunnel…
          </button>
          <CopySshConfig key={thing.thingName} thing={thing} source={source} />
        </header>
        <dl className="thing-card__facts">
          <div>
            <dt>Thing type</dt>
            <dd>{thing.thingTypeName ?? <span className="muted">none</span>}</dd>
          </div>
          <div className="thing-card__arn">
            <dt>ARN</dt>
            <dd className="mono" title={thing.thingArn ?? undefined}>
              {thing.thingArn ?? '—'}
            </dd>
          </div>
          <div className="thing-card__attributes">
            <dt>Attributes</dt>
            <dd>
              {pairs.length > 0 ? (
                <ul className="attr-list" aria-label="Attributes">
                  {pairs.map((pair) => (
                    <li key={pair} className="attr-tag mono">
                      {pair}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
          </div>
        </dl>
      </div>
      <TunnelList key={`${thing.thingName}`} source={source} thingName={thing.thingName} />
    </section>
  );
}
