/** Which stretch of a tunnel's history the throughput plot shows. */
import type { HistoryPoint } from '../../../src-main/ipc/contract.js';

/** The shortest x span drawn, so a just-opened tunnel's first points are not a smear. */
export const MIN_SPAN_SECONDS = 10;

/**
 * The x range to show, in seconds: it ends at the newest point and starts at the later of
 * `seconds` ago (null: no limit) and the first point, so time before the tunnel existed is
 * not drawn, but never spans less than MIN_SPAN_SECONDS.
 */
export function xRange(
  points: readonly HistoryPoint[],
  seconds: number | null,
  now: number,
): { readonly min: number; readonly max: number } {
  const max = (points.at(-1)?.at ?? now) / 1000;
  const first = (points[0]?.at ?? now) / 1000;
  const min = seconds === null ? first : Math.max(first, max - seconds);
  return { min: Math.min(min, max - MIN_SPAN_SECONDS), max };
}
