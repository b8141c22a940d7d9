/**
 * Round axis ticks: 0 and steps of 1, 2 or 5 × 10ⁿ, up to the first tick at or above the
 * data's maximum. Pure, so the plot's axis can be tested without a canvas.
 */

/** The ticks of one axis, from 0 up to `top`, `step` apart. */
export interface NiceTicks {
  readonly step: number;
  /** The last tick: the axis ends here, at or above the data. */
  readonly top: number;
  readonly ticks: readonly number[];
}

const MANTISSAS = [1, 2, 5] as const;

/**
 * The smallest step of 1, 2 or 5 × 10ⁿ that covers [0, max] in at most `maxSteps` steps.
 * `max` at or below 0 (or not finite) spans 0 to 1.
 */
export function niceTicks(max: number, maxSteps = 4): NiceTicks {
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`maxSteps must be a whole number of at least 1, not ${maxSteps}`);
  }
  const span = Number.isFinite(max) && max > 0 ? max : 1;
  const rough = span / maxSteps;
  let exponent = Math.floor(Math.log10(rough));
  let step = 0;
  // Walk up the 1-2-5 ladder from just under the rough step (log10 can be off by one).
  for (exponent -= 1; step === 0; exponent++) {
    for (const mantissa of MANTISSAS) {
      const candidate = roundStep(mantissa, exponent);
      if (Math.ceil(span / candidate - 1e-9) <= maxSteps) {
        step = candidate;
        break;
      }
    }
  }
  const count = Math.max(1, Math.ceil(span / step - 1e-9));
  const ticks = Array.from({ length: count + 1 }, (_, i) => roundTo(i * step, step));
  return { step, top: ticks[count]!, ticks };
}

/** mantissa × 10^exponent without the float noise of 0.1 * 3 and the like. */
function roundStep(mantissa: number, exponent: number): number {
  return exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
}

function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(value.toFixed(decimals));
}

const RATE_UNITS = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s', 'TiB/s'] as const;

/** Round ticks for a rate axis, in the binary unit the rest of the app shows (1 KiB = 1024 B). */
export interface RateTicks extends NiceTicks {
  /** Bytes per second in one `unit`. */
  readonly unitSize: number;
  readonly unit: (typeof RATE_UNITS)[number];
  /** Each tick as shown: "0", "2 MiB/s", "0.5 KiB/s". */
  readonly labels: readonly string[];
}

/**
 * Ticks for rates up to `maxBytesPerSecond`: 1, 2 or 5 × 10ⁿ of the unit the maximum reads
 * in, so a label says "2 MiB/s" rather than "1.91 MiB/s". An idle plot spans 1 KiB/s.
 */
export function rateTicks(maxBytesPerSecond: number, maxSteps = 4): RateTicks {
  const max = Number.isFinite(maxBytesPerSecond) ? Math.max(maxBytesPerSecond, 1024) : 1024;
  let unitIndex = 0;
  while (max >= 1024 ** (unitIndex + 1) && unitIndex < RATE_UNITS.length - 1) unitIndex++;
  const unitSize = 1024 ** unitIndex;
  const unit = RATE_UNITS[unitIndex]!;
  const inUnit = niceTicks(max / unitSize, maxSteps);
  return {
    step: inUnit.step * unitSize,
    top: inUnit.top * unitSize,
    ticks: inUnit.ticks.map((tick) => tick * unitSize),
    unitSize,
    unit,
    labels: inUnit.ticks.map((tick) => (tick === 0 ? '0' : `${tick} ${unit}`)),
  };
}
