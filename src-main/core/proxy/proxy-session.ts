/**
 * What a source proxy and a destination agent share: the runtime options and events, the
 * multiplexer's limits, the TunnelClient that keeps the WebSocket up, the multiplexer it feeds
 * (with the role's policy), the snapshot, and stopping (close by the user, fail by an error).
 * A role adds its policy (core/mux/role-policy.ts) and its local side: listeners
 * (SourceProxy) or targets (DestinationAgent).
 */
import type { ProxyConfig } from '../config/proxy-config.js';
import type { Logger } from '../log/logger.js';
import { DEFAULT_PING_INTERVAL_MS, resourceLimits } from '../mux/limits.js';
import type { RolePolicy } from '../mux/role-policy.js';
import { DEFAULT_MUX_LIMITS, TunnelMux, type MuxLimits } from '../mux/tunnel-mux.js';
import { ProtocolError } from '../protocol/errors.js';
import type { TunnelMessage } from '../protocol/message.js';
import type { ProtocolVersion, ProxyMode } from '../protocol/wire.js';
import type { TunnelSnapshot } from '../stats/snapshot.js';
import type { BackoffOptions } from '../tunnel/backoff.js';
import { describeCause, type CloseCause, type LocalCloseBy } from '../tunnel/close-cause.js';
import { TunnelClient, type TunnelState } from '../tunnel/tunnel-client.js';

/** How long the WebSocket handshake may take before the attempt counts as failed. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 15_000;

/** A bound local port, as shown to the user. */
export interface ListenerInfo {
  readonly serviceId: string;
  /** The listen address (bind address). */
  readonly host: string;
  readonly address: string;
  readonly port: number;
  /** True when the port was picked because none was configured. */
  readonly picked: boolean;
}

export interface ProxyEvents {
  /** Every service has its local port: connections can be made. */
  onReady?(listeners: readonly ListenerInfo[]): void;
  /** The tunnel's services arrived (SERVICE_IDS), before listeners are opened for them. */
  onServiceIds?(serviceIds: readonly string[]): void;
  onState?(state: TunnelState): void;
  /** Stopped for good; `fatal` when by an error rather than close(). */
  onStopped?(cause: CloseCause, fatal: boolean): void;
}

export interface ProxyRuntimeOptions {
  logger: Logger;
  events?: ProxyEvents;
  /** Overrides of DEFAULT_MUX_LIMITS (send and receive side, connections per service). */
  limits?: Partial<MuxLimits>;
  pingIntervalMs?: number;
  handshakeTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** How long an accepted connection waits for the tunnel before it is dropped. */
  pendingTimeoutMs?: number;
}

/**
 * A proxy's multiplexer limits: the defaults with the runtime's overrides, the receive side's
 * checked against the ping period (a ConfigError names the field).
 */
export function muxLimits(
  runtime: Pick<ProxyRuntimeOptions, 'limits' | 'pingIntervalMs'>,
): MuxLimits {
  return {
    ...DEFAULT_MUX_LIMITS,
    ...runtime.limits,
    ...resourceLimits(runtime.limits, runtime.pingIntervalMs),
  };
}

/** The next stream id: positive int32, wrapping past the maximum like the reference. */
export function nextStreamId(last: number): number {
  return last >= 0x7fffffff ? 1 : last + 1;
}

/** What a role brings to its session. Each hook is called once per event, never per frame. */
export interface ProxyRole<P extends RolePolicy> {
  readonly mode: ProxyMode;
  /** The subprotocol version to offer. */
  readonly version: ProtocolVersion;
  /** Makes the role's policy over the session's multiplexer (once, while constructing). */
  policy(mux: TunnelMux<P>, session: ProxySession<P>): P;
  /** The tunnel opened; the multiplexer is attached to it. */
  onConnected?(): void;
  /** The tunnel dropped; the multiplexer has let go of it and of every stream. */
  onDisconnected?(cause: CloseCause): void;
  /** The proxy stops for good: close what the role holds; a promise when that takes time. */
  stop?(): Promise<void> | undefined;
}

export class ProxySession<P extends RolePolicy = RolePolicy> {
  readonly mux: TunnelMux<P>;
  readonly events: ProxyEvents;
  readonly log: Logger;
  private readonly client: TunnelClient;
  private isStopped = false;

  constructor(
    config: ProxyConfig,
    runtime: ProxyRuntimeOptions,
    private readonly role: ProxyRole<P>,
  ) {
    this.log = runtime.logger;
    this.events = runtime.events ?? {};
    // The configured send order (--send-order) wins over the runtime's limits.
    const limits: MuxLimits = {
      ...muxLimits(runtime),
      ...(config.sendOrder ? { sendOrder: config.sendOrder } : {}),
    };
    this.mux = new TunnelMux(this.log, limits, (mux) => role.policy(mux, this));
    this.client = new TunnelClient(
      {
        endpoint: config.endpoint,
        mode: role.mode,
        accessToken: config.accessToken,
        clientToken: config.clientToken,
        version: role.version,
        tls: config.tls,
        pingIntervalMs: runtime.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
        handshakeTimeoutMs: runtime.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
        logger: runtime.logger.child('tunnel'),
        backoff: runtime.backoff,
      },
      {
        onConnected: (connection) => {
          this.mux.attach(connection);
          this.role.onConnected?.();
        },
        onMessage: (message, release) => this.receive(message, release),
        onDisconnected: (cause) => {
          this.mux.detach();
          this.role.onDisconnected?.(cause);
        },
        onState: (state) => this.events.onState?.(state),
        onStopped: (cause, fatal) => {
          // The client logged why already (its own scope): the log says it once, not per scope.
          if (fatal) void this.stop(cause, true, false);
        },
      },
    );
  }

  get policy(): P {
    return this.mux.policy;
  }

  /** Whether the proxy has stopped for good (close() or a fatal error). */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** Round trip of the last WebSocket ping, ms. */
  get latencyMs(): number | undefined {
    return this.client.latencyMs;
  }

  /** Reconnects since the first connection. */
  get reconnects(): number {
    return this.client.reconnects;
  }

  /** Connects, and keeps reconnecting until stopped. */
  start(): void {
    this.client.start();
  }

  /** Skips the wait before the next reconnect attempt. */
  reconnectNow(): void {
    this.client.reconnectNow();
  }

  /** Closes the tunnel and everything the role holds. */
  close(by: LocalCloseBy = 'operator'): Promise<void> {
    return this.stop({ kind: 'closed', by }, false);
  }

  /** Stops for good because of an error, which is logged. */
  fail(cause: CloseCause): Promise<void> {
    return this.stop(cause, true);
  }

  snapshot(now = Date.now()): TunnelSnapshot {
    return {
      at: now,
      mode: this.role.mode,
      state: this.client.state,
      latencyMs: this.client.latencyMs,
      reconnects: this.client.reconnects,
      ...this.mux.snapshot(now),
    };
  }

  private receive(message: TunnelMessage, release?: () => void): void {
    try {
      this.mux.handleMessage(message, release);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.log.error(`closing the tunnel WebSocket: ${error.message}`);
      this.mux.link?.close({ kind: 'protocol', code: error.code, detail: error.message });
    }
  }

  /**
   * Closes the client, drops every connection, lets the role close what it holds, then says
   * so. With nothing to wait for, onStopped runs before this returns.
   */
  private async stop(cause: CloseCause, fatal: boolean, log = fatal): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    if (log) this.log.error(describeCause(cause));
    this.client.close(cause);
    this.mux.detach();
    const stopping = this.role.stop?.();
    if (stopping) await stopping;
    this.events.onStopped?.(cause, fatal);
  }
}
