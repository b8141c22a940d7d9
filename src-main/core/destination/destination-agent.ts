/**
 * Destination mode: the device's side. Each STREAM_START or CONNECTION_START becomes a
 * connection to the service's mapped target (host:port or Unix socket); a target that
 * refuses is answered with the reset the guide prescribes. Accepts V1, V2 and V3 sources:
 * the format of each stream follows its STREAM_START (no service id: V1; no connection id: V2).
 */
import net from 'node:net';
import { logConnection } from '../log/connection-log.js';
import type { DestinationTarget, ProxyConfig } from '../config/proxy-config.js';
import { causeOf, servicesMismatch, type LocalCloseBy } from '../tunnel/close-cause.js';
import { readMappingFiles } from '../config/mapping-files.js';
import type { Logger } from '../log/logger.js';
import type { TunnelMessage } from '../protocol/message.js';
import { MAX_PAYLOAD_BYTES, MessageType } from '../protocol/wire.js';
import type { TunnelSnapshot } from '../stats/snapshot.js';
import type { TunnelMux } from '../mux/tunnel-mux.js';
import type { LocalConnection } from '../mux/local-connection.js';
import type { RolePolicy } from '../mux/role-policy.js';
import { ServiceChannel } from '../mux/service-channel.js';
import { ResourceLimitError } from '../mux/limits.js';
import { RefusalLog } from '../mux/refusal-log.js';
import { ProxySession, type ProxyRuntimeOptions } from '../proxy/proxy-session.js';

/** Where every target connection's reads land; read handlers copy out before returning. */
const readBuffer = Buffer.allocUnsafe(MAX_PAYLOAD_BYTES);

