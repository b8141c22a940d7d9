/**
 * The connections a live view shows: the window of rows main last answered for each tunnel
 * (`api.connections`), and a small ring of rates per shown connection for its sparkline.
 *
 * Built for a thousand connections: the store holds only a window (a screenful and its
 * margins), rows keep their old object when nothing in them changed (so memoised rows skip
 * rendering), and sparklines are sampled once a second for the rows in the window only; a
 * row that leaves the window leaves nothing behind.
 */
import { create } from 'zustand';
import { sameConnectionRow } from '../../../src-main/ipc/contract-values.js';
import type { ConnectionsPage, ConnectionStats } from '../../../src-main/ipc/contract.js';
import { pushSample } from '../lib/ring';

/** Samples per connection sparkline: 30 s at one a second. */
export const SPARK_SAMPLES = 30;
const SAMPLE_EVERY_MS = 1_000;
/** Pages arrive every ~250 ms with jitter; a little slack keeps one sample a second. */
const SAMPLE_SLACK_MS = 60;

export interface ConnectionRow extends ConnectionStats {
  /** Unique across tunnels (a connection key is unique only within its tunnel). */
  readonly id: string;
}

/** What main said of a tunnel's connections, with the rows of one window of the list. */
export interface ConnectionWindow {
  readonly at: number;
  readonly listed: number;
  readonly open: number;
  readonly matching: number;
  /** The index of `rows[0]` in the (filtered) list. */
  readonly offset: number;
  readonly rows: readonly ConnectionRow[];
  /** The filter these rows answer. */
  readonly filter: string;
}

export interface Spark {
  readonly bytesIn: readonly number[];
  readonly bytesOut: readonly number[];
}

interface ConnectionsData {
  readonly windows: Readonly<Record<string, ConnectionWindow>>;
  readonly sparks: Readonly<Record<string, Spark>>;
  readonly sampledAt: Readonly<Record<string, number>>;
}

interface ConnectionsState extends ConnectionsData {
  /**
   * Takes main's answer to a query that said it held rows of tick `heldAt`; false (and
   * nothing changed) when it must be asked again in full.
   */
  applyPage(sessionId: string, filter: string, page: ConnectionsPage, heldAt?: number): boolean;
  /** The view closed: its rows and sparklines go. */
  forget(sessionId: string): void;
}

const EMPTY: ConnectionsData = { windows: {}, sparks: {}, sampledAt: {} };

export function connectionId(sessionId: string, key: string): string {
  return `${sessionId} ${key}`;
}

/** What the view holds of a tunnel's list for this filter, to tell main (query's `held`). */
export function heldRows(
  window: ConnectionWindow | undefined,
  filter: string,
): { at: number; offset: number; count: number } | undefined {
  if (!window || window.filter !== filter || window.rows.length === 0) return undefined;
  return { at: window.at, offset: window.offset, count: window.rows.length };
}

/**
 * The page's rows, reusing the previous window's objects for rows that did not change and
 * taking the held ones where main sent `null`. `heldAt`: the tick of the rows the query said
 * it held. Undefined when a `null` has no held row to stand for (the window changed while
 * the page was on its way): ask again without `held`.
 */
export function foldWindow(
  sessionId: string,
  filter: string,
  previous: ConnectionWindow | undefined,
  page: ConnectionsPage,
  heldAt?: number,
): ConnectionWindow | undefined {
  const old = new Map(previous?.rows.map((row) => [row.key, row]));
  const rows: ConnectionRow[] = [];
  for (const [i, stats] of page.rows.entries()) {
    if (stats === null) {
      const heldRow =
        previous?.filter === filter && previous.at === heldAt
          ? previous.rows[page.offset + i - previous.offset]
          : undefined;
      if (heldRow === undefined) return undefined;
      rows.push(heldRow);
      continue;
    }
    const row: ConnectionRow = { ...stats, id: connectionId(sessionId, stats.key) };
    const before = old.get(stats.key);
    rows.push(before && sameConnectionRow(before, row) ? before : row);
  }
  const sameRows =
    previous !== undefined &&
    previous.rows.length === rows.length &&
    rows.every((row, i) => row === previous.rows[i]);
  return {
    at: page.at,
    listed: page.listed,
    open: page.open,
    matching: page.matching,
    offset: page.offset,
    rows: sameRows ? previous.rows : rows,
    filter,
  };
}

function sessionOf(id: string): string {
  return id.slice(0, id.indexOf(' '));
}

export const useConnectionsStore = create<ConnectionsState>()((set, get) => ({
  ...EMPTY,

  applyPage: (sessionId, filter, page, heldAt) => {
    const window = foldWindow(sessionId, filter, get().windows[sessionId], page, heldAt);
    if (window === undefined) return false;
    set((state) => {
      const last = state.sampledAt[sessionId];
      const sample = last === undefined || page.at - last >= SAMPLE_EVERY_MS - SAMPLE_SLACK_MS;
      const sparks: Record<string, Spark> = {};
      // Other tunnels' sparklines stay; this one's keep only the rows in the window.
      for (const [id, spark] of Object.entries(state.sparks)) {
        if (sessionOf(id) !== sessionId) sparks[id] = spark;
      }
      for (const row of window.rows) {
        const old = state.sparks[row.id];
        if (!sample && old) {
          sparks[row.id] = old;
          continue;
        }
        const bytesIn = pushSample(old?.bytesIn, row.bytesInPerSecond, SPARK_SAMPLES);
        const bytesOut = pushSample(old?.bytesOut, row.bytesOutPerSecond, SPARK_SAMPLES);
        sparks[row.id] =
          old && old.bytesIn === bytesIn && old.bytesOut === bytesOut ? old : { bytesIn, bytesOut };
      }
      return {
        windows: { ...state.windows, [sessionId]: window },
        sparks,
        sampledAt: sample ? { ...state.sampledAt, [sessionId]: page.at } : state.sampledAt,
      };
    });
    return true;
  },

  forget: (sessionId) =>
    set((state) => {
      const windows = { ...state.windows };
      delete windows[sessionId];
      const sampledAt = { ...state.sampledAt };
      delete sampledAt[sessionId];
      const sparks: Record<string, Spark> = {};
      for (const [id, spark] of Object.entries(state.sparks)) {
        if (sessionOf(id) !== sessionId) sparks[id] = spark;
      }
      return { windows, sparks, sampledAt };
    }),
}));

export function resetConnectionsStore(): void {
  useConnectionsStore.setState(EMPTY);
}
