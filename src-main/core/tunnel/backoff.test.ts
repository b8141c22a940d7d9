import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF, DEFAULT_RETRY_DELAY_MS } from './backoff.js';

describe('Backoff', () => {
  it('doubles its ceiling up to the maximum, with jitter below it', () => {
    const ceilings: number[] = [];
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, minMs: 0, random: () => 1 });
    for (let i = 0; i < 6; i++) ceilings.push(backoff.next());
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000]);
    const jittered = new Backoff({ initialMs: 100, maxMs: 1000, minMs: 10, random: () => 0.5 });
    expect([jittered.next(), jittered.next()]).toEqual([50, 100]);
    expect(new Backoff({ initialMs: 100, maxMs: 1000, minMs: 10, random: () => 0 }).next()).toBe(
      10,
    );
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, minMs: 0, random: () => 1 });
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(2);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('never waits longer than the retry delay (2.5 s) by default, however many attempts', () => {
    expect(DEFAULT_RETRY_DELAY_MS).toBe(2_500);
    const highest = new Backoff({ ...DEFAULT_BACKOFF, random: () => 1 });
    const delays = Array.from({ length: 20 }, () => highest.next());
    expect(Math.max(...delays)).toBe(2_500);
    expect(delays.slice(0, 3)).toEqual([1_000, 2_000, 2_500]);
    const lowest = new Backoff({ ...DEFAULT_BACKOFF, random: () => 0 });
    expect(lowest.next()).toBe(250);
  });
});
