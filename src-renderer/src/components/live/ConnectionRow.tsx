/**
 * One TCP connection carried by the tunnel. Memoised on the row object, which the stats
 * store keeps identical while the connection's figures do not change.
 */
import { memo } from 'react';
import { formatBytes, formatCount, formatDuration, formatRate } from '../../lib/format';
import type { ConnectionRow as Row } from '../../stores/connections-store';
import { Age } from './Age';
import { Sparkline } from './Sparkline';

interface ConnectionRowProps {
  readonly row: Row;
  readonly index: number;
  /** Where the virtualizer puts the row, px from the top (a number, so memo can compare it). */
  readonly offset: number;
  readonly height: number;
}

export const ConnectionRow = memo(function ConnectionRow({
  row,
  index,
  offset,
  height,
}: ConnectionRowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`conn-row conn-row--${row.state}`}
      style={{ transform: `translateY(${offset}px)`, height }}
      data-testid="connection-row"
      data-key={row.key}
      data-service={row.serviceId}
      data-state={row.state}
    >
      <span
        role="cell"
        className="mono conn-row__key"
        title={`stream ${row.streamId}, connection ${row.connectionId}`}
      >
        {row.key}
      </span>
      <span role="cell">
        <span className={`conn-state conn-state--${row.state}`}>{row.state}</span>
      </span>
      <span role="cell" className="mono conn-row__peer" title={row.peer}>
        {row.peer}
      </span>
      <span
        role="cell"
        className="num mono"
        title={`${formatCount(row.bytesIn)} bytes`}
        data-testid="conn-bytes-in"
        data-value={row.bytesIn}
      >
        {formatBytes(row.bytesIn)}
      </span>
      <span
        role="cell"
        className="num mono"
        title={`${formatCount(row.bytesOut)} bytes`}
        data-testid="conn-bytes-out"
        data-value={row.bytesOut}
      >
        {formatBytes(row.bytesOut)}
      </span>
      <span role="cell" className="num mono rate-in">
        {formatRate(row.bytesInPerSecond)}
      </span>
      <span role="cell" className="num mono rate-out">
        {formatRate(row.bytesOutPerSecond)}
      </span>
      <span role="cell" className="conn-row__spark">
        <Sparkline id={row.id} />
      </span>
      <span role="cell" className="num mono">
        {row.closedAt === undefined ? (
          <Age since={row.openedAt} />
        ) : (
          // A closed connection's age is how long it lasted; it no longer grows.
          formatDuration(row.closedAt - row.openedAt)
        )}
      </span>
    </div>
  );
});
