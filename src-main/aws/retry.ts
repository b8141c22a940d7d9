/**
 * How the AWS clients retry: the SDK's standard strategy (exponential backoff with jitter,
 * throttling errors included) with more attempts than its default 3, except for one error.
 * The SDK counts `LimitExceededException` among throttling errors, but for IoT Secure
 * Tunneling it means the account's quota of open tunnels is reached: retrying cannot help,
 * and would keep the operator waiting for seconds before saying so.
 */
import { ConfiguredRetryStrategy, StandardRetryStrategy } from '@smithy/util-retry';

/** Attempts per call, the first included: throttling gets four more tries (about 7 s at most). */
export const DEFAULT_MAX_ATTEMPTS = 5;

type RetryToken = Parameters<StandardRetryStrategy['recordSuccess']>[0];
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];

/** Errors that no retry can fix, though the SDK would retry them. */
const NOT_RETRIED = new Set(['LimitExceededException']);

export interface RetryOptions {
  /** Attempts per call, the first included. */
  readonly maxAttempts?: number;
  /** A fixed wait between attempts instead of the SDK's backoff (tests shorten it). */
  readonly fixedDelayMs?: number;
}

/** A RetryStrategyV2 the SDK clients take as `retryStrategy`. */
export class TunnelingRetryStrategy {
  readonly mode = 'standard';
  /** The attempts per call, for messages ("still throttled after 5 attempts"). */
  readonly maxAttempts: number;
  private readonly inner: StandardRetryStrategy;

  constructor(options: RetryOptions = {}) {
    const attempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.maxAttempts = attempts;
    this.inner =
      options.fixedDelayMs === undefined
        ? new StandardRetryStrategy(async () => attempts)
        : new ConfiguredRetryStrategy(attempts, options.fixedDelayMs);
  }

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(scope);
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    // Throwing here makes the SDK give up and raise the error it got.
    if (errorInfo.error && NOT_RETRIED.has(errorInfo.error.name)) {
      return Promise.reject(errorInfo.error);
    }
    return this.inner.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token);
  }
}
