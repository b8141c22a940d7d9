import { describe, expect, it } from 'vitest';
import { describeRetry, secondsUntil } from './countdown';

describe('secondsUntil', () => {
  it('rounds up, so a retry 4.2 s away reads 5 s and never 0 s early', () => {
    expect(secondsUntil(10_000, 5_800)).toBe(5);
    expect(secondsUntil(10_000, 9_999)).toBe(1);
  });

  it('never goes negative', () => {
    expect(secondsUntil(10_000, 12_000)).toBe(0);
  });
});

describe('describeRetry', () => {
  it('counts down, then says it is retrying now', () => {
    expect(describeRetry(10_000, 6_000)).toBe('retrying in 4 s');
    expect(describeRetry(10_000, 10_000)).toBe('retrying now');
  });
});
