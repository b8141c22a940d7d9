/**
 * One tunnel inside the local service: its two access tokens, the peer connected on each
 * side, and the relay between them. Token rules follow the guide: a token used without a
 * client token is spent by its first handshake; one used with a client token stays bound to
 * it, and a reconnect with the same pair replaces the connected peer.
 */
import type WebSocket from 'ws';
import type { Logger } from '../log/logger.js';
import { encodeFrame, type TunnelMessage } from '../protocol/message.js';
import { MessageType, type ProtocolVersion, type ProxyMode } from '../protocol/wire.js';
import type { HandshakeRejection, HandshakeRequest } from './handshake.js';
import { CLOSE_NORMAL, PeerLink, type PeerLinkHooks } from './peer-link.js';

/** A tunnel as OpenTunnel (or `--tunnel ID:SRC:DST:SERVICES`) defines it. */
export interface TunnelSpec {
  readonly id: string;
  /** Secret. */
  readonly sourceToken: string;
  /** Secret. */
  readonly destinationToken: string;
  /** Service ids; empty for a tunnel of one unnamed (V1) service. */
  readonly services: readonly string[];
}

/** One side of a tunnel, as DescribeTunnel shows it. */
export interface SideDescription {
  readonly connected: boolean;
  readonly version?: ProtocolVersion;
  readonly channelId?: string;
  readonly connectedAt?: number;
  /** Connections accepted on this side so far (a reconnect counts). */
  readonly connections: number;
  /** Bytes relayed to this side's peer and not yet written to its socket. */
  readonly bufferedBytes: number;
}

export interface TunnelDescription {
  readonly id: string;
  readonly services: readonly string[];
  readonly status: 'OPEN' | 'CLOSED';
  readonly source: SideDescription;
  readonly destination: SideDescription;
  /** Bytes relayed each way, and bytes dropped because the other side was absent. */
  readonly bytesToDestination: number;
  readonly bytesToSource: number;
  readonly bytesDropped: number;
}

export interface ServiceTunnelOptions {
  logger: Logger;
  rechunkSeed?: number;
  /** The bandwidth cap per direction, bytes per second (none when absent). */
  rateBytesPerSecond?: number;
  highWaterBytes: number;
  lowWaterBytes: number;
}

interface Side {
  readonly mode: ProxyMode;
  /** Replaced by rotate(); the spec keeps the first one. */
  token: string;
  /** The client token this side's access token is bound to. */
  clientToken: string | undefined;
  /** Used by a handshake without a client token: no further handshake may use it. */
  spent: boolean;
  peer: PeerLink | undefined;
  connections: number;
}

export class ServiceTunnel implements PeerLinkHooks {
  private readonly sides: Record<ProxyMode, Side>;
  private readonly serviceSet: ReadonlySet<string>;
  /** The active stream of each service, as the source started it. */
  private readonly activeStreams = new Map<string, number>();
  private closed = false;
  private relayed = { toDestination: 0, toSource: 0, dropped: 0 };
  private readonly log: Logger;

