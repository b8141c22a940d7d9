/**
 * When a tunnel that failed is tried again, and when it is given up: the reference
 * localproxy's contract (`websocket.connect_retry_count` -1, `websocket.retry_delay_ms`
 * 2.5 s, `websocket.reconnect_on_data_error` true). Only an answer that cannot change ends a
 * proxy: the service refused the token, a request it will never accept, a mismatch of
 * services, a local failure. DNS, refused connections, timeouts, TLS and dropped tunnels are
 * retried, because a device that booted before its network, or sat through a DNS outage or
 * a certificate rotation, must come back on its own.
 */
import { isRetryable, type CloseCause } from './close-cause.js';

/**
 * What ends the retries besides an answer that cannot change. `permanent`: nothing else
 * (the reference's way; the command line and the library). `likely-mistake`: also a TLS
 * failure, and a host name that does not resolve before the first connection, which a
 * person at a screen more likely mistyped than lost to an outage (the app says so at once).
 */
export type GiveUpOn = 'permanent' | 'likely-mistake';

export interface RetryPolicy {
  /** The longest wait between two attempts, ms (`websocket.retry_delay_ms`). */
  readonly retryDelayMs: number;
  /** Failed attempts in a row that are retried; 'forever' for the reference's -1. */
  readonly connectRetryCount: number | 'forever';
  /** Whether a tunnel the service broke the protocol on is reconnected (`reconnect_on_data_error`). */
  readonly reconnectOnDataError: boolean;
  readonly giveUpOn: GiveUpOn;
}

/** The reference's defaults. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retryDelayMs: 2_500,
  connectRetryCount: 'forever',
  reconnectOnDataError: true,
  giveUpOn: 'permanent',
};

/** Why the retries end after this cause, or undefined when they go on. */
export type StopReason = 'permanent' | 'likely-mistake' | 'data-error' | 'retries-spent';

/**
 * Whether to stop after `cause`. `failuresInARow` counts the failed attempts since the last
 * connection, this one included; `everConnected` whether any attempt has connected.
 */
export function stopReason(
  cause: CloseCause,
  policy: RetryPolicy,
  failuresInARow: number,
  everConnected: boolean,
): StopReason | undefined {
  if (!isRetryable(cause)) return 'permanent';
  if (policy.giveUpOn === 'likely-mistake') {
    if (cause.kind === 'tls') return 'likely-mistake';
    if (cause.kind === 'dns' && !cause.temporary && !everConnected) return 'likely-mistake';
  }
  if (cause.kind === 'protocol' && !policy.reconnectOnDataError) return 'data-error';
  if (policy.connectRetryCount !== 'forever' && failuresInARow > policy.connectRetryCount) {
    return 'retries-spent';
  }
  return undefined;
}

/**
 * A key that is equal for two causes the log would say the same way: the log says a cause
 * once when it begins, not once per attempt, and again only when it changes.
 */
export function causeKey(cause: CloseCause): string {
  switch (cause.kind) {
    case 'token-refused':
    case 'handshake-rejected':
      return `${cause.kind}:${cause.status}`;
    case 'tls':
      return `tls:${cause.code}`;
    case 'network':
      return `network:${cause.code ?? ''}`;
    case 'proxy-unreachable':
      return `proxy:${cause.code ?? ''}`;
    case 'dns':
      return `dns:${cause.temporary}`;
    case 'closed-by-service':
      return `closed-by-service:${cause.wsCode}`;
    case 'protocol':
      return `protocol:${cause.code}`;
    default:
      return cause.kind;
  }
}
