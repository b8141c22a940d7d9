/**
 * The connections a live view shows, cut from a tunnel's latest snapshot: filtered, in list
 * order, one window of it. Main answers this instead of pushing every row to every view, so
 * what crosses to the renderer is what fits on its screen.
 */
import type { ConnectionSnapshot, TunnelSnapshot } from '../core/stats/snapshot.js';
import type { ConnectionsPage, ConnectionsQuery, ConnectionStats } from '../ipc/contract.js';

const STATE_ORDER: Record<ConnectionStats['state'], number> = {
  connecting: 0,
  open: 0,
  closing: 1,
  closed: 2,
};

/** Live ones first, newest first (then by key), so a new connection shows at the top. */
export function byRecency(a: ConnectionSnapshot, b: ConnectionSnapshot): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    b.openedAt - a.openedAt ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/**
 * One snapshot's connections in list order. Sorted at most once per snapshot, however many
 * views ask, and only when one does: with no live view open nothing is sorted or copied.
 */
export class ConnectionList {
  private sorted: readonly ConnectionSnapshot[] | undefined;
  readonly open: number;

  constructor(
    readonly snapshot: Pick<TunnelSnapshot, 'at' | 'services'> | undefined,
    private readonly serviceOrder: (serviceId: string) => number = () => 0,
  ) {
    let open = 0;
    for (const service of snapshot?.services ?? []) {
      for (const connection of service.connections) if (connection.state !== 'closed') open++;
    }
    this.open = open;
  }

  get listed(): number {
    let listed = 0;
    for (const service of this.snapshot?.services ?? []) listed += service.connections.length;
    return listed;
  }

  private all(): readonly ConnectionSnapshot[] {
    if (!this.sorted) {
      const rows: ConnectionSnapshot[] = [];
      for (const service of this.snapshot?.services ?? []) rows.push(...service.connections);
      this.sorted = rows.sort(
        (a, b) =>
          byRecency(a, b) || this.serviceOrder(a.serviceId) - this.serviceOrder(b.serviceId),
      );
    }
    return this.sorted;
  }

  page(query: Omit<ConnectionsQuery, 'sessionId'>): ConnectionsPage {
    const all = this.all();
    const needle = query.filter?.trim().toLowerCase() ?? '';
    const matching = needle ? all.filter((row) => matches(row, needle)) : all;
    // A list that shrank under the view: show its last rows rather than nothing.
    const offset = Math.max(0, Math.min(query.offset, matching.length - query.limit));
    return {
      at: this.snapshot?.at ?? 0,
      listed: all.length,
      open: this.open,
      matching: matching.length,
      offset,
      rows: matching.slice(offset, offset + query.limit).map(toStats),
    };
  }
}

function matches(row: ConnectionSnapshot, needle: string): boolean {
  return (
    row.key.toLowerCase().includes(needle) ||
    row.peer.toLowerCase().includes(needle) ||
    row.state === needle
  );
}

function toStats(c: ConnectionSnapshot): ConnectionStats {
  return {
    key: c.key,
    serviceId: c.serviceId,
    streamId: c.streamId,
    connectionId: c.connectionId,
    state: c.state,
    openedAt: c.openedAt,
    peer: c.peer,
    bytesIn: c.bytesIn,
    bytesOut: c.bytesOut,
    // Whole bytes a second: the digits after the point would be a fifth of each row.
    bytesInPerSecond: Math.round(c.bytesInPerSecond),
    bytesOutPerSecond: Math.round(c.bytesOutPerSecond),
  };
}
