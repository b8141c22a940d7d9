import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionsPage, ConnectionStats } from '../../../src-main/ipc/contract.js';
import {
  connectionId,
  heldRows,
  resetConnectionsStore,
  SPARK_SAMPLES,
  useConnectionsStore,
} from './connections-store';

function connection(key: string, bytesIn = 0, rate = 0): ConnectionStats {
  return {
    key,
    serviceId: 'HTTP1',
    streamId: 1,
    connectionId: Number(key.split('/').at(-1)),
    state: 'open',
    openedAt: 1_000,
    peer: '127.0.0.1:50000',
    bytesIn,
    bytesOut: 0,
    bytesInPerSecond: rate,
    bytesOutPerSecond: 0,
  };
}

function page(at: number, rows: (ConnectionStats | null)[], offset = 0): ConnectionsPage {
  return { at, listed: 1_000, open: 1_000, matching: 1_000, offset, rows };
}

const apply = (
  sessionId: string,
  at: number,
  rows: (ConnectionStats | null)[],
  offset = 0,
  heldAt?: number,
) => useConnectionsStore.getState().applyPage(sessionId, '', page(at, rows, offset), heldAt);
const state = () => useConnectionsStore.getState();

describe('the connections store', () => {
  beforeEach(resetConnectionsStore);

  it('keeps the same row object while a connection does not change, so its row skips rendering', () => {
    apply('s1', 1_000, [connection('HTTP1/1/1', 10), connection('HTTP1/1/2', 20)]);
    const [first, second] = state().windows.s1!.rows;
    apply('s1', 1_250, [connection('HTTP1/1/1', 10), connection('HTTP1/1/2', 99)]);
    const [firstAgain, secondAgain] = state().windows.s1!.rows;
    expect(firstAgain).toBe(first);
    expect(secondAgain).not.toBe(second);
    expect(secondAgain!.bytesIn).toBe(99);
    expect(secondAgain!.id).toBe(connectionId('s1', 'HTTP1/1/2'));
  });

  it('keeps the same rows array when nothing at all changed', () => {
    apply('s1', 1_000, [connection('HTTP1/1/1', 10)]);
    const rows = state().windows.s1!.rows;
    apply('s1', 1_250, [connection('HTTP1/1/1', 10)]);
    expect(state().windows.s1!.rows).toBe(rows);
  });

  it('takes the rows it holds where main sent null, from the same tick, and says what it holds', () => {
    const [a, b, c] = ['HTTP1/1/1', 'HTTP1/1/2', 'HTTP1/1/3'].map((key) => connection(key, 7));
    expect(apply('s1', 1_000, [a!, b!], 10)).toBe(true);
    expect(heldRows(state().windows.s1, '')).toEqual({ at: 1_000, offset: 10, count: 2 });
    expect(heldRows(state().windows.s1, 'other filter')).toBeUndefined();
    const [heldB] = state().windows.s1!.rows.slice(1);
    // Scrolled down one row within the same tick: row 11 is held, row 12 is new.
    expect(apply('s1', 1_000, [null, c!], 11, 1_000)).toBe(true);
    const rows = state().windows.s1!.rows;
    expect(rows.map((row) => row.key)).toEqual(['HTTP1/1/2', 'HTTP1/1/3']);
    expect(rows[0]).toBe(heldB);
    expect(state().windows.s1!.offset).toBe(11);
  });

  it('takes a null of the next tick as its own unchanged row', () => {
    apply('s1', 1_000, [connection('HTTP1/1/1', 5), connection('HTTP1/1/2', 5)], 0);
    const [same] = state().windows.s1!.rows;
    expect(apply('s1', 1_250, [null, connection('HTTP1/1/2', 9)], 0, 1_000)).toBe(true);
    const window = state().windows.s1!;
    expect(window.at).toBe(1_250);
    expect(window.rows[0]).toBe(same);
    expect(window.rows[1]!.bytesIn).toBe(9);
  });

  it('refuses a null it cannot fill (not the tick it holds, or outside it) and keeps its window', () => {
    apply('s1', 1_000, [connection('HTTP1/1/1')], 0);
    const before = state().windows.s1;
    expect(apply('s1', 1_250, [null], 0)).toBe(false);
    expect(apply('s1', 1_250, [null], 0, 750)).toBe(false);
    expect(apply('s1', 1_000, [connection('HTTP1/1/1'), null], 0, 1_000)).toBe(false);
    expect(state().windows.s1).toBe(before);
  });

  it('keeps what main said of the whole list beside the window', () => {
    useConnectionsStore.getState().applyPage('s1', 'open', {
      at: 5,
      listed: 12,
      open: 10,
      matching: 10,
      offset: 4,
      rows: [connection('HTTP1/1/3')],
    });
    expect(state().windows.s1).toMatchObject({
      listed: 12,
      open: 10,
      matching: 10,
      offset: 4,
      filter: 'open',
    });
  });

  it('samples a sparkline once a second and keeps at most SPARK_SAMPLES samples', () => {
    const id = connectionId('s1', 'HTTP1/1/1');
    for (let i = 0; i < 4; i++) apply('s1', 1_000 + i * 250, [connection('HTTP1/1/1', 0, i)]);
    expect(state().sparks[id]!.bytesIn).toEqual([0]);
    for (let second = 1; second <= SPARK_SAMPLES + 5; second++) {
      apply('s1', 1_000 + second * 1_000, [connection('HTTP1/1/1', 0, second)]);
    }
    const ring = state().sparks[id]!.bytesIn;
    expect(ring).toHaveLength(SPARK_SAMPLES);
    expect(ring.at(-1)).toBe(SPARK_SAMPLES + 5);
  });

  it('keeps sparklines only for the rows in the window, per tunnel', () => {
    apply('s1', 1_000, [connection('HTTP1/1/1'), connection('HTTP1/1/2')]);
    apply('s2', 1_000, [connection('HTTP1/1/1')]);
    apply('s1', 2_000, [connection('HTTP1/1/2')], 1);
    expect(Object.keys(state().sparks).sort()).toEqual([
      connectionId('s1', 'HTTP1/1/2'),
      connectionId('s2', 'HTTP1/1/1'),
    ]);
  });

  it('forgets a tunnel whose view closed', () => {
    apply('s1', 1_000, [connection('HTTP1/1/1')]);
    apply('s2', 1_000, [connection('HTTP1/1/1')]);
    state().forget('s1');
    expect(Object.keys(state().windows)).toEqual(['s2']);
    expect(Object.keys(state().sparks)).toEqual([connectionId('s2', 'HTTP1/1/1')]);
  });
});
