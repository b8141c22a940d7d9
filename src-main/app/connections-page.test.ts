/**
 * What a live view is sent of a tunnel's connections: one window of the list, in list
 * order, filtered in main; and the stats push that every view receives carries no rows.
 * The ordering and paging on made-up snapshots; the app's answer over a real sandbox
 * tunnel with real sockets.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSnapshot, ServiceSnapshot } from '../core/stats/snapshot.js';
import { waitFor } from '../core/test-support/local-servers.js';
import type { EventPayload } from '../ipc/contract.js';
import type { TunnelDeskApp } from './app.js';
import { ConnectionList } from './connections-page.js';
import { dispatch } from './dispatch.js';
import { testApp } from './test-support/test-environment.js';

function connection(
  key: string,
  openedAt: number,
  state: ConnectionSnapshot['state'] = 'open',
  serviceId = 'HTTP1',
): ConnectionSnapshot {
  return {
    key,
    serviceId,
    streamId: 1,
    connectionId: Number(key.replace(/\D/g, '')) || 1,
    state,
    openedAt,
    peer: `127.0.0.1:${40_000 + openedAt}`,
    bufferedBytes: 0,
    bytesIn: openedAt * 10,
    bytesOut: openedAt,
    framesIn: 0,
    framesOut: 0,
    bytesInPerSecond: 0,
    bytesOutPerSecond: 0,
  };
}

function service(serviceId: string, connections: ConnectionSnapshot[]): ServiceSnapshot {
  return {
    serviceId,
    local: undefined,
    activeStreamId: 1,
    streamsStarted: 1,
    connectionsOpened: connections.length,
    connections,
    bytesIn: 0,
    bytesOut: 0,
    framesIn: 0,
    framesOut: 0,
    bytesInPerSecond: 0,
    bytesOutPerSecond: 0,
  };
}

describe('ConnectionList', () => {
  const list = new ConnectionList({
    at: 1_000,
    services: [
      service('HTTP1', [
        connection('c1', 1),
        connection('c2', 2, 'closed'),
        connection('c3', 3),
        connection('c4', 4, 'closing'),
      ]),
      service('SSH1', [connection('c5', 5, 'open', 'SSH1'), connection('c6', 6, 'connecting')]),
    ],
  });

  it('lists live ones first, newest first, then closing, then closed', () => {
    const page = list.page({ offset: 0, limit: 10 });
    expect(page.rows.map((r) => r?.key)).toEqual(['c6', 'c5', 'c3', 'c1', 'c4', 'c2']);
    expect(page).toMatchObject({ at: 1_000, listed: 6, open: 5, matching: 6, offset: 0 });
    expect(page.rows[1]).toMatchObject({ serviceId: 'SSH1', bytesIn: 50, peer: '127.0.0.1:40005' });
  });

  it('returns one window of the list, and the last rows of a list that shrank', () => {
    expect(list.page({ offset: 2, limit: 2 }).rows.map((r) => r?.key)).toEqual(['c3', 'c1']);
    const past = list.page({ offset: 100, limit: 4 });
    expect(past.offset).toBe(2);
    expect(past.rows.map((r) => r?.key)).toEqual(['c3', 'c1', 'c4', 'c2']);
  });

  it('filters by key, peer or state before paging, and counts what matched', () => {
    const closed = list.page({ filter: ' Closed ', offset: 0, limit: 10 });
    expect(closed.rows.map((r) => r?.key)).toEqual(['c2']);
    expect(closed).toMatchObject({ matching: 1, listed: 6, open: 5 });
    expect(list.page({ filter: '40003', offset: 0, limit: 10 }).rows.map((r) => r?.key)).toEqual([
      'c3',
    ]);
    expect(list.page({ filter: 'nothing', offset: 0, limit: 10 })).toMatchObject({
      matching: 0,
      offset: 0,
      rows: [],
    });
  });

  it('leaves out the rows the view holds from this same tick, and only those', () => {
    const full = list.page({ offset: 0, limit: 6 });
    const again = list.page({ offset: 1, limit: 4, held: { at: 1_000, offset: 0, count: 3 } });
    expect(again.offset).toBe(1);
    // Rows 1 and 2 are held (0-2); rows 3 and 4 are new to the view.
    expect(again.rows).toEqual([null, null, full.rows[3], full.rows[4]]);
    // Rows from another tick are not the same figures: all are sent.
    const stale = list.page({ offset: 1, limit: 4, held: { at: 750, offset: 0, count: 3 } });
    expect(stale.rows).toEqual(full.rows.slice(1, 5));
    expect(stale.rows).not.toContain(null);
  });

  it('sends, one tick later, only the held rows whose figures changed', () => {
    const listAt = (at: number, connections: ConnectionSnapshot[]) =>
      new ConnectionList({ at, services: [service('HTTP1', connections)] });
    const first = listAt(1_000, [connection('c1', 1), connection('c2', 2), connection('c3', 3)]);
    const shown = first.page({ offset: 0, limit: 3 }); // a view asked: it holds c3, c2, c1
    const moved = { ...connection('c2', 2), bytesIn: 999 };
    const later = [connection('c1', 1), moved, connection('c3', 3), connection('c4', 4)];
    const second = listAt(1_250, later).replacing(first);
    const page = second.page({ offset: 0, limit: 4, held: { at: 1_000, offset: 0, count: 3 } });
    expect(page.at).toBe(1_250);
    // c4 is new at the top, so every held place now shows another connection: all sent.
    expect(page.rows.map((r) => r?.key)).toEqual(['c4', 'c3', 'c2', 'c1']);
    const third = listAt(1_500, later).replacing(second);
    const held = second.page({ offset: 0, limit: 4 }); // the view now holds c4, c3, c2 (moved), c1
    expect(held.rows).toHaveLength(4);
    const next = third.page({ offset: 0, limit: 4, held: { at: 1_250, offset: 0, count: 4 } });
    expect(next.rows).toEqual([null, null, null, null]);
    // A tick the list does not remember: everything is sent.
    expect(
      third.page({ offset: 0, limit: 2, held: { at: 1_000, offset: 0, count: 2 } }).rows,
    ).not.toContain(null);
    expect(shown.rows).toHaveLength(3);
  });

  it('sends a held row whose figures changed since the tick before', () => {
    const before = new ConnectionList({
      at: 1_000,
      services: [service('HTTP1', [connection('c1', 1), connection('c2', 2)])],
    });
    before.page({ offset: 0, limit: 2 });
    const changed = { ...connection('c1', 1), bytesOut: 4_242 };
    const after = new ConnectionList({
      at: 1_250,
      services: [service('HTTP1', [changed, connection('c2', 2)])],
    }).replacing(before);
    const page = after.page({ offset: 0, limit: 2, held: { at: 1_000, offset: 0, count: 2 } });
    expect(page.rows[0]).toBeNull(); // c2, unchanged
    expect(page.rows[1]).toMatchObject({ key: 'c1', bytesOut: 4_242 });
  });

  it('has nothing before the first sample, whatever the view says it holds', () => {
    const nothing = { at: 0, listed: 0, open: 0, matching: 0, offset: 0, rows: [] };
    const list = new ConnectionList(undefined);
    expect(list.page({ offset: 0, limit: 5 })).toEqual(nothing);
    expect(list.page({ offset: 0, limit: 5, held: { at: 0, offset: 0, count: 5 } })).toEqual(
      nothing,
    );
  });
});

describe("the app's connections request", () => {
  let app: TunnelDeskApp | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await app?.shutdown();
  });

  it('answers a window of real connections; the stats push carries counts, not rows', async () => {
    ({ app } = testApp());
    const opened = await app.openSandbox({
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    await waitFor(
      () => app!.listSessions().find((s) => s.id === opened.id)?.state.kind === 'connected',
      10_000,
      'the tunnel to connect',
    );
    const port = app.listSessions().find((s) => s.id === opened.id)!.listeners[0]!.port!;
    for (let i = 0; i < 30; i++) {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      socket.resume();
      sockets.push(socket);
    }
    const pushed: EventPayload<'stats'>[] = [];
    const stop = app.subscribe((name, payload) => {
      if (name === 'stats') pushed.push(payload as EventPayload<'stats'>);
    });
    await waitFor(
      () => app!.connections({ sessionId: opened.id, offset: 0, limit: 1 }).open === 30,
      10_000,
      '30 open connections in the list',
    );
    stop();

    const page = app.connections({ sessionId: opened.id, offset: 5, limit: 10 });
    expect(page).toMatchObject({ listed: 30, open: 30, matching: 30, offset: 5 });
    expect(page.rows).toHaveLength(10);
    expect(page.rows.every((r) => r?.serviceId === 'HTTP1' && r.state === 'open')).toBe(true);
    const all = app.connections({ sessionId: opened.id, offset: 0, limit: 30 }).rows;
    expect(all.slice(5, 15)).toEqual(page.rows);
    const opening = all.map((r) => r!.openedAt);
    expect(opening).toEqual([...opening].sort((a, b) => b - a));

    const last = pushed.at(-1)!.sessions.find((s) => s.sessionId === opened.id)!;
    expect(last.services[0]).toMatchObject({ serviceId: 'HTTP1', openConnections: 30 });
    expect(JSON.stringify(last)).not.toContain('"key"');
  });

  it('refuses an unknown tunnel and a window larger than the contract allows', async () => {
    ({ app } = testApp());
    expect(() => app!.connections({ sessionId: 'nope', offset: 0, limit: 5 })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    const reply = await dispatch(app, 'renderer:connections', {
      sessionId: 'x',
      offset: 0,
      limit: 10_000,
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input', field: 'limit' } });
  });
});
