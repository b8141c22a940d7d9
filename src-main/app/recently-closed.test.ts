import { describe, expect, it } from 'vitest';
import type { ConnectionStats } from '../ipc/contract.js';
import { RecentlyClosed } from './recently-closed.js';

function conn(id: number, state: ConnectionStats['state'] = 'open'): ConnectionStats {
  return {
    key: `SSH1/1/${id}`,
    serviceId: 'SSH1',
    streamId: 1,
    connectionId: id,
    state,
    openedAt: 1_000 + id,
    peer: `127.0.0.1:${40_000 + id}`,
    bytesIn: id * 10,
    bytesOut: id,
    bytesInPerSecond: 7,
    bytesOutPerSecond: 3,
  };
}

const keys = (list: readonly ConnectionStats[]) => list.map((c) => c.key);

describe('the recently closed connections main keeps', () => {
  it('keeps a connection that left the snapshot as closed, with its last bytes and no rate', () => {
    const recent = new RecentlyClosed();
    recent.follow(5_000, [conn(1), conn(2)]);
    recent.follow(6_000, [conn(2)]);
    expect(recent.connections).toEqual([
      { ...conn(1), state: 'closed', bytesInPerSecond: 0, bytesOutPerSecond: 0, closedAt: 6_000 },
    ]);
    // Later samples keep it, with the time it closed.
    recent.follow(9_000, []);
    expect(keys(recent.connections)).toEqual(['SSH1/1/2', 'SSH1/1/1']);
    expect(recent.connections.map((c) => c.closedAt)).toEqual([9_000, 6_000]);
  });

  it('keeps only the newest `limit` closed ones', () => {
    const recent = new RecentlyClosed(3);
    recent.follow(
      1,
      Array.from({ length: 10 }, (_, i) => conn(i + 1)),
    );
    recent.follow(2, []);
    expect(keys(recent.connections)).toEqual(['SSH1/1/10', 'SSH1/1/9', 'SSH1/1/8']);
  });

  it('takes a connection the core reports as closed once, at the time it first saw it', () => {
    const recent = new RecentlyClosed();
    recent.follow(1, [conn(1)]);
    recent.follow(2, [conn(1, 'closed')]);
    recent.follow(3, [conn(1, 'closed')]);
    expect(recent.connections).toHaveLength(1);
    expect(recent.connections[0]).toMatchObject({ state: 'closed', closedAt: 2 });
  });
});
