/**
 * The connections a live view shows, cut from a tunnel's latest snapshot: filtered, in list
 * order, one window of it. Main answers this instead of pushing every row to every view, so
 * what crosses to the renderer is what fits on its screen.
 */
import type { ConnectionSnapshot, TunnelSnapshot } from '../core/stats/snapshot.js';
import {
  sameConnectionRow,
  type ConnectionsPage,
  type ConnectionsQuery,
  type ConnectionStats,
} from '../ipc/contract.js';

const STATE_ORDER: Record<ConnectionStats['state'], number> = {
  connecting: 0,
  open: 0,
  closing: 1,
  closed: 2,
};

type Listed = Pick<ConnectionStats, 'state' | 'openedAt' | 'key' | 'peer' | 'serviceId'>;

/** Live ones first, newest first (then by key), so a new connection shows at the top. */
export function byRecency(a: Listed, b: Listed): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    b.openedAt - a.openedAt ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

type Row = ConnectionSnapshot | ConnectionStats;

/**
 * One snapshot's connections in list order. Sorted at most once per snapshot, however many
 * views ask, and only when one does: with no live view open nothing is sorted or copied.
 */
export class ConnectionList {
  private sorted: readonly Row[] | undefined;
  /** The list this one replaced, as a view may hold it: its tick and its order. */
  private before: { readonly at: number; readonly rows: readonly Row[] } | undefined;
  readonly open: number;

  /**
   * `closed`: the recently closed connections the view keeps (recently-closed.ts), listed
   * after the live ones; the snapshot's own closing ones give way to them.
   */
  constructor(
    readonly snapshot: Pick<TunnelSnapshot, 'at' | 'services'> | undefined,
    private readonly serviceOrder: (serviceId: string) => number = () => 0,
    private readonly closed: readonly ConnectionStats[] = [],
  ) {
    let open = 0;
    for (const service of snapshot?.services ?? []) {
      for (const connection of service.connections) if (connection.state !== 'closed') open++;
    }
    this.open = open;
  }

  /**
   * Remembers the list of the tick before (only its order, if a view asked for it, and not
   * what it remembered), so that a view still holding its rows gets only those that changed.
   */
  replacing(previous: ConnectionList): this {
    if (previous.snapshot && previous.sorted) {
      this.before = { at: previous.snapshot.at, rows: previous.sorted };
    }
    return this;
  }

  get listed(): number {
    return this.all().length;
  }

  private all(): readonly (ConnectionSnapshot | ConnectionStats)[] {
    if (!this.sorted) {
      const closedKeys = new Set(this.closed.map((c) => c.key));
      const rows: (ConnectionSnapshot | ConnectionStats)[] = [];
      for (const service of this.snapshot?.services ?? []) {
        for (const c of service.connections) if (!closedKeys.has(c.key)) rows.push(c);
      }
      rows.push(...this.closed);
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
    const at = this.snapshot?.at ?? 0;
    const held = this.snapshot ? query.held : undefined;
    // The rows the view holds are this very list's (one tick, one filter), or the list's of
    // the tick before, whose rows stand where they stood unless their figures changed.
    const heldList =
      held?.at === at
        ? matching
        : held !== undefined && held.at === this.before?.at
          ? needle
            ? this.before.rows.filter((row) => matches(row, needle))
            : this.before.rows
          : undefined;
    return {
      at,
      listed: all.length,
      open: this.open,
      matching: matching.length,
      offset,
      rows: matching.slice(offset, offset + query.limit).map((row, i) => {
        const index = offset + i;
        if (!held || !heldList || index < held.offset || index >= held.offset + held.count) {
          return toStats(row);
        }
        const was = heldList[index];
        if (was === row) return null;
        const stats = toStats(row);
        return was !== undefined && sameConnectionRow(toStats(was), stats) ? null : stats;
      }),
    };
  }
}

function matches(row: Listed, needle: string): boolean {
  return (
    row.key.toLowerCase().includes(needle) ||
    row.peer.toLowerCase().includes(needle) ||
    row.state === needle
  );
}

/** A row as the view gets it; a recently closed one is already one (with its `closedAt`). */
export function toStats(c: ConnectionSnapshot | ConnectionStats): ConnectionStats {
  if ('closedAt' in c) return c;
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
