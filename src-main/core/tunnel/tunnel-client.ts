/**
 * Keeps one tunnel connected: connects, and after a drop or a failed attempt tries again
 * with exponential backoff and jitter, no wait longer than the policy's retry delay, reusing
 * the client token so the same access token stays valid. What ends the retries is the
 * RetryPolicy's business (retry-policy.ts); the log says a failure once when it begins and
 * again only when it changes, not once per attempt.
 */
import type { Logger } from '../log/logger.js';
import type { TunnelMessage } from '../protocol/message.js';
import type { ProtocolVersion } from '../protocol/wire.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { describeCause, type CloseCause } from './close-cause.js';
import {
  causeKey,
  DEFAULT_RETRY_POLICY,
  stopReason,
  type RetryPolicy,
  type StopReason,
} from './retry-policy.js';
import {
  TunnelConnection,
  type OpenInfo,
  type TunnelConnectionOptions,
} from './tunnel-connection.js';
import { trustedCertificates } from './tls-trust.js';
import { WebProxyError } from './web-proxy.js';

export type TunnelState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly attempt: number }
  | {
      readonly kind: 'connected';
      readonly channelId: string | undefined;
      readonly version: ProtocolVersion;
      readonly since: number;
      readonly via: string | undefined;
    }
  | {
      readonly kind: 'reconnecting';
      readonly attempt: number;
      readonly retryAt: number;
      /** Why the last attempt, or the connection before it, ended. */
      readonly lastCause: CloseCause;
    }
  | { readonly kind: 'closed'; readonly cause: CloseCause; readonly fatal: boolean };

export interface TunnelClientHandler {
  /** A connection is open: the multiplexer may start using it. */
  onConnected(connection: TunnelConnection, info: OpenInfo): void;
  /** A message; `release` as in TunnelConnectionHandler.onMessage. */
  onMessage(message: TunnelMessage, release?: () => void): void;
  /** The open connection is gone: every stream on it is dead. */
  onDisconnected(cause: CloseCause): void;
  /** Any state change, for status lines and the app. */
  onState?(state: TunnelState): void;
  /** The client stopped for good (fatal error or close()). */
  onStopped?(cause: CloseCause, fatal: boolean): void;
}

export interface TunnelClientOptions extends Omit<TunnelConnectionOptions, 'ca'> {
  /** The waits; by default DEFAULT_BACKOFF with its ceiling at the policy's retry delay. */
  backoff?: BackoffOptions;
  retry?: RetryPolicy;
}

const STOP_WORDS: Record<StopReason, string> = {
  permanent: '',
  'likely-mistake': '',
  'data-error': ' (websocket.reconnect_on_data_error is false: not reconnecting)',
  'retries-spent': ' (websocket.connect_retry_count attempts spent: giving up)',
};

/** The waits of a policy: the default backoff, its ceiling the policy's retry delay. */
export function backoffOf(policy: RetryPolicy): BackoffOptions {
  const maxMs = policy.retryDelayMs;
  return {
    initialMs: Math.min(DEFAULT_BACKOFF.initialMs, maxMs),
    maxMs,
    minMs: Math.min(DEFAULT_BACKOFF.minMs, maxMs),
  };
}

export class TunnelClient {
  private connection: TunnelConnection | undefined;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private everConnected = false;
  private currentState: TunnelState = { kind: 'idle' };
  private latency: number | undefined;
  private reconnectCount = 0;
  private readonly ca: string[] | undefined;
  private readonly log: Logger;
  private readonly policy: RetryPolicy;
  /** Failed attempts since the last connection. */
  private failuresInARow = 0;
  /** The cause last logged (causeKey), so that a lasting failure is said once. */
  private loggedKey: string | undefined;

  constructor(
    private readonly options: TunnelClientOptions,
    private readonly handler: TunnelClientHandler,
  ) {
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.backoff = new Backoff(options.backoff ?? backoffOf(this.policy));
    this.log = options.logger;
    // Read the CA files once: a reconnect loop must not reread the disk every attempt.
    this.ca =
      options.endpoint.secure === false ? undefined : trustedCertificates(options.tls.caPath);
  }

