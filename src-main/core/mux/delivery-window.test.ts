import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_OPTIONS, DeliveryWindow, type PingRecord } from './delivery-window.js';

const K = 1024;

/** A window on a clock the test moves, with the path's round trip measured (1 ms). */
function windowAt(start = 1000) {
  const clock = { now: start };
  const window = new DeliveryWindow(DEFAULT_WINDOW_OPTIONS, () => clock.now);
  const clean = window.pingSent();
  clock.now += 1;
  window.pongReceived(clean);
  return { clock, window };
}

interface LinkOptions {
  /** What the service reads, bytes per ms (800 = 800 KB/s). */
  rate: number;
  /** Round trip of the path itself, ms. */
  rttMs: number;
  /** Simulated time, ms. */
  ms: number;
  /**
   * Read like the capped local service: a whole chunk of up to `chunkBytes` at once, then
   * nothing until a token bucket (refilled at `rate`, holding at most `bucketBytes`) has
   * paid for it.
   */
  burst?: { chunkBytes: number; bucketBytes: number };
  pieceBytes?: number;
  stepMs?: number;
}

/**
 * A sender that always has data, pacing itself with a DeliveryWindow, over a path whose
 * far end (the service) reads at `rate` and answers each ping once it has read everything
 * before it. Returns what the link and the window did.
 */
function simulate(options: LinkOptions) {
  const { rate, rttMs, ms, burst, pieceBytes = 8 * K, stepMs = 0.25 } = options;
  const clock = { now: 0 };
  const window = new DeliveryWindow(DEFAULT_WINDOW_OPTIONS, () => clock.now);
  const oneWay = rttMs / 2;
  let sent = 0;
  let read = 0;
  let arrived = 0;
  let tokens = burst?.bucketBytes ?? 0;
  const arrivals: { end: number; at: number }[] = [];
  const pings: { mark: number; arrivesAt: number; record: PingRecord }[] = [];
  const pongs: { at: number; record: PingRecord }[] = [];
  let readInSecondHalf = 0;
  let maxQueueBytes = 0;
  const windows: number[] = [];

  const ping = (): void => {
    pings.push({ mark: sent, arrivesAt: clock.now + oneWay, record: window.pingSent() });
  };

  for (; clock.now < ms; clock.now += stepMs) {
    // The service reads what has arrived, at its rate or in bursts.
    while (arrivals.length > 0 && arrivals[0]!.at <= clock.now) arrived = arrivals.shift()!.end;
    const before = read;
    if (burst) {
      tokens = Math.min(burst.bucketBytes, tokens + rate * stepMs);
      if (tokens > 0 && arrived > read) {
        const chunk = Math.min(arrived - read, burst.chunkBytes);
        read += chunk;
        tokens -= chunk;
      }
    } else {
      read = Math.min(arrived, read + rate * stepMs);
    }
    if (clock.now >= ms / 2) readInSecondHalf += read - before;
    maxQueueBytes = Math.max(maxQueueBytes, sent - read);
    // It answers each ping once it has read up to it.
    while (pings.length > 0 && pings[0]!.arrivesAt <= clock.now && read >= pings[0]!.mark) {
      pongs.push({ at: clock.now + oneWay, record: pings.shift()!.record });
    }
    while (pongs.length > 0 && pongs[0]!.at <= clock.now)
      window.pongReceived(pongs.shift()!.record);
    // The sender: as much as the window allows, a ping when one is due.
    for (;;) {
      if (window.cleanPingDue) ping();
      if (!window.allows(pieceBytes)) break;
      window.onSent(pieceBytes);
      sent += pieceBytes;
      arrivals.push({ end: sent, at: clock.now + oneWay });
      if (window.pingDue() === 0) ping();
    }
    if (window.pingDue() === 0) ping();
    windows.push(window.windowBytes);
  }
  return {
    window,
    /** Share of the link's capacity used in the second half. */
    utilization: readInSecondHalf / (rate * (ms / 2)),
    /** The most bytes sent and not yet read by the service: our queue outside the scheduler. */
    maxQueueMs: maxQueueBytes / rate,
    windows,
  };
}

