/**
 * Source mode: the operator's side. One local listener per service; every accepted TCP
 * connection becomes a stream (STREAM_START) or, on V3, one more connection on the
 * service's active stream (CONNECTION_START). Listeners outlive tunnel reconnects.
 * SourceProxy holds the listeners (and the sockets waiting for the tunnel); SourcePolicy
 * decides what goes over the tunnel; ProxySession (core/proxy) does the rest.
 */
import type net from 'node:net';
import { ConfigError, type ProxyConfig } from '../config/proxy-config.js';
import { readMappingFiles } from '../config/mapping-files.js';
import type { Logger } from '../log/logger.js';
import type { TunnelMessage } from '../protocol/message.js';
import { ProtocolError } from '../protocol/errors.js';
import {
  causeOf,
  servicesMismatch,
  describeCause,
  type LocalCloseBy,
} from '../tunnel/close-cause.js';
import { MessageType, type ProtocolVersion } from '../protocol/wire.js';
import type { TunnelSnapshot } from '../stats/snapshot.js';
import type { TunnelMux } from '../mux/tunnel-mux.js';
import type { LocalConnection } from '../mux/local-connection.js';
import type { RolePolicy } from '../mux/role-policy.js';
import { ServiceChannel } from '../mux/service-channel.js';
import { ResourceLimitError } from '../mux/limits.js';
import { RefusalLog } from '../mux/refusal-log.js';
import {
  nextStreamId,
  ProxySession,
  type ListenerInfo,
  type ProxyRuntimeOptions,
} from '../proxy/proxy-session.js';
import { ServiceListener } from './service-listener.js';

/** How long an accepted connection waits for the tunnel before it is dropped, by default. */
const DEFAULT_PENDING_TIMEOUT_MS = 30_000;

interface PendingSocket {
  socket: net.Socket;
  channel: ServiceChannel;
  timer: NodeJS.Timeout;
}

/** Where an accepted or attached connection came in, for messages. */
function whereOf(channel: ServiceChannel): string {
  return channel.local ?? channel.serviceId;
}

/** What SourcePolicy asks of the listeners when SERVICE_IDS names the tunnel's services. */
export interface SourcePorts {
  /** Opens a service's listener on a port (0: a free one). */
  open(serviceId: string, port: number): Promise<void>;
  /** Every service has its port: say so, and carry the connections that waited. */
  ready(): void;
}

export class SourceProxy {
  private readonly session: ProxySession<SourcePolicy>;
  private readonly log: Logger;
  private readonly listeners = new Map<ServiceChannel, ServiceListener>();
  /** Channels with no listener (`SSH1=stdio`): their connections come through attach(). */
  private readonly attachable = new Map<string, ServiceChannel>();
  private readonly pending = new Set<PendingSocket>();
  private readonly bindHost: string;
  private ready = false;
  private readonly version: ProtocolVersion;
  private readonly refusals: RefusalLog;

  constructor(
    private readonly config: ProxyConfig,
    private readonly runtime: ProxyRuntimeOptions,
  ) {
    if (config.mappings.mode !== 'source')
      throw new Error('SourceProxy needs a source configuration');
    this.log = runtime.logger;
    this.version = config.peerVersion;
    this.bindHost = config.bindAddress ?? '127.0.0.1';
    this.refusals = new RefusalLog(this.log);
    if (this.version === 'V1' && config.mappings.ports.size > 1) {
      throw new ConfigError('a V1 destination carries one service; give one port mapping', '-y V1');
    }
    const ports: SourcePorts = {
      open: (serviceId, port) => this.openListener(serviceId, port),
      ready: () => this.becomeReady(),
    };
    this.session = new ProxySession(config, runtime, {
      mode: 'source',
      version: this.version,
      policy: (mux, session) => new SourcePolicy(mux, session, config, ports),
      onConnected: () => {
        this.ready = false;
        // A V1 peer gets no SERVICE_IDS: the configured mapping is all there is.
        if (this.version === 'V1') this.becomeReady();
      },
      onDisconnected: (cause) => {
        this.ready = false;
        this.log.debug(`tunnel down: ${describeCause(cause)}`);
      },
      stop: () => {
        this.dropPending();
        return this.closeListeners();
      },
    });
  }

