/**
 * The multiplexer both ends share: it routes tunnel messages to local connections, turns
 * local bytes into DATA frames, sends the resets a local end calls for, and applies
 * backpressure both ways. It talks to the tunnel through a TunnelLink, and asks its role's
 * RolePolicy (SourcePolicy, DestinationPolicy) what streams starting and ending mean.
 *
 * Backpressure: a local socket stops being read when its own send queue is full, and reads
 * again as it drains (the writer's fair order; in arrival order every socket stops while the
 * one shared queue is over its mark). When a local socket cannot take what the
 * tunnel delivers, reading from the tunnel pauses, since the protocol has no per-stream
 * window; a per-connection buffer (maxWriteBufferBytes) keeps that to slow sockets only,
 * and the ReceiveGuard resets a socket that keeps the tunnel paused too long or holds too
 * much (limits.ts), so that one stalled client cannot stall every other connection.
 */
import type { Socket } from 'node:net';
import { LogLevel, type Logger } from '../log/logger.js';
import { encodeFrame, describeMessage, type TunnelMessage } from '../protocol/message.js';
import { ProtocolError } from '../protocol/errors.js';
import { MAX_PAYLOAD_BYTES, MessageType } from '../protocol/wire.js';
import { newCounters, RateMeter, type Counters } from '../stats/counters.js';
import type { ConnectionSnapshot, ServiceSnapshot, TunnelSnapshot } from '../stats/snapshot.js';
import { LocalConnection, type LocalConnectionHooks } from './local-connection.js';
import { DEFAULT_RESOURCE_LIMITS, type ResourceLimitError, type ResourceLimits } from './limits.js';
import { ReceiveGuard } from './receive-guard.js';
import type { RolePolicy } from './role-policy.js';
import type { ServiceChannel } from './service-channel.js';
import type { TunnelLink } from './tunnel-link.js';
import { DEFAULT_WRITER_OPTIONS, TunnelWriter, type TunnelWriterOptions } from './tunnel-writer.js';

/** The send side's (TunnelWriter) and the receive side's (limits.ts) limits. */
export interface MuxLimits extends TunnelWriterOptions, ResourceLimits {}

export const DEFAULT_MUX_LIMITS: MuxLimits = {
  ...DEFAULT_WRITER_OPTIONS,
  ...DEFAULT_RESOURCE_LIMITS,
};

/** The multiplexer's part of a TunnelSnapshot: services, receive path, counters and rates. */
export type MuxSnapshot = Omit<
  TunnelSnapshot,
  'at' | 'mode' | 'state' | 'latencyMs' | 'reconnects'
>;

export class TunnelMux<P extends RolePolicy = RolePolicy> implements LocalConnectionHooks {
  /** The services, by service id ('' for a bare mapping that has not learnt its name). */
  readonly channels = new Map<string, ServiceChannel>();
  readonly counters: Counters = newCounters();
  /** What the role decides: made last in the constructor, from the finished multiplexer. */
  readonly policy: P;
  private readonly writer: TunnelWriter<LocalConnection>;
  /** The open tunnel, or nothing while disconnected. */
  private currentLink: TunnelLink | undefined;
  private readonly receiveGuard: ReceiveGuard<LocalConnection>;
  /** DATA bytes dropped because their stream or connection is gone (stale). */
  private staleBytesDropped = 0;
  private readingPaused = false;
  private readonly rates = new RateMeter();

  constructor(
    readonly log: Logger,
    readonly limits: MuxLimits,
    policyOf: (mux: TunnelMux<P>) => P,
  ) {
    this.writer = new TunnelWriter<LocalConnection>(limits);
    // Arrival order: the tunnel drained, every socket reads again. Fair order: one did.
    this.writer.onDrain = () => this.resumeLocalReading();
    this.writer.onFlowResume = (connection) => this.resumeFlowReading(connection);
    this.receiveGuard = new ReceiveGuard(limits, {
      setTunnelPaused: (paused) => this.setTunnelReading(paused),
      othersOnTunnel: () => this.connectionCount() - 1,
      reset: (connection, error) => this.resetForLimit(connection, error),
    });
    this.policy = policyOf(this);
  }

  /** The open tunnel, if any. */
  get link(): TunnelLink | undefined {
    return this.currentLink;
  }

  /** The tunnel is open: frames go to it from now on. */
  attach(link: TunnelLink): void {
    this.currentLink = link;
    this.unnamedPeerSeen = false;
    this.readingPaused = false;
    this.writer.attach(link);
  }