export function describeTarget(target: DestinationTarget): string {
  return target.kind === 'unix'
    ? target.path
    : `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

export class DestinationAgent {
  private readonly session: ProxySession<DestinationPolicy>;

  constructor(config: ProxyConfig, runtime: ProxyRuntimeOptions) {
    if (config.mappings.mode !== 'destination')
      throw new Error('DestinationAgent needs a destination configuration');
    this.session = new ProxySession(config, runtime, {
      mode: 'destination',
      // The destination offers V3; the format of each stream follows its source.
      version: 'V3',
      policy: (mux, session) => new DestinationPolicy(mux, session, config),
    });
  }

  async start(): Promise<void> {
    this.session.start();
  }

  close(by?: LocalCloseBy): Promise<void> {
    return this.session.close(by);
  }

  reconnectNow(): void {
    this.session.reconnectNow();
  }

  snapshot(now = Date.now()): TunnelSnapshot {
    return this.session.snapshot(now);
  }
}

/**
 * What the destination decides: a STREAM_START or CONNECTION_START becomes a connection to
 * the service's target, a target that ends (or refuses) is answered with its reset, and
 * SERVICE_IDS names the services, whose targets come from the mappings or --config-dir.
 */
export class DestinationPolicy implements RolePolicy {
  private readonly targets = new Map<string, DestinationTarget>();
  private readonly log: Logger;
  private readonly refusals: RefusalLog;
  /** The last streams each service ended here: a late CONNECTION_START for one stays refused. */
  private readonly endedStreams = new Map<ServiceChannel, Set<number>>();

  constructor(
    private readonly mux: TunnelMux,
    private readonly session: ProxySession,
    private readonly config: ProxyConfig,
  ) {
    this.log = mux.log;
    this.refusals = new RefusalLog(this.log);
    if (config.mappings.mode !== 'destination') return;
    for (const [serviceId, target] of config.mappings.targets) this.addService(serviceId, target);
  }

  private addService(serviceId: string, target: DestinationTarget): void {
    this.targets.set(serviceId, target);
    this.mux.channels.set(serviceId, new ServiceChannel(serviceId, describeTarget(target), true));
  }

  onServiceIds(received: readonly string[]): void {
    const serviceIds = [...new Set(received)];
    this.log.info(`the tunnel's services: ${serviceIds.length ? serviceIds.join(', ') : '(none)'}`);
    try {
      this.applyServiceIds(serviceIds);
      const list = [...this.mux.channels.values()].map(
        (c) => `${c.serviceId || 'service'} -> ${c.local}`,
      );
      this.log.info(`ready: ${list.join(', ')}`);
      this.session.events.onReady?.([]);
    } catch (error) {
      void this.session.fail(causeOf(error));
    }
  }

  private applyServiceIds(serviceIds: string[]): void {
    const configured = [...this.targets.keys()];
    if (configured.length === 1 && configured[0] === '') {
      if (serviceIds.length > 1) {
        // A bare target serves one service: every one of them needs its own mapping.
        throw servicesMismatch(serviceIds, serviceIds);
      }
      return;
    }
    const unknown = configured.filter((id) => !serviceIds.includes(id));
    if (unknown.length > 0 && serviceIds.length > 0) {
      throw servicesMismatch(
        serviceIds,
        serviceIds.filter((id) => !this.targets.has(id)),
        unknown,
      );
    }
    const missing = serviceIds.filter((id) => !this.targets.has(id));
    if (missing.length === 0) return;
    const fromFiles = readMappingFiles(this.config.mappingFiles, missing, 'destination') as Map<
      string,
      DestinationTarget
    >;
    const stillMissing = missing.filter((id) => !fromFiles.has(id));
    if (stillMissing.length > 0) {
      // A destination must know where each service goes.
      throw servicesMismatch(serviceIds, stillMissing);
    }
    for (const id of missing) this.addService(id, fromFiles.get(id)!);
  }

  onStreamStart(message: TunnelMessage): void {
    const channel = this.mux.channelFor(message.serviceId);
    if (!channel) {
      this.log.warn(`STREAM_START for unknown service "${message.serviceId}": resetting it`);
      this.replyReset(MessageType.STREAM_RESET, message);
      return;
    }
    if (channel.activeStreamId !== 0) {
      // A new stream replaces the active one: its connections are over.
      this.log.debug(
        `${channel.serviceId}: stream ${message.streamId} replaces stream ${channel.activeStreamId}`,
      );
      this.mux.endStream(channel);
    }
    // Answer in the format the source speaks: its service id (or none for V1).
    channel.wireServiceId = Buffer.from(message.serviceId, 'utf8');
    channel.activeStreamId = message.streamId;
    channel.streamsStarted++;
    this.connectTarget(channel, message.streamId, message.connectionId, true);
  }

  onConnectionStart(message: TunnelMessage): void {
    const channel = this.mux.channelFor(message.serviceId);
    if (
      channel &&
      channel.activeStreamId === 0 &&
      message.connectionId !== 0 &&
      !this.endedStreams.get(channel)?.has(message.streamId)
    ) {
      // A source can miss the reset of its stream (the reference source does, when the
      // service resets it while the device is away) and go on sending CONNECTION_START on
      // it. With no stream active here, take it as the stream's start, as the reference
      // destination does; a stream this side ended itself stays ended.
      this.log.debug(
        `${channel.serviceId}: CONNECTION_START for stream ${message.streamId} with none active: starting it`,
      );
      this.onStreamStart(message);
      return;
    }
    if (!channel || channel.activeStreamId === 0 || channel.activeStreamId !== message.streamId) {
      this.replyReset(MessageType.CONNECTION_RESET, message);
      return;
    }
    if (message.connectionId === 0 || channel.connections.has(message.connectionId)) {
      // The guide: a connection id that is already open is an error answered with a reset.
      this.log.warn(
        `${channel.serviceId}: CONNECTION_START for connection ${message.connectionId}, which is open or invalid`,
      );
      this.replyReset(MessageType.CONNECTION_RESET, message);
      return;
    }
    // (A STREAM_START never meets the limit: the stream it starts replaces the active one,
    // whose connections end.)
    const limit = this.mux.limits.maxConnectionsPerService;
    if (channel.connections.size >= limit) {
      const error = new ResourceLimitError(
        'too-many-connections',
        `${channel.serviceId || 'service'}: refused connection ${message.connectionId} of stream ${message.streamId}: ` +
          `${channel.connections.size} connections are open to ${channel.local}, the limit per service (${limit}); answering CONNECTION_RESET`,
      );
      this.refusals.refused(error.message);
      this.replyReset(MessageType.CONNECTION_RESET, message);
      return;
    }
    this.connectTarget(channel, message.streamId, message.connectionId, false);
  }

  onStreamEnding(channel: ServiceChannel): void {
    const ended = this.endedStreams.get(channel) ?? new Set<number>();
    ended.add(channel.activeStreamId);
    if (ended.size > 16) ended.delete(ended.values().next().value!);
    this.endedStreams.set(channel, ended);
  }

  onLocalConnectionEnded(connection: LocalConnection, error: Error | undefined): void {
    const channel = connection.channel;
    if (!connection.everConnected) {
      this.log.warn(
        `${channel.serviceId || 'service'}: cannot connect to ${channel.local}: ${error?.message ?? 'closed'}`,
      );
    }
    const resetsStream =
      connection.connectionId === 0 || (connection.opensStream && !connection.everConnected);
    if (resetsStream) {
      this.mux.sendControl(MessageType.STREAM_RESET, channel, connection.streamId);
      this.mux.endStream(channel);
    } else {
      this.mux.sendConnectionReset(connection);
    }
  }

  private connectTarget(
    channel: ServiceChannel,
    streamId: number,
    connectionId: number,
    opensStream: boolean,
  ): void {
    const target = this.targets.get(channel.serviceId) ?? this.targets.values().next().value!;
    // Reads land in one shared buffer that the writer copies from at once, so a busy target
    // costs no allocation (and no garbage collection) per read, and a read is at most one
    // full DATA payload, so frames come out whole rather than as 64,512 + 1,024 pairs.
    const onread = {
      buffer: readBuffer,
      // Reads start after the connect, when `connection` below is set.
      callback: (length: number): boolean => {
        connection.received(readBuffer.subarray(0, length));
        return true; // pausing is pauseReading()'s business
      },
    };
    const socket =
      target.kind === 'unix'
        ? net.connect({ path: target.path, onread })
        : net.connect({
            host: target.host,
            port: target.port,
            localAddress: this.config.bindAddress,
            noDelay: true,
            onread,
          });
    const connection = this.mux.addConnection(
      channel,
      socket,
      streamId,
      connectionId,
      describeTarget(target),
      true,
    );
    connection.opensStream = opensStream;
    this.log.debug(
      `${channel.serviceId || 'service'}: stream ${streamId} connection ${connectionId}`,
    );
    logConnection(
      this.log,
      channel.serviceId,
      connectionId,
      describeTarget(target),
      socket,
      'connecting',
    );
  }

  private replyReset(
    type: MessageType.STREAM_RESET | MessageType.CONNECTION_RESET,
    message: TunnelMessage,
  ): void {
    const channel = new ServiceChannel(message.serviceId, undefined, true);
    this.mux.sendControl(
      type,
      channel,
      message.streamId,
      type === MessageType.CONNECTION_RESET ? message.connectionId : 0,
    );
  }
}