  /**
   * Binds the configured ports, then connects. Rejects with a ConfigError, leaving nothing
   * open, when a port cannot be bound: before the access token is spent on a handshake.
   */
  async start(): Promise<void> {
    const mappings = this.config.mappings;
    if (mappings.mode !== 'source') return;
    const ports = new Map(mappings.ports);
    if (ports.size === 0 && this.version === 'V1') ports.set('', 0);
    if (mappings.stdio !== undefined) {
      const channel = new ServiceChannel(mappings.stdio, undefined, this.version !== 'V1');
      channel.local = 'stdio';
      this.session.mux.channels.set(mappings.stdio, channel);
      this.attachable.set(mappings.stdio, channel);
    }
    try {
      for (const [serviceId, port] of ports) await this.openListener(serviceId, port);
    } catch (error) {
      await this.closeListeners();
      throw error;
    }
    this.session.start();
  }

  /**
   * Carries a connection that no listener accepted (stdin/stdout, a client of the control
   * socket) over the service bound with `stdio`: at once when the tunnel is ready, or once
   * it is. `serviceId` is the one of the mapping (leave it out for the only one).
   */
  attach(socket: net.Socket, serviceId?: string): void {
    const channel =
      serviceId === undefined
        ? [...this.attachable.values()][0]
        : (this.attachable.get(serviceId) ?? undefined);
    if (!channel) {
      socket.destroy();
      throw new ConfigError(
        `no service is bound to stdio${serviceId === undefined ? '' : ` under "${serviceId}"`}; map one with SERVICE=stdio`,
      );
    }
    this.carry(socket, channel);
  }

  /** Closes the tunnel and every listener and connection. */
  close(by?: LocalCloseBy): Promise<void> {
    return this.session.close(by);
  }

  /** Skips the wait before the next reconnect attempt. */
  reconnectNow(): void {
    this.session.reconnectNow();
  }

  /** Round trip of the last WebSocket ping, ms. */
  get latencyMs(): number | undefined {
    return this.session.latencyMs;
  }

  /** Reconnects since the first connection. */
  get reconnects(): number {
    return this.session.reconnects;
  }

  /** The services the tunnel carries, from the last SERVICE_IDS (empty before, and for V1). */
  get serviceIds(): readonly string[] {
    return this.session.policy.serviceIds;
  }

  /**
   * Moves one service to another local port or address while the tunnel stays up. The new
   * listener is bound first, so a port in use changes nothing (a ConfigError names it);
   * connections already open on the old port carry on.
   */
  async rebind(serviceId: string, port: number, bindAddress: string): Promise<ListenerInfo> {
    const channel = this.session.mux.channels.get(serviceId);
    const old = channel && this.listeners.get(channel);
    if (!channel || !old) throw new ConfigError(`the tunnel has no service "${serviceId}"`);
    if (port !== 0 && port === old.port && bindAddress === old.host) return this.infoOf(channel);
    const replacement: ServiceListener = new ServiceListener(
      serviceId,
      bindAddress,
      port,
      (socket) => this.accept(socket, replacement),
    );
    await replacement.listen();
    if (this.session.stopped || this.listeners.get(channel) !== old) {
      await replacement.close();
      throw new ConfigError(`service "${serviceId}" changed or closed while rebinding`);
    }
    this.listeners.set(channel, replacement);
    channel.local = replacement.address;
    await old.close();
    this.log.info(`${serviceId || 'service'} now listening on ${replacement.address}`);
    if (!this.listeners.has(channel)) {
      throw new ConfigError(`service "${serviceId}" closed while rebinding`);
    }
    return this.infoOf(channel);
  }

  private infoOf(channel: ServiceChannel): ListenerInfo {
    const listener = this.listeners.get(channel)!;
    return {
      serviceId: channel.serviceId,
      host: listener.host,
      address: listener.address,
      port: listener.port,
      picked: listener.requestedPort === 0,
    };
  }

  get listenerInfo(): ListenerInfo[] {
    return [...this.listeners.keys()].map((channel) => this.infoOf(channel));
  }

  snapshot(now = Date.now()): TunnelSnapshot {
    return this.session.snapshot(now);
  }

  private async openListener(serviceId: string, port: number): Promise<void> {
    const channel = new ServiceChannel(serviceId, undefined, this.version !== 'V1');
    const mappings = this.config.mappings;
    const host =
      (mappings.mode === 'source' ? mappings.bindAddresses?.get(serviceId) : undefined) ??
      this.bindHost;
    const listener = new ServiceListener(serviceId, host, port, (socket) =>
      this.accept(socket, listener),
    );
    await listener.listen();
    channel.local = listener.address;
    this.session.mux.channels.set(serviceId, channel);
    this.listeners.set(channel, listener);
    if (port === 0) {
      this.log.info(
        `${serviceId || 'the service'} has no port mapping: listening on free port ${listener.address}`,
      );
    }
  }

