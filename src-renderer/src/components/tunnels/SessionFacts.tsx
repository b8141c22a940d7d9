/** The facts of a tunnel in one dense strip: where, which protocol, how it is doing. */
import type { ReactNode } from 'react';
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { formatBytes, formatCount, formatLatency, formatRate } from '../../lib/format';
import { useStatsStore } from '../../stores/stats-store';

export function SessionFacts({ session }: { readonly session: SessionView }) {
  const liveTotals = useStatsStore((state) => state.live[session.id]?.totals);
  // A closed tunnel this page did not see live (a reload): main kept its final figures.
  const totals = liveTotals ?? session.finalStats ?? undefined;
  const state = session.state;
  const connected = state.kind === 'connected' ? state : null;
  return (
    <dl className="facts" aria-label="Tunnel facts">
      <Fact label="Endpoint" mono wide>
        {session.endpoint}
        {connected?.via ? <span className="facts__sub"> via {connected.via}</span> : null}
      </Fact>
      <Fact label="Channel id" title={connected?.channelId ?? undefined} mono clip>
        {connected?.channelId ?? '—'}
      </Fact>
      <Fact label="Protocol" mono>
        {connected ? connected.version : '—'}
        <span
          className="facts__sub"
          title="The destination's protocol version this side speaks (Peer protocol, chosen when connecting)"
        >
          {' '}
          peer {session.peerVersion}
        </span>
      </Fact>
      <Fact label="Latency" mono>
        {formatLatency(session.latencyMs)}
      </Fact>
      <Fact
        label="Reconnects"
        mono
        title="Reconnect attempts since the tunnel opened: each wait with a countdown (attempt N) counts"
      >
        <span data-testid="reconnects" data-value={session.reconnects}>
          {formatCount(session.reconnects)}
        </span>
      </Fact>
      <Fact label="Peer services" mono>
        {session.peerServices.length > 0 ? session.peerServices.join(', ') : '—'}
      </Fact>
      <Fact label="Traffic" mono>
        <span className="facts__line" title="Bytes from the device, and the rate now">
          ↓{' '}
          <span data-testid="total-bytes-in" data-value={totals?.bytesIn ?? 0}>
            {formatBytes(totals?.bytesIn ?? 0)}
          </span>{' '}
          <span className="rate-in">{formatRate(totals?.bytesInPerSecond ?? 0)}</span>
        </span>
        <span className="facts__line" title="Bytes to the device, and the rate now">
          ↑{' '}
          <span data-testid="total-bytes-out" data-value={totals?.bytesOut ?? 0}>
            {formatBytes(totals?.bytesOut ?? 0)}
          </span>{' '}
          <span className="rate-out">{formatRate(totals?.bytesOutPerSecond ?? 0)}</span>
        </span>
      </Fact>
    </dl>
  );
}

function Fact({
  label,
  title,
  children,
  mono,
  wide,
  clip,
}: {
  readonly label: string;
  readonly title?: string;
  readonly children: ReactNode;
  readonly mono?: boolean;
  readonly wide?: boolean;
  /** Long values (ids) are cut to keep the strip on one line; the tooltip has them whole. */
  readonly clip?: boolean;
}) {
  const modifier = wide ? ' facts__item--wide' : clip ? ' facts__item--clip' : '';
  return (
    <div className={`facts__item${modifier}`} title={title}>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children}</dd>
    </div>
  );
}