  /** The tunnel is gone: every stream died with it. Listeners stay; connections close. */
  detach(): void {
    this.currentLink = undefined;
    this.writer.detach();
    for (const channel of this.channels.values()) this.dropStream(channel);
    this.receiveGuard.clear();
    this.readingPaused = false;
  }

  /**
   * Handles one message from the service. Throws ProtocolError for what must close the
   * WebSocket. `release` (see TunnelConnectionHandler) is called once the payload is written.
   */
  handleMessage(message: TunnelMessage, release?: () => void): void {
    if (this.log.enabled(LogLevel.Trace)) this.log.trace(`received ${describeMessage(message)}`);
    this.counters.framesIn++;
    if (message.type === MessageType.DATA) return this.onData(message, release);
    release?.(); // nothing below reads the payload
    switch (message.type) {
      case MessageType.STREAM_RESET:
        return this.onStreamReset(message);
      case MessageType.CONNECTION_RESET:
        return this.onConnectionReset(message);
      case MessageType.SESSION_RESET:
        this.log.info('the service reset the session: closing every connection');
        for (const channel of this.channels.values()) this.endStreamByPeer(channel);
        return;
      case MessageType.SERVICE_IDS:
        return this.policy.onServiceIds(message.availableServiceIds);
      case MessageType.STREAM_START:
        return this.policy.onStreamStart(message);
      case MessageType.CONNECTION_START:
        return this.policy.onConnectionStart(message);
      default:
        throw new ProtocolError('unknown-type', `unexpected message type ${message.type}`);
    }
  }

  /** The channel a message belongs to: by service id, or the only one for V1 peers (no id). */
  channelFor(serviceId: string): ServiceChannel | undefined {
    const channel = this.channels.get(serviceId);
    if (channel) return channel;
    if (this.channels.size !== 1) return undefined;
    // One service: a V1 peer sends no service id, and a bare mapping ('') serves any name.
    const only = this.channels.values().next().value!;
    return serviceId === '' || only.serviceId === '' ? only : undefined;
  }

  /** Carries a local socket as a connection of the channel's stream. */
  addConnection(
    channel: ServiceChannel,
    socket: Socket,
    streamId: number,
    connectionId: number,
    peer: string,
    connecting: boolean,
  ): LocalConnection {
    const connection = new LocalConnection(
      socket,
      channel,
      streamId,
      connectionId,
      peer,
      this,
      connecting,
    );
    channel.connections.set(connectionId, connection);
    channel.connectionsOpened++;
    if (this.writer.congested) connection.pauseReading();
    return connection;
  }

  // ---- LocalConnectionHooks -------------------------------------------------------------

  onLocalData(connection: LocalConnection, chunk: Buffer): void {
    if (!this.isCurrent(connection)) return;
    const frames = Math.ceil(chunk.length / MAX_PAYLOAD_BYTES);
    connection.counters.framesOut += frames;
    connection.channel.counters.bytesOut += chunk.length;
    connection.channel.counters.framesOut += frames;
    this.counters.bytesOut += chunk.length;
    this.counters.framesOut += frames;
    // Fair order: only this connection stops when its own queue is full. Arrival order:
    // every connection stops while the one shared queue is over its high-water mark.
    if (!this.writer.sendData(connection, chunk)) connection.pauseReading();
    if (this.writer.congested) this.pauseLocalReading();
  }

  onLocalEnd(connection: LocalConnection, error: Error | undefined): void {
    const channel = connection.channel;
    if (channel.connections.get(connection.connectionId) !== connection) return;
    channel.connections.delete(connection.connectionId);
    this.receiveGuard.forget(connection);
    if (error && (error as NodeJS.ErrnoException).code !== 'ECONNRESET') {
      this.log.debug(`connection ${connection.key} failed: ${error.message}`);
    } else {
      this.log.debug(`connection ${connection.key} closed by the local side`);
    }
    if (channel.activeStreamId !== connection.streamId || !this.currentLink) return;
    this.policy.onLocalConnectionEnded(connection, error);
  }

  onWriteBuffered(connection: LocalConnection): void {
    if (this.isCurrent(connection)) this.receiveGuard.update(connection);
  }

  // ---- sending control frames -----------------------------------------------------------