  constructor(
    readonly spec: TunnelSpec,
    private readonly options: ServiceTunnelOptions,
  ) {
    this.serviceSet = new Set(spec.services);
    this.log = options.logger.child(spec.id);
    const side = (mode: ProxyMode, token: string): Side => ({
      mode,
      token,
      clientToken: undefined,
      spent: false,
      peer: undefined,
      connections: 0,
    });
    this.sides = {
      source: side('source', spec.sourceToken),
      destination: side('destination', spec.destinationToken),
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The side an access token opens, if any. */
  sideOf(token: string): ProxyMode | undefined {
    if (token === this.sides.source.token) return 'source';
    if (token === this.sides.destination.token) return 'destination';
    return undefined;
  }

  /** The client token bound on a side, if any (the registry keeps them unique). */
  boundClientToken(mode: ProxyMode): string | undefined {
    return this.sides[mode].clientToken;
  }

  /** Whether a handshake with this token may join; a 403 that says why when not. */
  admit(request: HandshakeRequest, mode: ProxyMode): HandshakeRejection | undefined {
    const side = this.sides[mode];
    if (this.closed) return { status: 403, message: 'the tunnel is closed' };
    if (request.mode !== mode) {
      return {
        status: 403,
        message: `the access token is for the ${mode} side, but local-proxy-mode is ${request.mode}`,
      };
    }
    if (side.spent) {
      return {
        status: 403,
        message:
          'the access token was already used by a handshake without a client token, which spends it',
      };
    }
    if (side.clientToken !== undefined && request.clientToken !== side.clientToken) {
      return {
        status: 403,
        message:
          request.clientToken === undefined
            ? 'the access token is bound to a client token: reconnect with the same client-token header'
            : 'the access token is bound to another client token',
      };
    }
    return undefined;
  }

  /** A peer passed the handshake: it becomes the side's peer, replacing any earlier one. */
  join(ws: WebSocket, request: HandshakeRequest, mode: ProxyMode, channelId: string): PeerLink {
    const side = this.sides[mode];
    if (request.clientToken === undefined) side.spent = true;
    else side.clientToken = request.clientToken;
    const previous = side.peer;
    const link = new PeerLink(
      ws,
      {
        mode,
        version: request.version,
        channelId,
        services: this.serviceSet,
        rechunkSeed: this.options.rechunkSeed,
        readBytesPerSecond: this.options.rateBytesPerSecond,
        highWaterBytes: this.options.highWaterBytes,
        lowWaterBytes: this.options.lowWaterBytes,
      },
      this,
    );
    side.peer = link;
    side.connections++;
    if (previous) {
      this.log.info(`${mode} replaced by a new connection with the same tokens`);
      previous.close(CLOSE_NORMAL, 'replaced by a new connection with the same tokens');
      this.endStreams(mode);
      // The other peer may have been paused because `previous` stopped reading; no drain
      // will ever come from it now, so the new connection starts with the other side reading.
      this.other(mode).peer?.resumeReading();
    }
    this.log.info(`${mode} connected (${request.version}, channel-id ${channelId})`);
    // V2 and V3 peers learn the tunnel's services first; V1 knows no service ids.
    if (request.version !== 'V1') {
      link.send(
        encodeFrame({
          type: MessageType.SERVICE_IDS,
          availableServiceIds: [...this.spec.services],
        }),
      );
    }
    return link;
  }

  /**
   * RotateTunnelAccessToken: the side's token is replaced, unbound and unspent; a peer
   * connected with the old one is disconnected, as a revoked token must not keep a link.
   * Returns the old token.
   */
  rotate(mode: ProxyMode, token: string): string {
    const side = this.sides[mode];
    const old = side.token;
    side.token = token;
    side.spent = false;
    side.clientToken = undefined;
    side.peer?.close(CLOSE_NORMAL, 'the access token was rotated');
    return old;
  }

  /** Closes the tunnel for good: both peers are disconnected and the tokens stop working. */
  close(reason = 'the tunnel was closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.log.info(`closed: ${reason}`);
    for (const side of Object.values(this.sides)) side.peer?.close(CLOSE_NORMAL, reason);
  }

  /** Disconnects both peers (the service is stopping or dying); the tunnel stays open. */
  disconnectAll(code: number, reason: string, abrupt: boolean): void {
    for (const side of Object.values(this.sides)) {
      if (abrupt) side.peer?.terminate(reason);
      else side.peer?.close(code, reason);
    }
  }

  describe(): TunnelDescription {
    const side = (s: Side): SideDescription =>
      s.peer?.isOpen
        ? {
            connected: true,
            version: s.peer.options.version,
            channelId: s.peer.options.channelId,
            connectedAt: s.peer.connectedAt,
            connections: s.connections,
            bufferedBytes: s.peer.inflightBytes,
          }
        : { connected: false, connections: s.connections, bufferedBytes: 0 };
    return {
      id: this.spec.id,
      services: [...this.spec.services],
      status: this.closed ? 'CLOSED' : 'OPEN',
      source: side(this.sides.source),
      destination: side(this.sides.destination),
      bytesToDestination: this.relayed.toDestination,
      bytesToSource: this.relayed.toSource,
      bytesDropped: this.relayed.dropped,
    };
  }

  // ---- PeerLinkHooks --------------------------------------------------------------------

  onMessage(link: PeerLink, message: TunnelMessage): void {
    if (!this.isCurrent(link)) return;
    const other = this.connectedPeer(this.other(link.mode));
    switch (message.type) {
      case MessageType.STREAM_START:
        this.activeStreams.set(message.serviceId, message.streamId);
        if (!other) {
          // Nobody to connect to: answer at once rather than let the client hang.
          this.log.info(
            `no destination connected: resetting stream ${message.streamId} of ${message.serviceId || 'the service'}`,
          );
          this.activeStreams.delete(message.serviceId);
          link.send(
            encodeFrame({
              type: MessageType.STREAM_RESET,
              streamId: message.streamId,
              serviceId: message.serviceId,
            }),
          );
        }
        return;
      case MessageType.CONNECTION_START:
        if (!other) {
          link.send(
            encodeFrame({
              type: MessageType.CONNECTION_RESET,
              streamId: message.streamId,
              serviceId: message.serviceId,
              connectionId: message.connectionId,
            }),
          );
        }
        return;
      case MessageType.STREAM_RESET:
        if (this.activeStreams.get(message.serviceId) === message.streamId) {
          this.activeStreams.delete(message.serviceId);
        }
        return;
      default:
        return;
    }
  }

  onFrames(link: PeerLink, frames: Buffer): void {
    if (!this.isCurrent(link)) return;
    const other = this.connectedPeer(this.other(link.mode));
    if (!other) {
      this.relayed.dropped += frames.length;
      return;
    }
    if (link.mode === 'source') this.relayed.toDestination += frames.length;
    else this.relayed.toSource += frames.length;
    other.send(frames);
    // The receiver cannot keep up: stop reading the sender until it drains (TCP backpressure).
    if (other.isCongested) link.pauseReading();
  }

  onDrain(link: PeerLink): void {
    if (!this.isCurrent(link)) return;
    this.other(link.mode).peer?.resumeReading();
  }

  onClose(link: PeerLink, reason: string): void {
    const side = this.sides[link.mode];
    if (side.peer !== link) return; // replaced: its successor is the side now
    side.peer = undefined;
    this.log.info(`${link.mode} disconnected: ${reason}`);
    this.endStreams(link.mode);
    this.other(link.mode).peer?.resumeReading();
  }

  // ---- helpers --------------------------------------------------------------------------

  private isCurrent(link: PeerLink): boolean {
    return this.sides[link.mode].peer === link;
  }

  /**
   * The side's peer if it can still receive. One the service is closing (its close
   * handshake can take a while) counts as absent: what would be sent to it is lost.
   */
  private connectedPeer(side: Side): PeerLink | undefined {
    return side.peer?.isOpen ? side.peer : undefined;
  }

  private other(mode: ProxyMode): Side {
    return this.sides[mode === 'source' ? 'destination' : 'source'];
  }

  /**
   * The peer on `gone` lost its connection: its streams are dead. Tell the other peer with a
   * STREAM_RESET for each active stream (the guide's "tunnel peer is replaced" case), so that
   * its local connections close instead of waiting forever.
   */
  private endStreams(gone: ProxyMode): void {
    const other = this.other(gone).peer;
    for (const [serviceId, streamId] of this.activeStreams) {
      other?.send(encodeFrame({ type: MessageType.STREAM_RESET, streamId, serviceId }));
    }
    this.activeStreams.clear();
  }
}
