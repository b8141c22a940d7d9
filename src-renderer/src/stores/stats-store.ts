/**
 * Live figures of every tunnel, fed by main's batched snapshots (about 4 a second).
 *
 * Built for a thousand connections: each snapshot is folded into rows that keep their old
 * object when nothing in them changed (so memoised rows skip rendering), a small ring of
 * rates per connection for its sparkline (sampled once a second, rebuilt from the keys in
 * the snapshot, so a connection that is gone leaves nothing behind), and a throughput
 * history per tunnel for the plot (seeded from getHistory, then one point a second).
 */
import { create } from 'zustand';
import type {
  ConnectionStats,
  HistoryPoint,
  ServiceStats,
  SessionStats,
  SessionView,
} from '../../../src-main/ipc/contract.js';
import { pushSample } from '../lib/ring';

/** Samples per connection sparkline: 30 s at one a second. */
export const SPARK_SAMPLES = 30;
/** Points of tunnel history kept: the contract's, as main keeps. */
export { HISTORY_POINTS } from '../../../src-main/ipc/contract.js';
import { HISTORY_POINTS } from '../../../src-main/ipc/contract.js';
const SAMPLE_EVERY_MS = 1_000;
/** Snapshots arrive every ~250 ms with jitter; a little slack keeps one sample a second. */
const SAMPLE_SLACK_MS = 60;

export interface ConnectionRow extends ConnectionStats {
  readonly serviceId: string;
  /** Unique across tunnels (a connection key is unique only within its tunnel). */
  readonly id: string;
}

export type ServiceRow = Omit<ServiceStats, 'connections'> & { readonly openConnections: number };

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
  readonly connections: readonly ConnectionRow[];
}

export interface Spark {
  readonly bytesIn: readonly number[];
  readonly bytesOut: readonly number[];
}

interface StatsData {
  readonly at: number | null;
  readonly live: Readonly<Record<string, LiveSession>>;
  readonly sparks: Readonly<Record<string, Spark>>;
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

const EMPTY: StatsData = { at: null, live: {}, sparks: {}, sampledAt: {}, history: {}, seeded: {} };

export function connectionId(sessionId: string, key: string): string {
  return `${sessionId} ${key}`;
}

function sameFields<T extends object>(a: T, b: T, fields: readonly (keyof T)[]): boolean {
  return fields.every((field) => a[field] === b[field]);
}

const CONNECTION_FIELDS = [
  'state',
  'bytesIn',
  'bytesOut',
  'bytesInPerSecond',
  'bytesOutPerSecond',
  'peer',
  'streamId',
  'connectionId',
  'openedAt',
  'serviceId',
] as const satisfies readonly (keyof ConnectionRow)[];

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
  const oldRows = new Map(previous?.connections.map((row) => [row.key, row]));
  const oldServices = new Map(previous?.services.map((row) => [row.serviceId, row]));
  const connections: ConnectionRow[] = [];
  const services: ServiceRow[] = [];
  for (const service of stats.services) {
    const { connections: serviceConnections, ...figures } = service;
    const serviceRow: ServiceRow = {
      ...figures,
      openConnections: serviceConnections.filter((c) => c.state !== 'closed').length,
    };
    const oldService = oldServices.get(service.serviceId);
    services.push(
      oldService && sameFields(oldService, serviceRow, SERVICE_FIELDS) ? oldService : serviceRow,
    );
    for (const connection of serviceConnections) {
      const row: ConnectionRow = {
        ...connection,
        serviceId: service.serviceId,
        id: connectionId(stats.sessionId, connection.key),
      };
      const old = oldRows.get(connection.key);
      connections.push(old && sameFields(old, row, CONNECTION_FIELDS) ? old : row);
    }
  }
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
    connections:
      previous &&
      connections.length === previous.connections.length &&
      connections.every((row, i) => row === previous.connections[i])
        ? previous.connections
        : connections,
  };
}

/** A closed tunnel: its totals stay for the record, its live parts go. */
function quiesce(live: LiveSession): LiveSession {
  if (
    live.connections.length === 0 &&
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
    connections: [],
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
      const sparks: Record<string, Spark> = {};
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
        for (const row of folded.connections) {
          const old = state.sparks[row.id];
          if (!sample && old) {
            sparks[row.id] = old;
            continue;
          }
          const bytesIn = pushSample(old?.bytesIn, row.bytesInPerSecond, SPARK_SAMPLES);
          const bytesOut = pushSample(old?.bytesOut, row.bytesOutPerSecond, SPARK_SAMPLES);
          sparks[row.id] =
            old && old.bytesIn === bytesIn && old.bytesOut === bytesOut
              ? old
              : { bytesIn, bytesOut };
        }
      }
      // A tunnel missing from the batch is no longer open: nothing of it is live.
      for (const [sessionId, entry] of Object.entries(state.live)) {
        if (!present.has(sessionId)) live[sessionId] = quiesce(entry);
      }
      return { at, live, sparks, sampledAt, history };
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
        sparks: withoutKeys(state.sparks, (key) => gone(key.slice(0, key.indexOf(' ')))),
        sampledAt: withoutKeys(state.sampledAt, gone),
        history: withoutKeys(state.history, gone),
        seeded: withoutKeys(state.seeded, gone),
      };
    }),
}));

export function resetStatsStore(): void {
  useStatsStore.setState(EMPTY);
}
