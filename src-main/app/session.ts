/**
 * One tunnel the operator opened: a source proxy, the mappings the operator chose, its
 * state as the renderer shows it, and a throughput history for the plot. It holds the
 * access token only inside its proxy configuration; nothing it hands out carries it.
 */
import type { ProxyConfig } from '../core/config/proxy-config.js';
import type { Logger } from '../core/log/logger.js';
import type { TunnelSnapshot } from '../core/stats/snapshot.js';
import type { TunnelState } from '../core/tunnel/tunnel-client.js';
import type { LocalCloseBy } from '../core/tunnel/close-cause.js';
import type {
  ConnectionsPage,
  ConnectionsQuery,
  HistoryPoint,
  ListenerView,
  ServiceMapping,
  SessionState,
  SessionStats,
  SessionView,
} from '../ipc/contract.js';
import { AppError, HISTORY_POINTS } from '../ipc/contract.js';
import type { SourceProxyHandle, sourceProxyFromConfig } from '../lib/source.js';
import { ConnectionList } from './connections-page.js';
import { appErrorFrom } from './mapping-rules.js';
import { firstNonLocalAddress, notLocalMessage } from './port-probe.js';
import { RecentlyClosed } from './recently-closed.js';

export interface SessionOptions {
  readonly id: string;
  readonly kind: SessionView['kind'];
  readonly name: string;
  readonly config: ProxyConfig;
  readonly mappings: readonly ServiceMapping[];
  readonly logger: Logger;
  /** Something the renderer shows changed (state, listeners, services). */
  readonly onChange: () => void;
  /** Runs after the proxy closed (the sandbox closes its tunnel and device). */
  readonly afterClose?: () => Promise<void>;
  /** Runs each time the tunnel connects. */
  readonly onConnected?: () => void;
  readonly pingIntervalMs?: number;
}

export function toSessionState(state: TunnelState): SessionState {
  switch (state.kind) {
    case 'idle':
      return { kind: 'connecting', attempt: 0 };
    case 'connecting':
      return { kind: 'connecting', attempt: state.attempt };
    case 'connected':
      return {
        kind: 'connected',
        channelId: state.channelId ?? null,
        version: state.version,
        since: state.since,
        via: state.via ?? null,
      };
    case 'reconnecting':
      return {
        kind: 'reconnecting',
        attempt: state.attempt,
        retryAt: state.retryAt,
        lastCause: state.lastCause,
      };
    case 'closed':
      return { kind: 'closed', cause: state.cause, fatal: state.fatal };
  }
}

export class Session {
  readonly createdAt = Date.now();
  private readonly proxy: SourceProxyHandle;
  private mappings: ServiceMapping[];
  private state: SessionState = { kind: 'connecting', attempt: 0 };
  /** The port each service last listened on, kept after close: a new token binds them again. */
  private readonly boundPorts = new Map<string, number>();
  private readonly history: HistoryPoint[] = [];
  /** The last connections that closed, which the view keeps showing (dimmed). */
  private readonly recentlyClosed = new RecentlyClosed();
  private lastHistory: { at: number; bytesIn: number; bytesOut: number } | undefined;
  private closing: Promise<void> | undefined;
  /** When the session closed (ms since the epoch); null while it is not closed. */
  private closedAt: number | null = null;
  /** Waits before a reconnect, each shown with a countdown (its "attempt N"). */
  private reconnectAttempts = 0;
  /**
   * The figures as they were when the session closed: the record keeps them for the view,
   * so a reloaded page (which missed the live batches) still shows its totals.
   */
  private finalStats: SessionStats | null = null;
  /** The connections of the last sample, sorted when a view first asks. */
  private connectionList = new ConnectionList(undefined);

  private constructor(
    private readonly options: SessionOptions,
    makeProxy: typeof sourceProxyFromConfig,
  ) {
    this.mappings = [...options.mappings];
    // The library's source proxy, made from the rows' configuration (each row has its own
    // bind address, which the library's options do not carry).
    this.proxy = makeProxy(options.config, {
      logger: options.logger,
      pingIntervalMs: options.pingIntervalMs,
      // A person is watching: a TLS failure or a name that never resolved is said at once.
      retry: { giveUpOn: 'likely-mistake' },
    });
    this.proxy.on('state', (state) => {
      // A closed proxy's state is final: a later "closed by the user" must not hide why.
      if (this.state.kind === 'closed') return;
      if (state.kind === 'reconnecting') this.reconnectAttempts++;
      this.setState(toSessionState(state));
      if (state.kind === 'connected') options.onConnected?.();
      options.onChange();
    });
    this.proxy.on('ready', (listeners) => {
      this.rememberPorts(listeners);
      options.onChange();
    });
    this.proxy.on('services', () => options.onChange());
    this.proxy.on('stopped', (cause, fatal) => {
      if (this.state.kind !== 'closed') this.setState({ kind: 'closed', cause, fatal });
      options.onChange();
      // The proxy has stopped already; this runs the session's own ending (afterClose).
      if (fatal) void this.close();
    });
  }

