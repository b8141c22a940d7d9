/**
 * A small immutable ring of samples for sparklines. Immutable so that a React.memo row can
 * tell by reference whether its history changed; an idle connection (a ring already full of
 * the same value) keeps the very same array, so its row is not rendered again.
 */
export function pushSample(
  ring: readonly number[] | undefined,
  value: number,
  capacity: number,
): readonly number[] {
  if (!ring) return [value];
  if (ring.length === capacity && ring.every((sample) => sample === value)) return ring;
  const next = ring.length >= capacity ? ring.slice(ring.length - capacity + 1) : ring.slice();
  next.push(value);
  return next;
}
