/**
 * The last connections of a tunnel that have closed, so that its view can still show them
 * (dimmed) after traffic ends. The core forgets a connection as soon as it closes; this
 * remembers the last figures of each one seen, and keeps at most `limit` closed ones per
 * tunnel, newest first, so what main sends stays small however many came and went.
 */
import type { ConnectionStats } from '../ipc/contract.js';

/** Closed connections a tunnel's view keeps: enough to see what just happened. */
export const RECENTLY_CLOSED_LIMIT = 20;

interface Seen {
  readonly serviceId: string;
  readonly stats: ConnectionStats;
}

export class RecentlyClosed {
  /** Connections open at the last sample, by key. */
  private open = new Map<string, Seen>();
  /** Closed ones, newest first. */
  private closed: Seen[] = [];

  constructor(private readonly limit = RECENTLY_CLOSED_LIMIT) {}

  /** The kept closed connections, newest first. */
  get connections(): readonly ConnectionStats[] {
    return this.closed.map((c) => c.stats);
  }

  /**
   * Takes the connections of one sample (by service) and returns them with the recently
   * closed ones of each service added after its live ones. A connection missing from this
   * sample that was in the last one has closed (at `now`).
   */
  follow(
    now: number,
    services: readonly { readonly serviceId: string; readonly connections: ConnectionStats[] }[],
  ): ReadonlyMap<string, ConnectionStats[]> {
    const open = new Map<string, Seen>();
    const closing = new Map<string, Seen>();
    for (const { serviceId, connections } of services) {
      for (const stats of connections) {
        if (stats.state === 'closed') closing.set(stats.key, { serviceId, stats });
        else open.set(stats.key, { serviceId, stats });
      }
    }
    for (const [key, seen] of this.open) {
      if (!open.has(key) && !closing.has(key)) closing.set(key, seen);
    }
    this.open = open;
    const known = new Set(this.closed.map((c) => c.stats.key));
    const justClosed = [...closing.values()]
      .filter((c) => !known.has(c.stats.key))
      .map((c) => ({ serviceId: c.serviceId, stats: closedAt(c.stats, now) }))
      .sort((a, b) => b.stats.openedAt - a.stats.openedAt);
    if (justClosed.length > 0) this.closed = justClosed.concat(this.closed).slice(0, this.limit);

    const out = new Map<string, ConnectionStats[]>();
    for (const { serviceId, connections } of services) {
      out.set(
        serviceId,
        connections.filter((c) => c.state !== 'closed'),
      );
    }
    for (const { serviceId, stats } of this.closed) out.get(serviceId)?.push(stats);
    return out;
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