  /** Sends a control frame (STREAM_START, CONNECTION_START, a reset) about the channel. */
  sendControl(
    type: MessageType,
    channel: ServiceChannel,
    streamId: number,
    connectionId = 0,
  ): void {
    const message = {
      type,
      streamId,
      serviceId: channel.wireServiceId.toString('utf8'),
      connectionId,
    };
    if (this.log.enabled(LogLevel.Trace)) {
      this.log.trace(
        `sending ${MessageType[type]} stream=${streamId} connection=${connectionId} service=${message.serviceId}`,
      );
    }
    this.counters.framesOut++;
    const frame = encodeFrame(message);
    switch (type) {
      case MessageType.STREAM_START:
      case MessageType.STREAM_RESET:
        // Whatever the service's connections still have queued goes first: a new stream,
        // or the stream's end, must not overtake the last bytes of the one before.
        return this.writer.sendStreamFrame(channel, frame);
      case MessageType.CONNECTION_RESET:
        // After the connection's own last bytes, ahead of everyone else's data.
        return this.writer.sendConnectionEnd(channel, streamId, connectionId, frame);
      default:
        return this.writer.sendFrame(frame);
    }
  }

  /** Tells the peer that this connection has ended (CONNECTION_RESET), after its last bytes. */
  sendConnectionReset(connection: LocalConnection): void {
    this.sendControl(
      MessageType.CONNECTION_RESET,
      connection.channel,
      connection.streamId,
      connection.connectionId,
    );
  }

  /** Ends every connection of the channel's stream, flushing what they have, and forgets the stream. */
  endStream(channel: ServiceChannel): void {
    if (channel.activeStreamId !== 0) this.policy.onStreamEnding?.(channel);
    channel.activeStreamId = 0;
    for (const connection of channel.connections.values()) {
      // What it holds is still written out (end() flushes), but no longer holds the tunnel:
      // endFromTunnel destroys it after a while if its peer never reads.
      this.receiveGuard.forget(connection);
      connection.endFromTunnel();
    }
    channel.connections.clear();
  }

  /** Drops every connection at once: the tunnel they used is gone. */
  dropStream(channel: ServiceChannel): void {
    channel.activeStreamId = 0;
    for (const connection of channel.connections.values()) {
      this.receiveGuard.forget(connection);
      connection.abort();
    }
    channel.connections.clear();
  }

  // ---- receiving ------------------------------------------------------------------------

  /** Whether a stream message without a service id came on this link (a V1 peer). */
  private unnamedPeerSeen = false;

  /** Tells the role, once per link, that the peer sends no service ids. */
  private noticeUnnamed(message: TunnelMessage): void {
    if (message.serviceId !== '' || this.unnamedPeerSeen) return;
    this.unnamedPeerSeen = true;
    this.policy.onUnnamedPeerMessage?.(message);
  }

  private onData(message: TunnelMessage, release: (() => void) | undefined): void {
    if (message.serviceId === '') this.noticeUnnamed(message);
    const channel = this.channelFor(message.serviceId);
    if (!channel || message.streamId !== channel.activeStreamId) {
      release?.();
      this.staleBytesDropped += message.payload.length;
      this.log.trace(`dropped stale DATA for stream ${message.streamId} of "${message.serviceId}"`);
      return;
    }
    const connection =
      channel.connections.get(message.connectionId) ??
      this.onlyConnection(channel, message.connectionId);
    if (!connection) {
      release?.();
      this.staleBytesDropped += message.payload.length;
      this.log.trace(
        `dropped DATA for closed connection ${message.connectionId} of "${channel.serviceId}"`,
      );
      return;
    }
    const length = message.payload.length;
    channel.counters.bytesIn += length;
    channel.counters.framesIn++;
    this.counters.bytesIn += length;
    connection.deliver(message.payload, release);
  }

  /** A peer that sends no connection id (V2) or id 1 for a lone connection (V3 reading a V2 stream). */
  private onlyConnection(
    channel: ServiceChannel,
    connectionId: number,
  ): LocalConnection | undefined {
    if (connectionId > 1 || channel.connections.size !== 1) return undefined;
    const only = channel.connections.values().next().value!;
    return only.connectionId === 0 || connectionId === 0 ? only : undefined;
  }

  private onStreamReset(message: TunnelMessage): void {
    this.noticeUnnamed(message);
    const channel = this.channelFor(message.serviceId);
    if (!channel || channel.activeStreamId === 0 || message.streamId !== channel.activeStreamId)
      return;
    this.log.debug(`stream ${message.streamId} of "${channel.serviceId}" reset by the peer`);
    this.endStreamByPeer(channel);
  }