  /** Binds the ports and connects; a port in use rejects and leaves nothing open. */
  static async open(options: SessionOptions): Promise<Session> {
    // The data path loads with the first tunnel, not with the app (see web-app.ts).
    const { sourceProxyFromConfig } = await import('../lib/source.js');
    const session = new Session(options, sourceProxyFromConfig);
    try {
      await session.proxy.begin();
    } catch (error) {
      await options.afterClose?.();
      const notLocal = await firstNonLocalAddress(options.mappings.map((m) => m.bindAddress));
      if (notLocal !== undefined) {
        throw new AppError('invalid-mapping', notLocalMessage(notLocal), null);
      }
      throw appErrorFrom(error);
    }
    session.rememberPorts(session.proxy.ports);
    return session;
  }

  get id(): string {
    return this.options.id;
  }

  get name(): string {
    return this.options.name;
  }

  get isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  view(): SessionView {
    const endpoint = this.options.config.endpoint;
    return {
      id: this.options.id,
      kind: this.options.kind,
      name: this.options.name,
      endpoint: `${endpoint.secure === false ? 'ws' : 'wss'}://${endpoint.host}:${endpoint.port}`,
      createdAt: this.createdAt,
      state: this.state,
      latencyMs: this.isClosed ? null : (this.proxy.latencyMs ?? null),
      reconnects: this.reconnectAttempts,
      closedAt: this.closedAt,
      finalStats: this.finalStats,
      peerServices: [...this.proxy.serviceIds],
      listeners: this.listeners(),
      peerVersion: this.options.config.peerVersion,
    };
  }

  /** The listener of each service: bound, or why not. */
  listeners(): ListenerView[] {
    const bound = this.isClosed ? [] : this.proxy.ports;
    const views: ListenerView[] = bound.map((info) => {
      const mapping = this.mappings.find((m) => m.serviceId === info.serviceId);
      return {
        serviceId: info.serviceId,
        bindAddress: info.host,
        requested: mapping?.port ?? 'auto',
        port: info.port,
        error: null,
      };
    });
    for (const mapping of this.mappings) {
      if (views.some((v) => v.serviceId === mapping.serviceId)) continue;
      views.push({
        serviceId: mapping.serviceId,
        bindAddress: mapping.bindAddress,
        requested: mapping.port,
        port: null,
        error: this.isClosed ? 'the tunnel is closed' : null,
      });
    }
    // The operator's order, whatever is listening: rows do not move when one stops.
    return views.sort((a, b) => this.mappingIndex(a.serviceId) - this.mappingIndex(b.serviceId));
  }

  /**
   * The port each service last listened on, as recorded when its listener was bound (start,
   * ready, remap); still there once the session is closed, which the listeners are not.
   */
  lastPorts(): ReadonlyMap<string, number> {
    return new Map(this.boundPorts);
  }

  /** The mappings as they stand (for export): every service with its bound or chosen port. */
  currentPorts(): Map<string, number> {
    const ports = new Map<string, number>();
    for (const view of this.listeners()) {
      ports.set(view.serviceId, view.requested === 'auto' ? (view.port ?? 0) : view.requested);
    }
    return ports;
  }

  /** A listening service's port and address, for the launchers; an error if it has none. */
  servedPort(serviceId: string): { port: number; bindAddress: string } {
    const view = this.listeners().find((v) => v.serviceId === serviceId);
    if (!view || view.port === null) {
      throw new AppError(
        'not-found',
        `${serviceId} has no local port in tunnel "${this.options.name}"${this.isClosed ? ' (the tunnel is closed)' : ''}`,
      );
    }
    return { port: view.port, bindAddress: view.bindAddress };
  }

  /** Moves one service to another port or address; only its listener restarts. */
  async remap(mapping: ServiceMapping): Promise<ListenerView> {
    if (this.isClosed) throw new AppError('failed', 'the tunnel is closed');
    try {
      const bound = await this.proxy.rebind(
        mapping.serviceId,
        mapping.port === 'auto' ? 0 : mapping.port,
        mapping.bindAddress,
      );
      this.rememberPorts([bound]);
    } catch (error) {
      // The core names the CLI's flag for an address this machine lacks; say it in the UI's words.
      if ((await firstNonLocalAddress([mapping.bindAddress])) !== undefined) {
        throw new AppError(
          'invalid-mapping',
          notLocalMessage(mapping.bindAddress),
          'mapping.bindAddress',
        );
      }
      throw appErrorFrom(error, 'mapping.port');
    }
    // In place: a moved service keeps its row.
    const index = this.mappings.findIndex((m) => m.serviceId === mapping.serviceId);
    if (index >= 0) this.mappings[index] = mapping;
    else this.mappings.push(mapping);
    this.options.onChange();
    return this.listeners().find((v) => v.serviceId === mapping.serviceId)!;
  }

