/**
 * What the library's source and destination proxies share: the options both take, and a
 * handle with typed events. `state`, `ready` and `stopped` come from the core as they
 * happen; `stats`, `stream` and `connection` are read from the proxy's snapshot every
 * `statsIntervalMs` (1 s by default), so that watching costs nothing on the data path.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { parseRegionEndpoint, parseServiceEndpoint } from '../core/config/endpoint.js';
import { ConfigError, type ServiceEndpoint } from '../core/config/proxy-config.js';
import {
  createLogger,
  LogLevel,
  SecretRedactor,
  type LogRecord,
  type Logger,
} from '../core/log/logger.js';
import type { ProtocolVersion } from '../core/protocol/wire.js';
import type { ListenerInfo, ProxyEvents } from '../core/proxy/proxy-session.js';
import type { ConnectionSnapshot, TunnelSnapshot } from '../core/stats/snapshot.js';
import type { CloseCause } from '../core/tunnel/close-cause.js';
import type { TunnelState } from '../core/tunnel/tunnel-client.js';

export type {
  CloseCause,
  ConnectionSnapshot,
  ListenerInfo,
  LogRecord,
  TunnelSnapshot,
  TunnelState,
};
export type { ProtocolVersion };

/** Log levels by name, as the library takes them. */
export type LogLevelName = 'off' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const LEVELS: Record<LogLevelName, LogLevel> = {
  off: LogLevel.Off,
  fatal: LogLevel.Fatal,
  error: LogLevel.Error,
  warn: LogLevel.Warn,
  info: LogLevel.Info,
  debug: LogLevel.Debug,
  trace: LogLevel.Trace,
};

/** Options both proxies take. */
export interface CommonProxyOptions {
  /** The side's access token (secret: never logged). */
  readonly accessToken: string;
  /** The tunnel's region: its data plane is data.tunneling.iot.REGION.amazonaws.com:443. */
  readonly region?: string;
  /** Or an explicit endpoint: `host:port`, `wss://host:port`, `ws://host:port` (plain, tests). */
  readonly endpoint?: string;
  /** So that the proxy can reconnect with the same token (a UUID is made when absent). */
  readonly clientToken?: string;
  /** TLS: `verify: false` only for a local test service; `caPath`: extra PEM CAs. */
  readonly tls?: { readonly verify?: boolean; readonly caPath?: string };
  /** The peer's protocol version (V3 by default; V1 for older device clients). */
  readonly peerVersion?: ProtocolVersion;
  /** Log level (`warn` by default) and where lines go (stderr by default). */
  readonly logLevel?: LogLevelName;
  readonly onLog?: (record: LogRecord) => void;
  /** How often `stats`, `stream` and `connection` events are read (ms; 0 turns them off). */
  readonly statsIntervalMs?: number;
}

/** A connection as the `connection` event gives it. */
export interface ConnectionEvent {
  readonly kind: 'opened' | 'closed';
  readonly connection: ConnectionSnapshot;
}

/** The events of a proxy handle, with their arguments. */
export interface ProxyEventMap {
  /** Every service has its local port (source) or the tunnel is up (destination). */
  ready: [listeners: readonly ListenerInfo[]];
  /** The tunnel's connection: connecting, connected, reconnecting, closed. */
  state: [state: TunnelState];
  /** A service started a new stream (counted from the snapshot). */
  stream: [serviceId: string, streamId: number];
  /** A local connection opened or closed (seen in the snapshot). */
  connection: [event: ConnectionEvent];
  /** The counters and rates, every statsIntervalMs. */
  stats: [snapshot: TunnelSnapshot];
  /** Stopped for good: `fatal` when by an error rather than close(). */
  stopped: [cause: CloseCause, fatal: boolean];
}

/** The core object a handle drives (SourceProxy or DestinationAgent). */
export interface CoreProxy {
  start(): Promise<void>;
  close(by?: 'operator' | 'signal'): Promise<void>;
  snapshot(now?: number): TunnelSnapshot;
}

/** A running proxy: typed events, a snapshot, close. */
export class ProxyHandle<C extends CoreProxy = CoreProxy> extends EventEmitter<ProxyEventMap> {
  /** @internal The core proxy this handle drives. */
  protected readonly core: C;
  private timer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, ConnectionSnapshot>();
  private readonly streams = new Map<string, number>();
  private stoppedWith: { cause: CloseCause; fatal: boolean } | undefined;