describe('DeliveryWindow', () => {
  it('starts at the floor and lets something go whenever nothing is in flight', () => {
    const { window } = windowAt();
    expect(window.windowBytes).toBe(64 * K);
    expect(window.allows(1024 * K)).toBe(true);
    window.onSent(60 * K);
    expect(window.allows(4 * K)).toBe(true);
    expect(window.allows(8 * K)).toBe(false);
  });

  it('counts bytes as delivered only when the pong of a ping sent behind them returns', () => {
    const { clock, window } = windowAt();
    window.onSent(40 * K);
    const first = window.pingSent();
    window.onSent(10 * K);
    expect(window.inflightBytes).toBe(50 * K);
    clock.now += 5;
    window.pongReceived(first);
    expect(window.inflightBytes).toBe(10 * K);
    expect(window.minRttMs).toBe(1); // a round trip behind 40 KiB is no sample of the path
  });

  it('lets small pieces (a keystroke, a reset) go over a full window, by the headroom only', () => {
    const { window } = windowAt();
    window.onSent(64 * K);
    expect(window.allows(8 * K)).toBe(false);
    expect(window.allows(100)).toBe(true);
    window.onSent(15 * K);
    expect(window.allows(2 * K)).toBe(false);
  });

  it('asks for a ping after a quarter window, or after the ping spacing', () => {
    const { clock, window } = windowAt();
    expect(window.pingDue()).toBeUndefined(); // nothing sent
    window.onSent(1000);
    window.pingSent();
    window.onSent(1000);
    expect(window.pingDue()).toBe(20);
    clock.now += 15;
    expect(window.pingDue()).toBe(5);
    window.onSent(16 * K);
    expect(window.pingDue()).toBe(0);
  });

  it('keeps an 800 KB/s link full while holding its queue to a few tens of ms', () => {
    const run = simulate({ rate: 800, rttMs: 1, ms: 5_000 });
    expect(run.utilization).toBeGreaterThan(0.97);
    // rate x (ping spacing + queue target) = 40 KB, 50 ms; a piece and a ping interval more at most.
    expect(run.maxQueueMs).toBeLessThan(90);
    expect(run.window.rateBytesPerSecond).toBeGreaterThan(780_000);
    expect(run.window.rateBytesPerSecond).toBeLessThan(900_000);
  });

  it('is not fooled by a service that reads in bursts (the local service, AWS)', () => {
    // Whole chunks of up to 32 KB, paid for by a bucket of 50 ms of traffic.
    const run = simulate({
      rate: 800,
      rttMs: 1,
      ms: 5_000,
      burst: { chunkBytes: 32_000, bucketBytes: 40_000 },
    });
    expect(run.utilization).toBeGreaterThan(0.95);
    expect(run.window.rateBytesPerSecond).toBeLessThan(800_000 * (1 + 1 / 8) + 20_000);
    expect(run.maxQueueMs).toBeLessThan(150);
  });

  it('grows to cover a long round trip (100 ms at 800 KB/s)', () => {
    const run = simulate({ rate: 800, rttMs: 100, ms: 10_000, stepMs: 1 });
    expect(run.utilization).toBeGreaterThan(0.95);
    // The path holds 80 KB; the queue beyond it stays about rate x (spacing + target).
    expect(run.maxQueueMs).toBeLessThan(100 + 90);
  });

  it('opens up on a fast link within milliseconds (400 MB/s, 0.2 ms)', () => {
    const run = simulate({
      rate: 400_000,
      rttMs: 0.2,
      ms: 100,
      pieceBytes: 64 * K,
      stepMs: 0.05,
    });
    // 4 MiB is 10 ms at 400 MB/s: far more than the path holds.
    const reachedAt = run.windows.findIndex((w) => w >= 4 * 1024 * K) * 0.05;
    expect(reachedAt).toBeGreaterThanOrEqual(0);
    expect(reachedAt).toBeLessThan(25);
    expect(run.utilization).toBeGreaterThan(0.9);
  });

  it('drains for a fresh minimum round trip after ten seconds, then goes on', () => {
    const run = simulate({ rate: 800, rttMs: 1, ms: 13_000, stepMs: 0.5 });
    // Still full and short-queued across the drain (no burst of a bogus estimate after it).
    expect(run.utilization).toBeGreaterThan(0.95);
    expect(run.maxQueueMs).toBeLessThan(90);
    expect(run.window.minRttMs).toBeLessThan(2);
  });

  it('holds data back while draining, until a clean ping can measure the path', () => {
    const { clock, window } = windowAt();
    const clean = window.pingSent(); // nothing in flight: a clean sample
    clock.now += 1;
    window.pongReceived(clean);
    window.onSent(8 * K);
    const ping = window.pingSent();
    clock.now += DEFAULT_WINDOW_OPTIONS.minRttWindowMs + 1;
    expect(window.allows(8 * K)).toBe(false); // stale: let the pipe drain
    expect(window.cleanPingDue).toBe(false);
    window.pongReceived(ping);
    expect(window.cleanPingDue).toBe(true);
    const probe = window.pingSent();
    expect(window.allows(8 * K)).toBe(true);
    window.onSent(8 * K);
    expect(window.allows(8 * K)).toBe(true);
    clock.now += 3;
    window.pongReceived(probe);
    expect(window.minRttMs).toBe(3); // the probe's sample replaces the stale minimum
  });

  it('keeps the start-up floor only until the window is what holds the sender back', () => {
    // Busy at 800 KB/s the formula gives about 41 KB, under the 64 KiB floor.
    const busy = simulate({ rate: 800, rttMs: 1, ms: 3_000 });
    expect(busy.window.windowBytes).toBeLessThan(50 * K);
    expect(busy.windows[0]).toBe(64 * K);
    // A sender that never fills the window (a keystroke now and then) keeps the floor.
    const { clock, window } = windowAt();
    for (let i = 0; i < 100; i++) {
      window.onSent(100);
      const ping = window.pingSent();
      clock.now += 20;
      window.pongReceived(ping);
    }
    expect(window.rateBytesPerSecond).toBeGreaterThan(0);
    expect(window.windowBytes).toBe(64 * K);
  });
});
