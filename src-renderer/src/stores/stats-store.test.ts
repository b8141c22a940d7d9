import { beforeEach, describe, expect, it } from 'vitest';
import type { SessionStats, SessionView } from '../../../src-main/ipc/contract.js';
import { HISTORY_POINTS, resetStatsStore, useStatsStore } from './stats-store';

/** A connection's figures, as far as the per-tunnel snapshot counts it. */
interface Connection {
  readonly bytesIn: number;
}

function connection(_key: string, bytesIn = 0): Connection {
  return { bytesIn };
}

function session(sessionId: string, connections: Connection[], rate = 0): SessionStats {
  return {
    sessionId,
    latencyMs: 3,
    bytesIn: connections.reduce((sum, c) => sum + c.bytesIn, 0),
    bytesOut: 0,
    bytesInPerSecond: rate,
    bytesOutPerSecond: 0,
    services: [
      {
        serviceId: 'HTTP1',
        activeStreamId: 1,
        streamsStarted: 1,
        connectionsOpened: connections.length,
        openConnections: connections.length,
        bytesIn: 0,
        bytesOut: 0,
        bytesInPerSecond: 0,
        bytesOutPerSecond: 0,
      },
    ],
  };
}

function view(id: string, kind: 'connected' | 'closed'): SessionView {
  return {
    id,
    kind: 'sandbox',
    name: id,
    endpoint: 'wss://127.0.0.1:1',
    createdAt: 0,
    state:
      kind === 'closed'
        ? { kind: 'closed', cause: { kind: 'closed', by: 'operator' }, fatal: false }
        : { kind: 'connected', channelId: null, version: 'V3', since: 0, via: null },
    latencyMs: null,
    reconnects: 0,
    peerServices: [],
    listeners: [],
    peerVersion: 'V3',
  };
}

const apply = (at: number, ...sessions: SessionStats[]) =>
  useStatsStore.getState().applySnapshot({ at, sessions });
const state = () => useStatsStore.getState();

describe('the stats store', () => {
  beforeEach(resetStatsStore);

  it('keeps the same objects while a tunnel and its services do not change', () => {
    apply(1_000, session('s1', [connection('HTTP1/1/1', 10)]));
    const { totals, services } = state().live.s1!;
    apply(1_250, session('s1', [connection('HTTP1/1/1', 10)]));
    expect(state().live.s1!.totals).toBe(totals);
    expect(state().live.s1!.services).toBe(services);
    apply(1_500, session('s1', [connection('HTTP1/1/1', 10), connection('HTTP1/1/2', 5)]));
    expect(state().live.s1!.totals).not.toBe(totals);
    expect(state().live.s1!.services[0]!.openConnections).toBe(2);
  });

  it('empties a tunnel missing from a snapshot (closed) but keeps its totals', () => {
    apply(1_000, session('s1', [connection('HTTP1/1/1', 500)], 42), session('s2', []));
    apply(1_250, session('s2', []));
    const closed = state().live.s1!;
    expect(closed.services[0]!.openConnections).toBe(0);
    expect(closed.totals.bytesIn).toBe(500);
    expect(closed.totals.bytesInPerSecond).toBe(0);
  });

  it('follows the session list: a forgotten tunnel leaves nothing, a closed one its totals', () => {
    apply(
      1_000,
      session('s1', [connection('HTTP1/1/1', 5)]),
      session('s2', [connection('HTTP1/1/1', 7)]),
    );
    useStatsStore
      .getState()
      .seedHistory('s2', [{ at: 500, bytesInPerSecond: 1, bytesOutPerSecond: 1 }]);
    useStatsStore.getState().retainSessions([view('s1', 'closed')]);
    expect(state().live.s2).toBeUndefined();
    expect(state().history.s2).toBeUndefined();
    expect(state().seeded.s2).toBeUndefined();
    // Main's empty batch after the last tunnel closed: s1's live parts go, its totals stay.
    apply(1_250);
    expect(state().live.s1!.services[0]!.openConnections).toBe(0);
    expect(state().live.s1!.totals.bytesIn).toBe(5);
    expect(state().live.s1!.totals.bytesInPerSecond).toBe(0);
  });

  it("after a reload, a closed tunnel's totals come from main's final figures", () => {
    const final = { ...session('s1', []), bytesIn: 1_234, latencyMs: null };
    useStatsStore.getState().retainSessions([{ ...view('s1', 'closed'), finalStats: final }]);
    expect(state().live.s1!.totals.bytesIn).toBe(1_234);
    expect(state().live.s1!.services.map((s) => s.serviceId)).toEqual(['HTTP1']);
    // Figures the page saw live are not replaced.
    apply(2_000, session('s2', [connection('HTTP1/1/1', 9)]));
    useStatsStore
      .getState()
      .retainSessions([{ ...view('s2', 'closed'), finalStats: { ...final, sessionId: 's2' } }]);
    expect(state().live.s2!.totals.bytesIn).toBe(9);
  });

  it('appends one history point a second and caps the history', () => {
    for (let i = 0; i < HISTORY_POINTS + 20; i++) apply(i * 1_000, session('s1', [], i));
    const history = state().history.s1!;
    expect(history).toHaveLength(HISTORY_POINTS);
    expect(history.at(-1)!.bytesInPerSecond).toBe(HISTORY_POINTS + 19);
    apply((HISTORY_POINTS + 19) * 1_000 + 300, session('s1', [], 1));
    expect(state().history.s1).toHaveLength(HISTORY_POINTS);
    expect(state().history.s1!.at(-1)!.bytesInPerSecond).toBe(HISTORY_POINTS + 19);
  });

  it('seeds history from main and keeps only live points newer than the seed', () => {
    apply(10_000, session('s1', [], 5));
    apply(11_000, session('s1', [], 6));
    useStatsStore.getState().seedHistory('s1', [
      { at: 9_000, bytesInPerSecond: 1, bytesOutPerSecond: 0 },
      { at: 10_000, bytesInPerSecond: 2, bytesOutPerSecond: 0 },
    ]);
    expect(state().history.s1!.map((p) => [p.at, p.bytesInPerSecond])).toEqual([
      [9_000, 1],
      [10_000, 2],
      [11_000, 6],
    ]);
    expect(state().seeded.s1).toBe(true);
  });
});
