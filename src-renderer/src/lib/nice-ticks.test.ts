import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { niceTicks, rateTicks } from './nice-ticks';

/** Whether `step` is 1, 2 or 5 × 10ⁿ (to float precision). */
function isNice(step: number): boolean {
  const exponent = Math.floor(Math.log10(step) + 1e-9);
  const mantissa = step / 10 ** exponent;
  return [1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6);
}

describe('niceTicks', () => {
  it('picks 1, 2 or 5 × 10ⁿ steps for typical maxima', () => {
    expect(niceTicks(10)).toEqual({ step: 5, top: 10, ticks: [0, 5, 10] });
    expect(niceTicks(7)).toEqual({ step: 2, top: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceTicks(3.2)).toEqual({ step: 1, top: 4, ticks: [0, 1, 2, 3, 4] });
    expect(niceTicks(950)).toEqual({ step: 500, top: 1000, ticks: [0, 500, 1000] });
    expect(niceTicks(0.37)).toEqual({ step: 0.1, top: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(niceTicks(12_345)).toEqual({
      step: 5000,
      top: 15_000,
      ticks: [0, 5000, 10_000, 15_000],
    });
  });

  it('keeps a maximum that is itself a tick as the top', () => {
    expect(niceTicks(1).top).toBe(1);
    expect(niceTicks(200).top).toBe(200);
    expect(niceTicks(8e9).top).toBe(8e9);
    expect(niceTicks(5e9, 5).top).toBe(5e9);
  });

  it('spans 0 to 1 for nothing to show', () => {
    for (const max of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(niceTicks(max)).toEqual(niceTicks(1));
      expect(niceTicks(max).top).toBe(1);
    }
  });

  it('refuses a step count that is not a whole number of at least 1', () => {
    expect(() => niceTicks(10, 0)).toThrow('maxSteps must be a whole number of at least 1, not 0');
    expect(() => niceTicks(10, 2.5)).toThrow(RangeError);
  });

  it('always: round steps, starts at 0, covers the maximum, at most maxSteps steps, the smallest such step', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e15, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        (max, maxSteps) => {
          const { step, top, ticks } = niceTicks(max, maxSteps);
          expect(isNice(step)).toBe(true);
          expect(ticks[0]).toBe(0);
          expect(ticks.at(-1)).toBe(top);
          expect(top).toBeGreaterThanOrEqual(max * (1 - 1e-9));
          expect(ticks.length - 1).toBeLessThanOrEqual(maxSteps);
          // Evenly spaced.
          ticks.forEach((tick, i) =>
            expect(Math.abs(tick - i * step)).toBeLessThanOrEqual(step * 1e-9),
          );
          // No smaller round step would do: the next one down needs more than maxSteps.
          const smaller = [step / 2, step / 2.5, step / 2].find(isNice) ?? step / 2;
          expect(Math.ceil(max / smaller - 1e-9)).toBeGreaterThan(maxSteps);
          // The top is less than one step above the maximum (no empty band).
          expect(top - max).toBeLessThan(step * (1 + 1e-9));
        },
      ),
    );
  });
});

describe('rateTicks', () => {
  it('labels ticks in the binary unit the maximum reads in, as round numbers', () => {
    const mib = rateTicks(3.2 * 1024 * 1024);
    expect(mib.unit).toBe('MiB/s');
    expect(mib.labels).toEqual(['0', '1 MiB/s', '2 MiB/s', '3 MiB/s', '4 MiB/s']);
    expect(mib.ticks).toEqual([0, 1, 2, 3, 4].map((n) => n * 1024 * 1024));
    expect(mib.top).toBe(4 * 1024 * 1024);

    expect(rateTicks(150 * 1024).labels).toEqual(['0', '50 KiB/s', '100 KiB/s', '150 KiB/s']);
  });

  it('spans 1 KiB/s when idle', () => {
    expect(rateTicks(0)).toMatchObject({ unit: 'KiB/s', top: 1024 });
    expect(rateTicks(0).labels).toEqual(['0', '0.5 KiB/s', '1 KiB/s']);
    expect(rateTicks(Number.NaN).top).toBe(1024);
  });

  it('always covers the maximum with round labels', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e13, noNaN: true }), (max) => {
        const { top, labels, ticks, unitSize } = rateTicks(max);
        expect(top).toBeGreaterThanOrEqual(max);
        expect(labels).toHaveLength(ticks.length);
        labels.slice(1).forEach((label, i) => {
          const value = Number(label.split(' ')[0]);
          expect(value * unitSize).toBeCloseTo(ticks[i + 1]!, 3);
          expect(isNice(value / (i + 1))).toBe(true);
        });
      }),
    );
  });
});
