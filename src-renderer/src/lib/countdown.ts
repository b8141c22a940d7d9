/** Whole seconds left until `at`, rounded up so that "0 s" means it is happening now. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "retrying in 4 s", or "retrying now" once the moment has passed. */
export function describeRetry(retryAt: number, now: number): string {
  const seconds = secondsUntil(retryAt, now);
  return seconds === 0 ? 'retrying now' : `retrying in ${seconds} s`;
}