  reconnectNow(): void {
    this.proxy.reconnect();
  }

  /**
   * Live figures per tunnel and service; also records a history point once a second and
   * keeps the snapshot's connections for `connectionsPage`.
   */
  sample(now: number): SessionStats {
    const snapshot = this.proxy.snapshot(now);
    this.recordHistory(snapshot, now);
    const services = [...snapshot.services].sort(
      (a, b) => this.mappingIndex(a.serviceId) - this.mappingIndex(b.serviceId),
    );
    // The core forgets a connection once it closes; the view keeps the last ones, dimmed.
    this.recentlyClosed.follow(
      now,
      services.flatMap((service) => service.connections),
    );
    this.connectionList = new ConnectionList(
      snapshot,
      (id) => this.mappingIndex(id),
      this.recentlyClosed.connections,
    ).replacing(this.connectionList);
    return {
      sessionId: this.options.id,
      latencyMs: snapshot.latencyMs ?? null,
      bytesIn: snapshot.bytesIn,
      bytesOut: snapshot.bytesOut,
      bytesInPerSecond: snapshot.bytesInPerSecond,
      bytesOutPerSecond: snapshot.bytesOutPerSecond,
      services: services.map((service) => ({
        serviceId: service.serviceId,
        activeStreamId: service.activeStreamId,
        streamsStarted: service.streamsStarted,
        connectionsOpened: service.connectionsOpened,
        openConnections: service.connections.filter((c) => c.state !== 'closed').length,
        bytesIn: service.bytesIn,
        bytesOut: service.bytesOut,
        bytesInPerSecond: service.bytesInPerSecond,
        bytesOutPerSecond: service.bytesOutPerSecond,
      })),
    };
  }

  /** A window of the connections as of the last sample; none once the tunnel closed. */
  connectionsPage(query: Omit<ConnectionsQuery, 'sessionId'>): ConnectionsPage {
    return (this.isClosed ? new ConnectionList(undefined) : this.connectionList).page(query);
  }

  historyPoints(): HistoryPoint[] {
    return [...this.history];
  }

  /** Closes the tunnel and every listener; idempotent. */
  close(by: LocalCloseBy = 'operator'): Promise<void> {
    this.closing ??= (async () => {
      await this.proxy.close(by);
      if (this.state.kind !== 'closed') {
        this.setState({ kind: 'closed', cause: { kind: 'closed', by }, fatal: false });
      }
      await this.options.afterClose?.();
      this.options.onChange();
    })();
    return this.closing;
  }

  private setState(state: SessionState): void {
    this.state = state;
    if (state.kind === 'closed' && this.closedAt === null) {
      this.closedAt = Date.now();
      this.finalStats = this.closedStats(this.closedAt);
    }
  }

  /** The figures at close: the totals stay, nothing is live any more. */
  private closedStats(now: number): SessionStats | null {
    try {
      const stats = this.sample(now);
      return {
        ...stats,
        latencyMs: null,
        bytesInPerSecond: 0,
        bytesOutPerSecond: 0,
        services: stats.services.map((service) => ({
          ...service,
          bytesInPerSecond: 0,
          bytesOutPerSecond: 0,
          openConnections: 0,
        })),
      };
    } catch {
      // A proxy that never started has no figures.
      return null;
    }
  }

  /** A service's place in the operator's mappings; unknown ones after, by name. */
  private mappingIndex(serviceId: string): number {
    const index = this.mappings.findIndex((m) => m.serviceId === serviceId);
    return index >= 0 ? index : this.mappings.length;
  }

  private rememberPorts(listeners: readonly { serviceId: string; port: number }[]): void {
    for (const { serviceId, port } of listeners) this.boundPorts.set(serviceId, port);
  }

  private recordHistory(snapshot: TunnelSnapshot, now: number): void {
    const last = this.lastHistory;
    if (last && now - last.at < 1_000) return;
    if (last) {
      const seconds = (now - last.at) / 1000;
      this.history.push({
        at: now,
        bytesInPerSecond: (snapshot.bytesIn - last.bytesIn) / seconds,
        bytesOutPerSecond: (snapshot.bytesOut - last.bytesOut) / seconds,
      });
      if (this.history.length > HISTORY_POINTS) this.history.shift();
    }
    this.lastHistory = { at: now, bytesIn: snapshot.bytesIn, bytesOut: snapshot.bytesOut };
  }
}
