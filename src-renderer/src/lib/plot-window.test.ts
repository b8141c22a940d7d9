import { describe, expect, it } from 'vitest';
import type { HistoryPoint } from '../../../src-main/ipc/contract.js';
import { MIN_SPAN_SECONDS, xRange } from './plot-window';

const point = (seconds: number): HistoryPoint => ({
  at: seconds * 1000,
  bytesInPerSecond: 1,
  bytesOutPerSecond: 1,
});

describe('xRange', () => {
  const history = Array.from({ length: 400 }, (_, i) => point(10_000 + i));

  it('spans the whole history, from the first point to the newest, when there is no limit', () => {
    expect(xRange(history, null, 0)).toEqual({ min: 10_000, max: 10_399 });
  });

  it('shows the last `seconds` of a history longer than that', () => {
    expect(xRange(history, 60, 0)).toEqual({ min: 10_399 - 60, max: 10_399 });
  });

  it('trims the empty past: a window longer than the history starts at its first point', () => {
    expect(xRange(history.slice(0, 100), 600, 0)).toEqual({ min: 10_000, max: 10_099 });
  });

  it('never spans less than the shortest span, so a new tunnel is not a smear', () => {
    expect(xRange(history.slice(0, 3), null, 0)).toEqual({
      min: 10_002 - MIN_SPAN_SECONDS,
      max: 10_002,
    });
    expect(xRange([], null, 50_000)).toEqual({ min: 50 - MIN_SPAN_SECONDS, max: 50 });
  });
});
