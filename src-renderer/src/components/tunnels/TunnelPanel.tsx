/**
 * The tunnel behind a session the app opened (OpenTunnel): the device's side as AWS reports
 * it ("device connected" / "waiting for device", since when), the tunnel's id, ARN, status
 * and expiry, and Close tunnel… (which ends it for both sides, unlike Disconnect, which
 * ends only this side). When this side's token was refused, it offers a new one.
 */
import { useId, useState, type ReactNode } from 'react';
import type { DeviceState, SessionTunnel, SessionView } from '../../../../src-main/ipc/contract.js';
import { describeSource } from '../../lib/aws-source';
import { formatClock, formatDuration } from '../../lib/format';
import { canGetNewToken } from '../../lib/token-renewal';
import { useNow } from '../../hooks/use-now';
import { CloseTunnelDialog } from '../devices/CloseTunnelDialog';
import { Icon } from '../common/Icon';
import { SecretStorageNote } from '../common/SecretStorageNote';
import { StatusDot } from '../common/StatusDot';
import { RenewTokenButton } from './RenewTokenButton';

export function TunnelPanel({
  session,
  tunnel,
}: {
  readonly session: SessionView;
  readonly tunnel: SessionTunnel;
}) {
  const titleId = useId();
  const [closing, setClosing] = useState(false);
  const open = tunnel.status === 'OPEN';
  return (
    <section className="panel tunnel-panel" aria-labelledby={titleId} data-testid="tunnel-panel">
      <header className="panel__header">
        <h2 className="panel__title" id={titleId}>
          Tunnel
        </h2>
        <p className="panel__hint">in {describeSource(tunnel.source)}</p>
        {tunnel.source.kind === 'aws' ? <SecretStorageNote compact /> : null}
        {open ? (
          <button
            type="button"
            className="button button--small"
            onClick={() => setClosing(true)}
            title={`Closes the tunnel in ${tunnel.source.kind === 'sandbox' ? 'the sandbox' : 'AWS'} for both sides: the device is disconnected too, and the tunnel cannot be used again`}
            aria-label={`Close tunnel… to ${tunnel.thingName}`}
            data-testid="close-tunnel"
          >
            <Icon name="close" />
            Close tunnel…
          </button>
        ) : null}
      </header>
      {canGetNewToken(session) ? (
        <div className="notice notice--warn tunnel-panel__renew" data-testid="token-refused">
          <Icon name="key" />
          <div className="notice__body">
            <p className="notice__title">This side&apos;s token was refused</p>
            <p className="notice__text">
              It was spent or rotated elsewhere. The tunnel is still open: get a new source token
              and reconnect, on the same local ports where they are free.
            </p>
          </div>
          <RenewTokenButton session={session} />
        </div>
      ) : null}
      <dl className="facts facts--flat">
        <Fact label="Device" title="The device's side of the tunnel, as DescribeTunnel reports it">
          <DeviceLine device={session.device ?? null} open={open} />
        </Fact>
        <Fact label="Thing" mono>
          {tunnel.thingName}
        </Fact>
        <Fact label="Tunnel id" mono title={tunnel.tunnelId}>
          <span data-testid="tunnel-id">{tunnel.tunnelId}</span>
        </Fact>
        <Fact label="ARN" mono clip title={tunnel.tunnelArn}>
          <span data-testid="tunnel-arn">{tunnel.tunnelArn}</span>
        </Fact>
        <Fact label="Status">
          <span
            className={`pill pill--${open ? 'ok' : 'muted'}`}
            data-testid="tunnel-status"
            data-status={tunnel.status}
          >
            {tunnel.status}
          </span>
        </Fact>
        <Fact label="Expires" mono>
          {tunnel.expiresAt === null || !open ? (
            <span className="muted">—</span>
          ) : (
            <Expiry at={tunnel.expiresAt} />
          )}
        </Fact>
      </dl>
      {closing ? (
        <CloseTunnelDialog
          source={tunnel.source}
          tunnelId={tunnel.tunnelId}
          thingName={tunnel.thingName}
          hasSession
          onCancel={() => setClosing(false)}
          onClosed={() => setClosing(false)}
        />
      ) : null}
    </section>
  );
}

/** The device's side in words: connected or waiting, since when (AWS's time). */
export function DeviceLine({
  device,
  open,
}: {
  readonly device: DeviceState | null;
  readonly open: boolean;
}) {
  if (device === null) {
    return (
      <span className="device-state" data-testid="device-state" data-connected="">
        <StatusDot tone="muted" />
        {open ? 'asking AWS…' : 'unknown'}
      </span>
    );
  }
  const tone = !open ? 'muted' : device.connected ? 'ok' : 'warn';
  return (
    <span
      className={`device-state device-state--${tone}`}
      data-testid="device-state"
      data-connected={String(device.connected)}
    >
      <StatusDot tone={tone} pulse={open && !device.connected} />
      <span className="device-state__label">
        {/* Once the tunnel is closed, the device's last state is history, not news. */}
        {!open ? 'tunnel closed' : device.connected ? 'device connected' : 'waiting for device'}
      </span>{' '}
      <span className="device-state__since" title={new Date(device.lastUpdatedAt).toLocaleString()}>
        since <span className="mono">{formatClock(device.lastUpdatedAt)}</span>
      </span>
    </span>
  );
}

function Expiry({ at }: { readonly at: number }) {
  const now = useNow(1_000);
  return (
    <span data-testid="tunnel-expiry" title={new Date(at).toLocaleString()}>
      {formatClock(at)}
      <span className="facts__sub"> {at > now ? `in ${formatDuration(at - now)}` : 'now'}</span>
    </span>
  );
}

function Fact({
  label,
  title,
  children,
  mono,
  clip,
}: {
  readonly label: string;
  readonly title?: string;
  readonly children: ReactNode;
  readonly mono?: boolean;
  readonly clip?: boolean;
}) {
  return (
    <div className={`facts__item${clip ? ' facts__item--clip-wide' : ''}`} title={title}>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children}</dd>
    </div>
  );
}
