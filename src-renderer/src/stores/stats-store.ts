/**
 * Live figures of every tunnel, fed by main's batched snapshots (about 4 a second): totals
 * and per-service rows that keep their old object when nothing in them changed (so memoised
 * views skip rendering), and a throughput history per tunnel for the plot (seeded from
 * getHistory, then one point a second). Connections are not here: the live view asks main
 * for the rows it shows (connections-store.ts).
 */
import { create } from 'zustand';
import type {
  HistoryPoint,
  ServiceStats,
  SessionStats,
  SessionView,
} from '../../../src-main/ipc/contract.js';
/** Points of tunnel history kept: the contract's, as main keeps. */
export { HISTORY_POINTS } from '../../../src-main/ipc/contract-values.js';
import { HISTORY_POINTS } from '../../../src-main/ipc/contract-values.js';
const SAMPLE_EVERY_MS = 1_000;
/** Snapshots arrive every ~250 ms with jitter; a little slack keeps one sample a second. */
const SAMPLE_SLACK_MS = 60;

export type ServiceRow = ServiceStats;

export interface Totals {
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly bytesInPerSecond: number;
  readonly bytesOutPerSecond: number;
  readonly latencyMs: number | null;
}

export interface LiveSession {
  readonly totals: Totals;
  readonly services: readonly ServiceRow[];
}

interface StatsData {
  readonly at: number | null;
  readonly live: Readonly<Record<string, LiveSession>>;
  readonly sampledAt: Readonly<Record<string, number>>;
  readonly history: Readonly<Record<string, readonly HistoryPoint[]>>;
  readonly seeded: Readonly<Record<string, true>>;
}

interface StatsState extends StatsData {
  applySnapshot(snapshot: { at: number; sessions: readonly SessionStats[] }): void;
  seedHistory(sessionId: string, points: readonly HistoryPoint[]): void;
  /**
   * Follows main's session list: a forgotten tunnel leaves nothing behind. A closed one
   * keeps its totals; its live parts go with the first batch that leaves it out (main sends
   * one, empty if need be, when the last open tunnel closes).
   */
  retainSessions(sessions: readonly SessionView[]): void;
}

const EMPTY: StatsData = { at: null, live: {}, sampledAt: {}, history: {}, seeded: {} };

function sameFields<T extends object>(a: T, b: T, fields: readonly (keyof T)[]): boolean {
  return fields.every((field) => a[field] === b[field]);
}

const SERVICE_FIELDS = [
  'activeStreamId',
  'streamsStarted',
  'connectionsOpened',
  'bytesIn',
  'bytesOut',
  'bytesInPerSecond',
  'bytesOutPerSecond',
  'openConnections',
] as const satisfies readonly (keyof ServiceRow)[];

function foldSession(previous: LiveSession | undefined, stats: SessionStats): LiveSession {
  const oldServices = new Map(previous?.services.map((row) => [row.serviceId, row]));
  const services = stats.services.map((service) => {
    const old = oldServices.get(service.serviceId);
    return old && sameFields(old, service, SERVICE_FIELDS) ? old : service;
  });
  const totals: Totals = {
    bytesIn: stats.bytesIn,
    bytesOut: stats.bytesOut,
    bytesInPerSecond: stats.bytesInPerSecond,
    bytesOutPerSecond: stats.bytesOutPerSecond,
    latencyMs: stats.latencyMs,
  };
  const keepTotals =
    previous &&
    sameFields(previous.totals, totals, [
      'bytesIn',
      'bytesOut',
      'bytesInPerSecond',
      'bytesOutPerSecond',
      'latencyMs',
    ]);
  return {
    totals: keepTotals ? previous.totals : totals,
    services:
      previous &&
      services.every((row, i) => row === previous.services[i]) &&
      services.length === previous.services.length
        ? previous.services
        : services,
  };
}

/** A closed tunnel: its totals stay for the record, its live parts go. */
function quiesce(live: LiveSession): LiveSession {
  if (
    live.services.every((service) => service.openConnections === 0) &&
    live.totals.bytesInPerSecond === 0 &&
    live.totals.bytesOutPerSecond === 0
  ) {
    return live;
  }
  return {
    totals: { ...live.totals, bytesInPerSecond: 0, bytesOutPerSecond: 0, latencyMs: null },
    services: live.services.map((service) => ({
      ...service,
      bytesInPerSecond: 0,
      bytesOutPerSecond: 0,
      openConnections: 0,
    })),
  };
}

function appendHistory(
  history: readonly HistoryPoint[] | undefined,
  point: HistoryPoint,
): readonly HistoryPoint[] {
  const next = (history ?? []).concat(point);
  return next.length > HISTORY_POINTS ? next.slice(next.length - HISTORY_POINTS) : next;
}

function withoutKeys<T>(record: Readonly<Record<string, T>>, drop: (key: string) => boolean) {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) if (!drop(key)) out[key] = value;
  return out;
}

export const useStatsStore = create<StatsState>()((set) => ({
  ...EMPTY,

  applySnapshot: ({ at, sessions }) =>
    set((state) => {
      const live: Record<string, LiveSession> = { ...state.live };
      const sampledAt: Record<string, number> = { ...state.sampledAt };
      const history: Record<string, readonly HistoryPoint[]> = { ...state.history };
      const present = new Set(sessions.map((s) => s.sessionId));
      for (const stats of sessions) {
        const folded = foldSession(state.live[stats.sessionId], stats);
        live[stats.sessionId] = folded;
        const last = state.sampledAt[stats.sessionId];
        const sample = last === undefined || at - last >= SAMPLE_EVERY_MS - SAMPLE_SLACK_MS;
        if (sample) {
          sampledAt[stats.sessionId] = at;
          history[stats.sessionId] = appendHistory(state.history[stats.sessionId], {
            at,
            bytesInPerSecond: stats.bytesInPerSecond,
            bytesOutPerSecond: stats.bytesOutPerSecond,
          });
        }
      }
      // A tunnel missing from the batch is no longer open: nothing of it is live.
      for (const [sessionId, entry] of Object.entries(state.live)) {
        if (!present.has(sessionId)) live[sessionId] = quiesce(entry);
      }
      return { at, live, sampledAt, history };
    }),

  seedHistory: (sessionId, points) =>
    set((state) => {
      const seeded = [...points].sort((a, b) => a.at - b.at);
      const lastSeeded = seeded.at(-1)?.at ?? -Infinity;
      const newer = (state.history[sessionId] ?? []).filter((point) => point.at > lastSeeded);
      const merged = seeded.concat(newer);
      return {
        history: {
          ...state.history,
          [sessionId]:
            merged.length > HISTORY_POINTS ? merged.slice(merged.length - HISTORY_POINTS) : merged,
        },
        seeded: { ...state.seeded, [sessionId]: true },
      };
    }),

  retainSessions: (sessions) =>
    set((state) => {
      const known = new Set(sessions.map((s) => s.id));
      const gone = (id: string) => !known.has(id);
      const live = withoutKeys(state.live, gone);
      // A closed tunnel this page never saw live (it was reloaded): main's final figures.
      for (const session of sessions) {
        if (!live[session.id] && session.finalStats) {
          live[session.id] = quiesce(foldSession(undefined, session.finalStats));
        }
      }
      return {
        live,
        sampledAt: withoutKeys(state.sampledAt, gone),
        history: withoutKeys(state.history, gone),
        seeded: withoutKeys(state.seeded, gone),
      };
    }),
}));

export function resetStatsStore(): void {
  useStatsStore.setState(EMPTY);
}
