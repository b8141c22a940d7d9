/**
 * The receive path's rules, with a hand-driven clock and connections that are just byte
 * counts: when the tunnel pauses and resumes, who is reset and when, and that the count of
 * unwritten bytes stays exact.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCE_LIMITS, type ResourceLimitError, type ResourceLimits } from './limits.js';
import { ReceiveGuard, type GuardTimers } from './receive-guard.js';

const KiB = 1024;

class ManualClock implements GuardTimers {
  time = 0;
  now(): number {
    return this.time;
  }
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.pending]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = until;
  }
}

class Conn {
  constructor(
    readonly name: string,
    public bufferedBytes = 0,
  ) {}
}

const limits: ResourceLimits = {
  ...DEFAULT_RESOURCE_LIMITS,
  maxWriteBufferBytes: 256 * KiB,
  maxConnectionBufferBytes: 1024 * KiB,
  maxTunnelBufferBytes: 600 * KiB,
  stallTimeoutMs: 1_000,
};

/** `others`: how many other connections share the tunnel (one, unless a test says none). */
function setup(overrides: Partial<ResourceLimits> = {}, others = 1) {
  const clock = new ManualClock();
  const pauses: boolean[] = [];
  const resets: { name: string; code: string; message: string }[] = [];
  const guard = new ReceiveGuard<Conn>(
    { ...limits, ...overrides },
    {
      setTunnelPaused: (paused) => pauses.push(paused),
      othersOnTunnel: () => others,
      reset: (connection, error: ResourceLimitError) =>
        resets.push({ name: connection.name, code: error.code, message: error.message }),
    },
    clock,
  );
  const set = (connection: Conn, bytes: number): void => {
    connection.bufferedBytes = bytes;
    guard.update(connection);
  };
  return { clock, pauses, resets, guard, set };
}

describe('ReceiveGuard', () => {
  it('pauses the tunnel above the high mark and resumes once the socket has taken a little', () => {
    const { guard, pauses, set } = setup();
    const slow = new Conn('slow');
    set(slow, 200 * KiB);
    expect(pauses).toEqual([]);
    set(slow, 300 * KiB);
    expect(pauses).toEqual([true]);
    set(slow, 250 * KiB); // under the mark, but not yet the resume mark: no flapping
    expect(pauses).toEqual([true]);
    set(slow, 190 * KiB);
    expect(pauses).toEqual([true, false]);
    expect(guard.snapshot()).toMatchObject({ bufferedBytes: 190 * KiB, paused: false });
  });

  it('resets a connection that keeps the tunnel paused for the stall timeout, then resumes', () => {
    const { clock, pauses, resets, guard, set } = setup();
    const stuck = new Conn('stuck');
    const other = new Conn('other');
    set(other, 10 * KiB);
    set(stuck, 300 * KiB);
    clock.advance(999);
    expect(resets).toEqual([]);
    clock.advance(1);
    expect(resets).toEqual([expect.objectContaining({ name: 'stuck', code: 'stalled' })]);
    expect(resets[0]!.message).toMatch(/1000 ms/);
    expect(pauses).toEqual([true, false]);
    // Its bytes no longer count; the other connection's still do.
    expect(guard.bufferedBytes).toBe(10 * KiB);
    expect(guard.snapshot().limitResets).toBe(1);
  });

  it('spares a slow reader that keeps taking bytes, however often it fills up again', () => {
    const { clock, resets, set } = setup();
    const slow = new Conn('slow');
    for (let i = 0; i < 20; i++) {
      set(slow, 300 * KiB);
      clock.advance(900);
      set(slow, 150 * KiB); // took some: the stall clock starts over next time
      clock.advance(50);
    }
    expect(resets).toEqual([]);
  });

  it('lets a lone slow reader hold the tunnel while it takes bytes, and resets it once it stops', () => {
    const { clock, resets, set } = setup({}, 0);
    const slow = new Conn('slow');
    set(slow, 300 * KiB);
    // It takes a little every 900 ms (the kernel hands back space in bursts), never enough to
    // fall under the resume mark: alone on the tunnel, it holds up nobody.
    for (let i = 0; i < 10; i++) {
      clock.advance(900);
      set(slow, 290 * KiB);
      set(slow, 300 * KiB); // and more arrives
    }
    expect(resets).toEqual([]);
    clock.advance(1_000); // then nothing for a whole stall timeout
    expect(resets).toEqual([expect.objectContaining({ name: 'slow', code: 'stalled' })]);
    expect(resets[0]!.message).toMatch(/took none of/);
  });

  it('resets the same slow reader when another connection shares the tunnel', () => {
    const { clock, resets, set } = setup({}, 1);
    const slow = new Conn('slow');
    set(slow, 300 * KiB);
    clock.advance(900);
    set(slow, 290 * KiB);
    set(slow, 300 * KiB);
    clock.advance(100);
    expect(resets).toEqual([expect.objectContaining({ name: 'slow', code: 'stalled' })]);
    expect(resets[0]!.message).toMatch(/1 other connection\(s\) on it, waited/);
  });

  it('resets at once a connection over the hard limit', () => {
    const { resets, pauses, guard, set } = setup();
    const big = new Conn('big');
    set(big, 1024 * KiB + 1);
    expect(resets).toEqual([
      expect.objectContaining({ name: 'big', code: 'connection-buffer-full' }),
    ]);
    expect(guard.bufferedBytes).toBe(0);
    expect(pauses).toEqual([]);
  });

  it('pauses on the tunnel total, and after the stall timeout resets the largest holders until it is under', () => {
    const { clock, pauses, resets, guard, set } = setup();
    const conns = [100, 200, 150, 180].map((kib, i) => {
      const c = new Conn(`c${i}`);
      set(c, kib * KiB); // each under the high mark
      return c;
    });
    expect(guard.bufferedBytes).toBe(630 * KiB);
    expect(pauses).toEqual([true]);
    set(conns[0]!, 90 * KiB); // 620 KiB: still over the resume mark (600 - 64 KiB)
    clock.advance(1_000);
    expect(resets.map((r) => r.name)).toEqual(['c1']);
    expect(resets[0]!.code).toBe('tunnel-buffer-full');
    expect(guard.bufferedBytes).toBe(420 * KiB);
    expect(pauses).toEqual([true, false]);
  });

  it('keeps an exact count as writes are queued and finish, and forgets ended connections', () => {
    const { guard, pauses, set } = setup();
    const a = new Conn('a');
    const b = new Conn('b');
    set(a, 300 * KiB);
    set(b, 50 * KiB);
    set(a, 100 * KiB);
    expect(guard.bufferedBytes).toBe(150 * KiB);
    expect(guard.snapshot().peakBufferedBytes).toBe(350 * KiB);
    guard.forget(b);
    expect(guard.bufferedBytes).toBe(100 * KiB);
    set(a, 0);
    expect(guard.bufferedBytes).toBe(0);
    set(b, 400 * KiB);
    expect(guard.snapshot().paused).toBe(true);
    guard.forget(b);
    expect(pauses).toEqual([true, false, true, false]);
    set(a, 400 * KiB);
    guard.clear();
    expect(guard.snapshot()).toMatchObject({ bufferedBytes: 0, paused: false });
  });
});
