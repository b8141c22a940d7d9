/**
 * Reconnect delays: exponential backoff with "full jitter" (a random delay between zero and
 * the exponential ceiling), so that many proxies cut off together do not return together.
 * The first retry comes quickly; the ceiling stops growth at the retry delay, so a service
 * that comes back is found again within that delay however long it was away.
 */
export interface BackoffOptions {
  /** Ceiling of the first retry, ms. */
  initialMs: number;
  /** Largest ceiling, ms. */
  maxMs: number;
  /** The least delay, ms, so that a retry never spins. */
  minMs: number;
  random?: () => number;
}

/**
 * The longest wait between two attempts: the reference's `websocket.retry_delay_ms` (2.5 s).
 * A ceiling of 30 s left a proxy idle for up to half a minute after an outage had ended.
 */
export const DEFAULT_RETRY_DELAY_MS = 2_500;

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 1_000,
  maxMs: DEFAULT_RETRY_DELAY_MS,
  minMs: 250,
};

export class Backoff {
  private attempt = 0;
  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** How many retries have been scheduled since the last success. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next retry. */
  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt++;
    const random = this.options.random ?? Math.random;
    return Math.max(this.options.minMs, Math.round(random() * ceiling));
  }

  /** After a successful connection, start again from the first delay. */
  reset(): void {
    this.attempt = 0;
  }
}