  get state(): TunnelState {
    return this.currentState;
  }

  /** Round trip of the last WebSocket ping, ms. */
  get latencyMs(): number | undefined {
    return this.latency;
  }

  /** Reconnects after the first connection. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  start(): void {
    if (this.stopped || this.connection) return;
    this.connect();
  }

  /** Skips the wait before the next attempt (the app's "reconnect now"). */
  reconnectNow(): void {
    if (this.stopped) return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.connect();
    } else if (this.connection?.isOpen) {
      this.connection.close({ kind: 'reconnect-requested' });
    }
  }

  /** Stops for good: closes the connection and cancels any retry. */
  close(cause: CloseCause = { kind: 'closed', by: 'operator' }): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    connection?.close(cause);
    this.setState({ kind: 'closed', cause, fatal: false });
    this.handler.onStopped?.(cause, false);
  }

  private connect(): void {
    this.retryTimer = undefined;
    this.setState({ kind: 'connecting', attempt: this.backoff.attempts + 1 });
    let open = false;
    try {
      const connection: TunnelConnection = new TunnelConnection(
        { ...this.options, ca: this.ca },
        {
          onOpen: (info) => {
            if (this.connection !== connection) return;
            open = true;
            if (this.everConnected) this.reconnectCount++;
            this.everConnected = true;
            this.backoff.reset();
            this.failuresInARow = 0;
            this.loggedKey = undefined;
            this.log.info(
              `connected to the tunnel service as ${this.options.mode} (${info.version}, channel-id ${info.channelId ?? 'none'})` +
                (info.via ? ` through ${info.via}` : ''),
            );
            this.setState({
              kind: 'connected',
              channelId: info.channelId,
              version: info.version,
              since: Date.now(),
              via: info.via,
            });
            this.handler.onConnected(connection, info);
          },
          onMessage: (message, release) => {
            if (this.connection === connection) this.handler.onMessage(message, release);
          },
          onLatency: (ms) => {
            this.latency = ms;
          },
          onClose: (cause) => {
            if (this.connection !== connection) return;
            this.connection = undefined;
            if (open) this.handler.onDisconnected(cause);
            this.afterClose(cause, open);
          },
        },
      );
      this.connection = connection;
    } catch (error) {
      // The command line checks the proxy variables before it starts; the app reads them
      // as they are, so a broken one ends here, named, rather than as a stack trace.
      if (!(error instanceof WebProxyError)) throw error;
      this.afterClose({ kind: 'local-failure', detail: error.message });
    }
  }

  private afterClose(cause: CloseCause, wasOpen = false): void {
    if (this.stopped) return;
    // A drop of an open tunnel is not a failed attempt; the attempts after it are.
    if (!wasOpen) this.failuresInARow++;
    const reason = stopReason(cause, this.policy, this.failuresInARow, this.everConnected);
    if (reason) {
      this.stopped = true;
      this.log.error(describeCause(cause) + STOP_WORDS[reason]);
      this.setState({ kind: 'closed', cause, fatal: true });
      this.handler.onStopped?.(cause, true);
      return;
    }
    const delay = this.backoff.next();
    const key = causeKey(cause);
    if (key !== this.loggedKey) {
      this.loggedKey = key;
      this.log.warn(
        `${describeCause(cause)}; retrying, at most ${(this.policy.retryDelayMs / 1000).toFixed(1)} s apart, ` +
          'until it changes (said again only when it does)',
      );
    }
    this.log.debug(
      `${describeCause(cause)}; attempt ${this.backoff.attempts + 1} in ${(delay / 1000).toFixed(1)} s`,
    );
    this.setState({
      kind: 'reconnecting',
      attempt: this.backoff.attempts,
      retryAt: Date.now() + delay,
      lastCause: cause,
    });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private setState(state: TunnelState): void {
    this.currentState = state;
    this.handler.onState?.(state);
  }
}
