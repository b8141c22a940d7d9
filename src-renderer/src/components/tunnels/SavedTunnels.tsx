/**
 * Tunnels opened before TunnelDesk restarted, whose tokens the OS keychain kept: each with
 * "Reconnect" (one click: main connects with the saved token, on the ports asked for) and
 * "Forget" (the tunnel itself stays open in AWS). Nothing reconnects by itself, so no port
 * opens without the operator knowing. Shown only where the keychain keeps tokens; in
 * browser mode they live in memory and the Devices view says so.
 */
import { useId, useState } from 'react';
import type { SavedTunnel } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { useNow } from '../../hooks/use-now';
import { useSavedTunnels } from '../../hooks/use-saved-tunnels';
import { toShownError, type ShownError } from '../../lib/app-error';
import { describeSource } from '../../lib/aws-source';
import { formatDuration } from '../../lib/format';
import { useConnectionStore } from '../../stores/connection-store';
import { useSessionsStore } from '../../stores/sessions-store';
import { useUiStore } from '../../stores/ui-store';
import { AwsErrorNotice } from '../aws/AwsErrorNotice';
import { Icon } from '../common/Icon';

interface Busy {
  readonly tunnelId: string;
  readonly action: 'reconnect' | 'forget';
}

export function SavedTunnels() {
  const api = useApi();
  const keychain = useConnectionStore((state) => state.appInfo?.secretStorage === 'os-keychain');
  const { saved, refresh } = useSavedTunnels(keychain);
  const [busy, setBusy] = useState<Busy | null>(null);
  // Said above the list: the row it is about may be gone (a closed tunnel is forgotten).
  const [error, setError] = useState<ShownError | null>(null);
  const titleId = useId();

  if (!keychain || ((saved === null || saved.length === 0) && !error)) return null;

  const run = async (tunnel: SavedTunnel, action: Busy['action'], work: () => Promise<void>) => {
    setBusy({ tunnelId: tunnel.tunnelId, action });
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(toShownError(failure));
    } finally {
      setBusy(null);
      refresh();
    }
  };

  const reconnect = (tunnel: SavedTunnel) =>
    run(tunnel, 'reconnect', async () => {
      const session = await api.reconnectSavedTunnel({ tunnelId: tunnel.tunnelId });
      useSessionsStore.getState().upsert(session);
      useUiStore.getState().navigate({ view: 'tunnels', sessionId: session.id });
    });

  const forget = (tunnel: SavedTunnel) =>
    run(tunnel, 'forget', () => api.forgetSavedTunnel({ tunnelId: tunnel.tunnelId }));

  return (
    <section className="panel saved-tunnels" aria-labelledby={titleId} data-testid="saved-tunnels">
      <header className="panel__header">
        <h2 className="panel__title" id={titleId}>
          Saved tunnels
        </h2>
        <p className="panel__hint">
          Opened before TunnelDesk restarted; their tokens are kept encrypted by the OS keychain.
        </p>
      </header>
      {error ? (
        <div className="panel__pad">
          <AwsErrorNotice error={error} testId="saved-tunnel-error" />
        </div>
      ) : null}
      <ul className="saved-tunnels__list" aria-label="Saved tunnels">
        {(saved ?? []).map((tunnel) => (
          <SavedTunnelRow
            key={tunnel.tunnelId}
            tunnel={tunnel}
            busy={busy?.tunnelId === tunnel.tunnelId ? busy.action : null}
            disabled={busy !== null}
            onReconnect={() => void reconnect(tunnel)}
            onForget={() => void forget(tunnel)}
          />
        ))}
      </ul>
    </section>
  );
}

function SavedTunnelRow({
  tunnel,
  busy,
  disabled,
  onReconnect,
  onForget,
}: {
  readonly tunnel: SavedTunnel;
  readonly busy: Busy['action'] | null;
  readonly disabled: boolean;
  readonly onReconnect: () => void;
  readonly onForget: () => void;
}) {
  const now = useNow(1_000);
  const nameId = useId();
  return (
    <li
      className="saved-tunnel"
      aria-labelledby={nameId}
      data-testid="saved-tunnel"
      data-tunnel-id={tunnel.tunnelId}
    >
      <div className="saved-tunnel__main">
        <div className="saved-tunnel__title-row">
          <h3 className="saved-tunnel__title" id={nameId}>
            {tunnel.thingName}
          </h3>
          <span className="chip">{describeSource(tunnel.source)}</span>
        </div>
        <div className="saved-tunnel__facts">
          <span className="listener-summary">
            {tunnel.services.map((service) => (
              <span key={service.serviceId} className="listener-tag">
                <span className="listener-tag__id">{service.serviceId}</span>
                <span className="mono">
                  {service.bindAddress}:{service.port === 'auto' ? 'any port' : service.port}
                </span>
              </span>
            ))}
          </span>
          <span className="muted" data-testid="saved-tunnel-age">
            saved {formatDuration(now - tunnel.savedAt)} ago
            {tunnel.expiresAt === null
              ? null
              : ` · closes in ${formatDuration(tunnel.expiresAt - now)}`}
          </span>
          <span className="mono muted" title="Tunnel id">
            {tunnel.tunnelId}
          </span>
        </div>
      </div>
      <div className="session-actions">
        <button
          type="button"
          className="button button--primary button--small"
          disabled={disabled}
          onClick={onReconnect}
          aria-label={`Reconnect the saved tunnel to ${tunnel.thingName}`}
          data-testid="saved-tunnel-reconnect"
        >
          <Icon name="plug" />
          {busy === 'reconnect' ? 'Reconnecting…' : 'Reconnect'}
        </button>
        <button
          type="button"
          className="button button--quiet button--small"
          disabled={disabled}
          onClick={onForget}
          aria-label={`Forget the saved tunnel to ${tunnel.thingName}`}
          title="Forgets its token here; the tunnel itself stays open in AWS until it is closed or its lifetime ends."
          data-testid="saved-tunnel-forget"
        >
          <Icon name="trash" />
          {busy === 'forget' ? 'Forgetting…' : 'Forget'}
        </button>
      </div>
    </li>
  );
}