  /**
   * The peer ended the stream: what we still queue for its connections would reach it stale
   * and be dropped there, so it is dropped here and the link carries what still counts.
   */
  private endStreamByPeer(channel: ServiceChannel): void {
    for (const connection of channel.connections.values()) this.writer.discardFlow(connection);
    this.endStream(channel);
  }

  private onConnectionReset(message: TunnelMessage): void {
    const channel = this.channelFor(message.serviceId);
    if (!channel || message.streamId !== channel.activeStreamId) return;
    const connection =
      channel.connections.get(message.connectionId) ??
      this.onlyConnection(channel, message.connectionId);
    if (!connection) return;
    channel.connections.delete(connection.connectionId);
    this.receiveGuard.forget(connection);
    // Its queued bytes would arrive for a connection the peer has closed: drop them here.
    this.writer.discardFlow(connection);
    connection.endFromTunnel();
  }

  // ---- backpressure -----------------------------------------------------------------------

  private isCurrent(connection: LocalConnection): boolean {
    return connection.channel.connections.get(connection.connectionId) === connection;
  }

  private pauseLocalReading(): void {
    for (const channel of this.channels.values()) {
      for (const connection of channel.connections.values()) connection.pauseReading();
    }
  }

  private resumeLocalReading(): void {
    for (const channel of this.channels.values()) {
      for (const connection of channel.connections.values()) connection.resumeReading();
    }
  }

  /** Fair order: this connection's send queue drained below its low-water mark. */
  private resumeFlowReading(connection: LocalConnection): void {
    if (this.isCurrent(connection)) connection.resumeReading();
  }

  /** The ReceiveGuard's decision: stop reading the tunnel (a local socket is full) or resume. */
  private setTunnelReading(paused: boolean): void {
    if (paused === this.readingPaused) return;
    this.readingPaused = paused;
    const link = this.currentLink;
    if (!link) return;
    if (paused) link.pauseReading();
    else link.resumeReading();
  }

  /**
   * A connection broke a receive limit: reset it (its socket is cut off and the peer gets
   * the reset, as for any local end), so that its memory is freed and the tunnel goes on.
   */
  private resetForLimit(connection: LocalConnection, error: ResourceLimitError): void {
    this.log.warn(
      `connection ${connection.key} (${connection.peer}) reset: ${error.message}; the rest of the tunnel goes on`,
    );
    connection.fail(error);
  }

  /** Local connections on the tunnel now, every service together. */
  private connectionCount(): number {
    let count = 0;
    for (const channel of this.channels.values()) count += channel.connections.size;
    return count;
  }

  // ---- stats --------------------------------------------------------------------------------

  /** Services, connections, the receive path and the tunnel's counters, with rates since the previous call. */
  snapshot(now: number): MuxSnapshot {
    return {
      services: this.serviceSnapshots(now),
      receive: { ...this.receiveGuard.snapshot(), staleBytesDropped: this.staleBytesDropped },
      ...this.counters,
      ...this.rates.rate('tunnel', this.counters, now),
    };
  }

  /** Per-service and per-connection figures, with rates since the previous call. */
  private serviceSnapshots(now: number): ServiceSnapshot[] {
    const seen = new Set<string>();
    const services = [...this.channels.values()].map((channel): ServiceSnapshot => {
      const serviceKey = `service:${channel.serviceId}`;
      seen.add(serviceKey);
      const connections = [...channel.connections.values()].map(
        (connection): ConnectionSnapshot => {
          const key = `connection:${connection.key}`;
          seen.add(key);
          return {
            key: connection.key,
            serviceId: channel.serviceId,
            streamId: connection.streamId,
            connectionId: connection.connectionId,
            state: connection.state,
            openedAt: connection.openedAt,
            peer: connection.peer,
            bufferedBytes: connection.bufferedBytes,
            ...connection.counters,
            ...this.rates.rate(key, connection.counters, now),
          };
        },
      );
      return {
        serviceId: channel.serviceId,
        local: channel.local,
        activeStreamId: channel.activeStreamId,
        streamsStarted: channel.streamsStarted,
        connectionsOpened: channel.connectionsOpened,
        connections,
        ...channel.counters,
        ...this.rates.rate(serviceKey, channel.counters, now),
      };
    });
    seen.add('tunnel');
    this.rates.retain(seen);
    return services;
  }
}