  private becomeReady(): void {
    if (this.ready || this.session.stopped) return;
    this.ready = true;
    const infos = this.listenerInfo;
    for (const info of infos) {
      this.log.info(`${info.serviceId || 'service'} listening on ${info.address}`);
    }
    this.session.events.onReady?.(infos);
    for (const entry of [...this.pending]) {
      this.pending.delete(entry);
      clearTimeout(entry.timer);
      if (entry.socket.destroyed) continue;
      // An explicitly paused stream stays paused when a 'data' listener is added.
      entry.socket.resume();
      this.carry(entry.socket, entry.channel);
    }
  }

  private accept(socket: net.Socket, listener: ServiceListener): void {
    const channel = [...this.listeners].find(([, l]) => l === listener)?.[0];
    if (!channel) {
      socket.destroy();
      return;
    }
    this.carry(socket, channel);
  }

  private carry(socket: net.Socket, channel: ServiceChannel): void {
    if (this.session.stopped) {
      socket.destroy();
      return;
    }
    if (this.overConnectionLimit(channel, socket)) return;
    if (!this.ready || !this.session.mux.link) {
      this.hold(socket, channel);
      return;
    }
    this.session.policy.startConnection(channel, socket);
  }

  /**
   * Closes an accepted socket beyond maxConnectionsPerService (open and waiting ones count),
   * and says so in the log. V1/V2 peers carry one connection per service, which a new one
   * replaces, so there only the waiting ones count.
   */
  private overConnectionLimit(channel: ServiceChannel, socket: net.Socket): boolean {
    let open = this.version === 'V3' ? channel.connections.size : 0;
    for (const entry of this.pending) if (entry.channel === channel) open++;
    const limit = this.session.mux.limits.maxConnectionsPerService;
    if (open < limit) return false;
    const error = new ResourceLimitError(
      'too-many-connections',
      `${channel.serviceId || 'service'}: refused a connection from ${socket.remoteAddress}:${socket.remotePort}: ` +
        `${open} connections are open on ${whereOf(channel)}, the limit per service (${limit})`,
    );
    socket.destroy();
    this.refusals.refused(error.message);
    return true;
  }

  /** Keeps an accepted socket until the tunnel is ready, for a while. */
  private hold(socket: net.Socket, channel: ServiceChannel): void {
    socket.pause();
    const entry: PendingSocket = {
      socket,
      channel,
      timer: setTimeout(() => {
        this.pending.delete(entry);
        this.log.warn(
          `dropped a connection on ${whereOf(channel)}: the tunnel did not become ready in time`,
        );
        socket.destroy();
      }, this.runtime.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS),
    };
    entry.timer.unref();
    socket.once('close', () => {
      clearTimeout(entry.timer);
      this.pending.delete(entry);
    });
    this.pending.add(entry);
  }

  private dropPending(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.socket.destroy();
    }
    this.pending.clear();
  }

  private async closeListeners(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((listener) => listener.close()));
  }
}

/**
 * What the source decides: every accepted connection starts a stream, or on V3 one more
 * connection of the service's active stream; a local end is answered with CONNECTION_RESET
 * (V3) or STREAM_RESET (V1/V2); SERVICE_IDS must match the mappings, and services without a
 * port get one. Only a source starts streams: STREAM_START or CONNECTION_START from the
 * service closes the WebSocket.
 */
export class SourcePolicy implements RolePolicy {
  private readonly version: ProtocolVersion;
  private readonly log: Logger;
  private peerServices: readonly string[] = [];

  constructor(
    private readonly mux: TunnelMux,
    private readonly session: ProxySession,
    private readonly config: ProxyConfig,
    private readonly ports: SourcePorts,
  ) {
    this.version = config.peerVersion;
    this.log = mux.log;
  }

  /** The services the tunnel carries, from the last SERVICE_IDS (empty before, and for V1). */
  get serviceIds(): readonly string[] {
    return this.peerServices;
  }

  onServiceIds(serviceIds: readonly string[]): void {
    void this.applyServiceIds([...new Set(serviceIds)]).catch((error: unknown) =>
      this.session.fail(causeOf(error)),
    );
  }

  /** Source mode never accepts stream starts: the guide says close the WebSocket. */
  onStreamStart(): void {
    throw new ProtocolError(
      'forbidden-type',
      'the service sent STREAM_START to a source; only a source starts streams',
    );
  }

