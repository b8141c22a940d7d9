import { describe, expect, it } from 'vitest';
import { ReadRateLimit } from './rate-limit.js';

describe('ReadRateLimit', () => {
  it('lets a burst through, then asks for pauses that hold the average at the cap', () => {
    let now = 0;
    const limit = new ReadRateLimit(800_000, 40_000, () => now);
    expect(limit.consume(40_000)).toBe(0);
    // 80 KB more with no time passed: 0.1 s of the cap
    expect(limit.consume(80_000)).toBeCloseTo(100, 5);
    // after that pause the debt is paid; the bucket refills to at most the burst
    now += 100;
    expect(limit.consume(0)).toBe(0);
    now += 10_000;
    expect(limit.consume(40_000)).toBe(0);
    expect(limit.consume(8_000)).toBeCloseTo(10, 5);
  });

  it('averages the cap over a long run of messages', () => {
    let now = 0;
    const limit = new ReadRateLimit(800_000, 40_000, () => now);
    let bytes = 0;
    for (let i = 0; i < 1_000; i++) {
      const pause = limit.consume(65_536);
      bytes += 65_536;
      now += pause;
    }
    expect(bytes / (now / 1000)).toBeGreaterThan(790_000);
    expect(bytes / (now / 1000)).toBeLessThan(850_000);
  });
});
