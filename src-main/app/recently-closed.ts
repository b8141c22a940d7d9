/**
 * The last connections of a tunnel that have closed, so that its view can still show them
 * (dimmed) after traffic ends. The core forgets a connection as soon as it closes; this
 * remembers the last figures of each one seen, and keeps at most `limit` closed ones per
 * tunnel, newest first, so what main sends stays small however many came and went.
 */
import type { ConnectionSnapshot } from '../core/stats/snapshot.js';
import type { ConnectionStats } from '../ipc/contract.js';
import { toStats } from './connections-page.js';

/** Closed connections a tunnel's view keeps: enough to see what just happened. */
export const RECENTLY_CLOSED_LIMIT = 20;

type Sampled = ConnectionSnapshot | ConnectionStats;

export class RecentlyClosed {
  /**
   * Connections open at the last sample, by key: the sample's own objects, so following a
   * thousand connections four times a second copies none of them; only one that closes
   * becomes a row.
   */
  private open = new Map<string, Sampled>();
  /** Closed ones, newest first. */
  private closed: ConnectionStats[] = [];

  constructor(private readonly limit = RECENTLY_CLOSED_LIMIT) {}

  /** The kept closed connections, newest first. */
  get connections(): readonly ConnectionStats[] {
    return this.closed;
  }

  /**
   * Takes the connections of one sample. A connection missing from this sample that was in
   * the last one has closed (at `now`), as has one the core reports as closed.
   */
  follow(now: number, connections: Iterable<Sampled>): void {
    const open = new Map<string, Sampled>();
    const closing: Sampled[] = [];
    for (const connection of connections) {
      if (connection.state === 'closed') closing.push(connection);
      else open.set(connection.key, connection);
    }
    for (const [key, connection] of this.open) {
      if (!open.has(key)) closing.push(connection);
    }
    this.open = open;
    if (closing.length === 0) return;
    // Kept already, or both reported closed and gone from the last sample's open ones.
    const seen = new Set(this.closed.map((c) => c.key));
    const justClosed: ConnectionStats[] = [];
    for (const connection of closing) {
      if (seen.has(connection.key)) continue;
      seen.add(connection.key);
      justClosed.push(closedAt(toStats(connection), now));
    }
    justClosed.sort((a, b) => b.openedAt - a.openedAt);
    if (justClosed.length > 0) this.closed = justClosed.concat(this.closed).slice(0, this.limit);
  }
}

/** A connection's last figures, as closed: its rates are zero, its bytes are final. */
function closedAt(stats: ConnectionStats, now: number): ConnectionStats {
  return {
    ...stats,
    state: 'closed',
    bytesInPerSecond: 0,
    bytesOutPerSecond: 0,
    closedAt: stats.closedAt ?? now,
  };
}