  onConnectionStart(message: TunnelMessage): void {
    throw new ProtocolError(
      'forbidden-type',
      `the service sent CONNECTION_START (stream ${message.streamId}) to a source; only a source starts connections`,
    );
  }

  onLocalConnectionEnded(connection: LocalConnection): void {
    const channel = connection.channel;
    if (this.version === 'V3') {
      this.mux.sendConnectionReset(connection);
    } else {
      // V1/V2 peers have one connection per stream: its end is the stream's end.
      this.mux.sendControl(MessageType.STREAM_RESET, channel, connection.streamId);
      channel.activeStreamId = 0;
    }
  }

  /** Carries an accepted socket over the open tunnel: a new stream, or one more connection. */
  startConnection(channel: ServiceChannel, socket: net.Socket): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    if (this.version === 'V3' && channel.activeStreamId !== 0) {
      const connectionId = ++channel.lastConnectionId;
      this.mux.sendControl(
        MessageType.CONNECTION_START,
        channel,
        channel.activeStreamId,
        connectionId,
      );
      this.mux.addConnection(channel, socket, channel.activeStreamId, connectionId, peer, false);
      this.log.debug(
        `${channel.serviceId}: connection ${connectionId} from ${peer} on stream ${channel.activeStreamId}`,
      );
      return;
    }
    if (this.version !== 'V3' && channel.connections.size > 0) {
      this.log.warn(
        `${channel.serviceId || 'service'}: a ${this.version} destination carries one connection per service; ` +
          `the new connection from ${peer} replaces the open one`,
      );
      this.mux.dropStream(channel);
    }
    // Stream ids only grow, so stale frames of an earlier stream can never match.
    const streamId = (channel.lastStreamId = nextStreamId(channel.lastStreamId));
    const connectionId = this.version === 'V3' ? 1 : 0;
    channel.lastConnectionId = Math.max(channel.lastConnectionId, connectionId);
    channel.activeStreamId = streamId;
    channel.streamsStarted++;
    this.mux.sendControl(MessageType.STREAM_START, channel, streamId, connectionId);
    this.mux.addConnection(channel, socket, streamId, connectionId, peer, false);
    this.log.debug(`${channel.serviceId}: stream ${streamId} started for ${peer}`);
  }

  private async applyServiceIds(serviceIds: string[]): Promise<void> {
    const configured = [...this.mux.channels.keys()];
    this.peerServices = serviceIds;
    this.session.events.onServiceIds?.(serviceIds);
    this.log.info(`the tunnel's services: ${serviceIds.length ? serviceIds.join(', ') : '(none)'}`);
    const bare = configured.length === 1 && configured[0] === '';
    if (bare) {
      if (serviceIds.length > 1) {
        // A bare port serves one service: every one of them needs its own mapping.
        throw servicesMismatch(serviceIds, serviceIds);
      }
      if (serviceIds.length === 1) this.renameChannel('', serviceIds[0]!);
    } else if (serviceIds.length > 0 && configured.length > 0) {
      const missing = serviceIds.filter((id) => !this.mux.channels.has(id));
      const unknown = configured.filter((id) => !serviceIds.includes(id));
      if (unknown.length > 0) {
        throw servicesMismatch(serviceIds, missing, unknown);
      }
      if (
        missing.length > 0 &&
        this.config.mappings.mode === 'source' &&
        this.config.mappings.ports.size > 0
      ) {
        // Like the reference: mappings given on the command line must name every service.
        throw servicesMismatch(serviceIds, missing);
      }
    }
    const missing = serviceIds.filter((id) => !this.mux.channels.has(id));
    if (
      missing.length > 0 &&
      this.config.mappings.mode === 'source' &&
      this.config.mappings.stdio !== undefined
    ) {
      // A stdio binding carries one service; the others get no port (nothing asked for one).
      this.log.info(
        `not carried (only ${this.config.mappings.stdio} is bound to stdio): ${missing.join(', ')}`,
      );
    } else if (missing.length > 0) {
      const fromFiles = readMappingFiles(this.config.mappingFiles, missing, 'source') as Map<
        string,
        number
      >;
      for (const id of missing) await this.ports.open(id, fromFiles.get(id) ?? 0);
    }
    if (serviceIds.length === 0 && this.mux.channels.size === 0) await this.ports.open('', 0);
    this.ports.ready();
  }

  private renameChannel(from: string, to: string): void {
    const channel = this.mux.channels.get(from);
    if (!channel) return;
    this.mux.channels.delete(from);
    channel.rename(to, this.version !== 'V1');
    this.mux.channels.set(to, channel);
  }
}