  /** @internal Made by startSourceProxy / startDestinationProxy. */
  constructor(
    makeCore: (events: ProxyEvents) => C,
    private readonly statsIntervalMs: number,
  ) {
    super();
    this.core = makeCore(this.coreEvents());
  }

  /** @internal */
  async begin(): Promise<void> {
    await this.core.start();
    if (this.statsIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.statsIntervalMs);
      this.timer.unref();
    }
  }

  /** The counters, rates, services and connections now. */
  snapshot(): TunnelSnapshot {
    return this.core.snapshot();
  }

  /** Resolves once stopped (by close() or for good by an error), with why. */
  get stopped(): Promise<{ cause: CloseCause; fatal: boolean }> {
    if (this.stoppedWith) return Promise.resolve(this.stoppedWith);
    return new Promise((resolve) =>
      this.once('stopped', (cause, fatal) => resolve({ cause, fatal })),
    );
  }

  /** Closes the tunnel, every listener and connection; resolves when all is closed. */
  async close(): Promise<void> {
    await this.core.close('operator');
    this.stopTimer();
  }

  /** The core's events, forwarded. */
  private coreEvents(): ProxyEvents {
    return {
      onReady: (listeners) => this.emit('ready', listeners),
      onState: (state) => this.emit('state', state),
      onStopped: (cause, fatal) => {
        this.stopTimer();
        this.stoppedWith = { cause, fatal };
        this.emit('stopped', cause, fatal);
      },
    };
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const snapshot = this.core.snapshot();
    const now = new Map<string, ConnectionSnapshot>();
    for (const service of snapshot.services) {
      const last = this.streams.get(service.serviceId) ?? 0;
      if (service.streamsStarted > last)
        this.emit('stream', service.serviceId, service.activeStreamId);
      this.streams.set(service.serviceId, service.streamsStarted);
      for (const connection of service.connections) now.set(connection.key, connection);
    }
    for (const [key, connection] of now) {
      if (!this.seen.has(key)) this.emit('connection', { kind: 'opened', connection });
    }
    for (const [key, connection] of this.seen) {
      if (!now.has(key)) this.emit('connection', { kind: 'closed', connection });
    }
    this.seen.clear();
    for (const [key, connection] of now) this.seen.set(key, connection);
    this.emit('stats', snapshot);
  }
}

/** @internal The settings every role needs, from the options. */
export function commonSettings(options: CommonProxyOptions): {
  endpoint: ServiceEndpoint;
  clientToken: string;
  clientTokenGenerated: boolean;
  logger: Logger;
  level: LogLevel;
  peerVersion: ProtocolVersion;
  tls: { verify: boolean; caPath?: string };
  statsIntervalMs: number;
} {
  if (typeof options.accessToken !== 'string' || options.accessToken === '') {
    throw new ConfigError('an access token is required', 'accessToken');
  }
  if ((options.region === undefined) === (options.endpoint === undefined)) {
    throw new ConfigError('give either region or endpoint (one of them)', 'region/endpoint');
  }
  const endpoint =
    options.endpoint !== undefined
      ? parseServiceEndpoint(options.endpoint, 'endpoint', 'the endpoint option')
      : parseRegionEndpoint(options.region!, 'region', 'the region option');
  const level = LEVELS[options.logLevel ?? 'warn'];
  if (level === undefined) {
    throw new ConfigError(
      `"${options.logLevel}" is not a log level; give one of ${Object.keys(LEVELS).join(', ')}`,
      'logLevel',
    );
  }
  const redactor = new SecretRedactor();
  const clientToken = options.clientToken ?? randomUUID();
  redactor.add(options.accessToken);
  redactor.add(clientToken);
  const logger = createLogger({
    level,
    redactor,
    ...(options.onLog === undefined ? {} : { sink: options.onLog }),
  });
  return {
    endpoint,
    clientToken,
    clientTokenGenerated: options.clientToken === undefined,
    logger,
    level,
    peerVersion: options.peerVersion ?? 'V3',
    tls: {
      verify: options.tls?.verify ?? true,
      ...(options.tls?.caPath === undefined ? {} : { caPath: options.tls.caPath }),
    },
    statsIntervalMs: options.statsIntervalMs ?? 1000,
  };
}
