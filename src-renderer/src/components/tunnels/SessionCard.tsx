/** One tunnel in the list: who, where, in what state, which ports, how much traffic. */
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { formatBytes, formatRate } from '../../lib/format';
import { useStatsStore } from '../../stores/stats-store';
import { kindLabel } from '../../lib/session-state';
import { hashFromRoute } from '../../stores/ui-store';
import { SessionActions } from './SessionActions';
import { SessionStateText, StatePill } from './SessionStateText';
import { DeviceLine } from './TunnelPanel';

export function SessionCard({ session }: { readonly session: SessionView }) {
  const liveTotals = useStatsStore((state) => state.live[session.id]?.totals);
  const totals = liveTotals ?? session.finalStats ?? undefined;
  const href = hashFromRoute({ view: 'tunnels', sessionId: session.id });
  return (
    <article
      className="session-card"
      aria-labelledby={`card-${session.id}`}
      data-testid="session-card"
      data-session-id={session.id}
    >
      <div className="session-card__main">
        <div className="session-card__title-row">
          <h2 className="session-card__title" id={`card-${session.id}`}>
            <a href={href}>{session.name}</a>
          </h2>
          <span className="chip">{kindLabel(session.kind)}</span>
          <StatePill session={session} />
          <SessionStateText session={session} />
        </div>
        <dl className="session-card__facts">
          <div>
            <dt>Endpoint</dt>
            <dd className="mono">{session.endpoint}</dd>
          </div>
          <div>
            <dt>Services</dt>
            <dd className="listener-summary">
              {session.listeners.map((listener) => (
                <span key={listener.serviceId} className="listener-tag">
                  <span className="listener-tag__id">{listener.serviceId}</span>
                  <span className="mono">
                    {listener.port !== null
                      ? `${listener.bindAddress}:${listener.port}`
                      : 'not listening'}
                  </span>
                </span>
              ))}
            </dd>
          </div>
          {session.state.kind === 'connected' ? (
            <div>
              <dt>Protocol · channel</dt>
              <dd className="mono" title={session.state.channelId ?? undefined}>
                {session.state.version} · {shortId(session.state.channelId)}
              </dd>
            </div>
          ) : null}
          {session.tunnel ? (
            <div>
              <dt>Device</dt>
              <dd>
                <DeviceLine
                  device={session.device ?? null}
                  open={session.tunnel.status === 'OPEN'}
                />
              </dd>
            </div>
          ) : null}
          {session.peerServices.length > 0 ? (
            <div>
              <dt>Peer services</dt>
              <dd className="mono">{session.peerServices.join(', ')}</dd>
            </div>
          ) : null}
          <div>
            <dt>Traffic</dt>
            <dd className="mono traffic">
              <span title="Received from the device">↓ {formatBytes(totals?.bytesIn ?? 0)}</span>
              <span title="Sent to the device">↑ {formatBytes(totals?.bytesOut ?? 0)}</span>
              {session.state.kind !== 'closed' ? (
                <span className="traffic__rate">
                  {formatRate(totals?.bytesInPerSecond ?? 0)} /{' '}
                  {formatRate(totals?.bytesOutPerSecond ?? 0)}
                </span>
              ) : null}
            </dd>
          </div>
        </dl>
      </div>
      <div className="session-card__side">
        <SessionActions session={session} compact />
        <a className="button button--small button--quiet" href={href}>
          Details →
        </a>
      </div>
    </article>
  );
}

/** Channel ids are long UUIDs; the start tells them apart, the tooltip has the rest. */
function shortId(id: string | null): string {
  if (!id) return '—';
  return id.length > 13 ? `${id.slice(0, 13)}…` : id;
}
