/**
 * The local tunnel service: a stand-in for the AWS IoT Secure Tunneling data plane, for
 * tests, benchmarks, demos and the app's sandbox. It serves `/tunnel` WebSocket upgrades
 * with the real service's checks, pairs one source and one destination per tunnel, and
 * relays their frames unchanged (optionally re-chunked at random WebSocket message sizes).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConfigError } from '../config/proxy-config.js';
import { MAX_SERVICE_ID_LENGTH, SERVICE_ID_PATTERN } from '../config/port-mapping.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { CHANNEL_ID_HEADER, MAX_WEBSOCKET_MESSAGE_BYTES } from '../protocol/wire.js';
import { selfSignedCertificate, type TlsMaterial } from './certificate.js';
import {
  MAX_HANDSHAKE_REQUEST_BYTES,
  readHandshake,
  type HandshakeRejection,
  type HandshakeRequest,
} from './handshake.js';
import { ManagementApi, type ManagementOptions } from './management/management-api.js';
import { CLOSE_GOING_AWAY } from './peer-link.js';
import { ServiceTunnel, type TunnelDescription, type TunnelSpec } from './service-tunnel.js';

export type { TunnelDescription, TunnelSpec } from './service-tunnel.js';

export interface TunnelServiceOptions {
  /** Listen address; 127.0.0.1 unless the user says otherwise. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** TLS with a self-signed certificate, with given PEM material, or plain ws://. */
  tls: 'self-signed' | 'plain' | TlsMaterial;
  tunnels?: readonly TunnelSpec[];
  /** Re-chunk relayed bytes at random WebSocket message sizes from this seed. */
  rechunk?: false | { seed: number };
  logger?: Logger;
  /** Per receiving peer: stop reading the sender above this many unwritten bytes. */
  highWaterBytes?: number;
  lowWaterBytes?: number;
  /** The management API served beside the data plane (region, account, things, quotas). */
  management?: ManagementOptions;
  /** Cap each direction of every tunnel at this many bytes per second, as AWS caps a tunnel. */
  rateBytesPerSecond?: number;
}

const HTTP_REASONS: Record<HandshakeRejection['status'], string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
};

/** A channel id in the shape AWS uses: hex groups of 16, 8, 8, 16 and 8 digits. */
function newChannelId(): string {
  const hex = randomBytes(28).toString('hex');
  return [
    hex.slice(0, 16),
    hex.slice(16, 24),
    hex.slice(24, 32),
    hex.slice(32, 48),
    hex.slice(48, 56),
  ].join('-');
}

/** Checks a tunnel definition; the message names what is wrong and what is allowed. */
export function validateTunnelSpec(spec: TunnelSpec, where?: string): void {
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(spec.id)) {
    throw new ConfigError(
      `tunnel id "${spec.id}" is invalid; use 1 to 128 letters, digits, ".", "_" or "-"`,
      where,
    );
  }
  for (const [token, side] of [
    [spec.sourceToken, 'source'],
    [spec.destinationToken, 'destination'],
  ] as const) {
    if (!/^[\x21-\x7e]{1,4096}$/.test(token)) {
      throw new ConfigError(
        `the ${side} token of tunnel ${spec.id} must be 1 to 4096 printable characters without spaces`,
        where,
      );
    }
  }
  if (spec.sourceToken === spec.destinationToken) {
    throw new ConfigError(`tunnel ${spec.id} has the same token for source and destination`, where);
  }
  const seen = new Set<string>();
  for (const service of spec.services) {
    if (!SERVICE_ID_PATTERN.test(service) || service.length > MAX_SERVICE_ID_LENGTH) {
      throw new ConfigError(
        `service id "${service}" of tunnel ${spec.id} is invalid; a service id is 1 to ${MAX_SERVICE_ID_LENGTH} letters, digits, "-" or "_"`,
        where,
      );
    }
    if (seen.has(service)) {
      throw new ConfigError(`tunnel ${spec.id} names service ${service} twice`, where);
    }
    seen.add(service);
  }
}

export class TunnelService {
  private server: http.Server | https.Server | undefined;
  private readonly wss: WebSocketServer;
  private readonly tunnels = new Map<string, ServiceTunnel>();
  /** Every access token of every tunnel, to find a handshake's tunnel. */
  private readonly byToken = new Map<string, ServiceTunnel>();
  private readonly sockets = new Set<Socket>();
  private readonly log: Logger;
  private boundPort = 0;
  private stopping = false;
  /** The AWS control-plane API on the same port: OpenTunnel, ListThings, failNext, ... */
  readonly management: ManagementApi;

  constructor(private readonly options: TunnelServiceOptions) {
    this.log = options.logger ?? silentLogger;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_WEBSOCKET_MESSAGE_BYTES,
      perMessageDeflate: false,
      // The subprotocol was chosen by readHandshake; the request carries it.
      handleProtocols: (_offered, request) => chosen.get(request)?.request.subprotocol ?? false,
    });
    this.wss.on('headers', (headers, request) => {
      const channelId = chosen.get(request)?.channelId;
      if (channelId) headers.push(`${CHANNEL_ID_HEADER}: ${channelId}`);
    });
    // A request our checks passed but ws cannot upgrade (a bad Sec-WebSocket-Key, a
    // subprotocol offered twice): answer it like every other refusal, with a channel-id.
    this.wss.on('wsClientError', (error: Error, socket: Socket, request: http.IncomingMessage) => {
      const channelId = chosen.get(request)?.channelId ?? newChannelId();
      chosen.delete(request);
      this.refuse(socket, { status: 400, message: error.message }, channelId);
    });
    for (const spec of options.tunnels ?? []) this.addTunnel(spec);
    this.management = new ManagementApi(this, this.log.child('management'), options.management);
  }

  /** The bound port (after start()). */
  get port(): number {
    return this.boundPort;
  }

  get secure(): boolean {
    return this.options.tls !== 'plain';
  }

  /** Where local proxies connect, e.g. wss://127.0.0.1:8443. */
  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `${this.secure ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${this.boundPort}`;
  }

  /** Where AWS SDK clients send management calls (their `endpoint`), e.g. https://127.0.0.1:8443. */
  get managementUrl(): string {
    return this.url.replace(/^ws/, 'http');
  }

  /** Starts listening. A port in use is a ConfigError that names it. */
  async start(): Promise<void> {
    if (this.server) return;
    const tls = this.options.tls;
    const material =
      tls === 'plain' ? undefined : tls === 'self-signed' ? await selfSignedCertificate() : tls;
    const server = material
      ? https.createServer({ cert: material.cert, key: material.key })
      : http.createServer();
    server.on('request', (request, response) => this.onRequest(request, response));
    server.on('upgrade', (request: http.IncomingMessage, socket: Socket, head: Buffer) =>
      this.onUpgrade(request, socket, head),
    );
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('secureConnection', (socket: Socket) => {
      socket.on('error', () => {});
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
      this.onClientError(error, socket),
    );
    server.on('tlsClientError', (error) =>
      this.log.debug(`TLS handshake failed: ${error.message}`),
    );
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(
          error.code === 'EADDRINUSE'
            ? new ConfigError(
                `port ${this.options.port} is already in use on ${host}; choose another, or 0 for a free one`,
                '--port',
              )
            : error.code === 'EADDRNOTAVAIL'
              ? new ConfigError(`${host} is not an address of this machine`, '--host')
              : error.code === 'ENOTFOUND'
                ? new ConfigError(`${host} does not resolve to an address`, '--host')
                : new ConfigError(
                    `cannot listen on ${host}:${this.options.port ?? 0}: ${error.message}`,
                    error.code === 'EACCES' ? '--port' : '--host',
                  ),
        );
      };
      server.once('error', onError);
      server.listen({ host, port: this.options.port ?? 0, exclusive: true }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.log.info(`listening on ${this.url}`);
  }

  /** Adds a tunnel; its tokens must be new to the service. */
  addTunnel(spec: TunnelSpec): void {
    validateTunnelSpec(spec);
    if (this.tunnels.has(spec.id)) throw new ConfigError(`tunnel ${spec.id} is defined twice`);
    for (const token of [spec.sourceToken, spec.destinationToken]) {
      if (this.byToken.has(token)) {
        throw new ConfigError(`tunnel ${spec.id} reuses an access token of another tunnel`);
      }
    }
    const tunnel = new ServiceTunnel(spec, {
      logger: this.log,
      rechunkSeed: this.options.rechunk ? this.options.rechunk.seed : undefined,
      rateBytesPerSecond: this.options.rateBytesPerSecond,
      highWaterBytes: this.options.highWaterBytes ?? 4 * 1024 * 1024,
      lowWaterBytes: this.options.lowWaterBytes ?? 1024 * 1024,
    });
    this.tunnels.set(spec.id, tunnel);
    this.byToken.set(spec.sourceToken, tunnel);
    this.byToken.set(spec.destinationToken, tunnel);
  }

  /** Closes a tunnel: both peers are disconnected and its tokens are refused from now on. */
  closeTunnel(id: string, reason?: string): void {
    this.tunnel(id).close(reason);
  }

  /** RotateTunnelAccessToken: one side gets a new token; the old one stops opening anything. */
  rotateAccessToken(id: string, mode: 'source' | 'destination', token: string): void {
    const tunnel = this.tunnel(id);
    if (this.byToken.has(token)) throw new ConfigError(`tunnel ${id} would reuse an access token`);
    this.byToken.delete(tunnel.rotate(mode, token));
    this.byToken.set(token, tunnel);
  }

  describeTunnel(id: string): TunnelDescription {
    return this.tunnel(id).describe();
  }

  listTunnels(): TunnelDescription[] {
    return [...this.tunnels.values()].map((tunnel) => tunnel.describe());
  }

  /**
   * Drops every peer's connection at once, as a crashed or restarted service would, and
   * keeps serving: peers reconnect with their client tokens.
   */
  dropConnections(reason = 'connections dropped'): void {
    for (const tunnel of this.tunnels.values())
      tunnel.disconnectAll(CLOSE_GOING_AWAY, reason, true);
  }

  /** Stops: every peer is disconnected (going away) and the port is released. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.management.close();
    for (const tunnel of this.tunnels.values()) {
      tunnel.disconnectAll(CLOSE_GOING_AWAY, 'the service is stopping', false);
    }
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Upgraded sockets are not the HTTP server's any more: end them ourselves.
      setTimeout(() => {
        for (const socket of this.sockets) socket.destroy();
      }, 250).unref();
      server.closeAllConnections();
    });
    this.log.info('stopped');
  }

  private tunnel(id: string): ServiceTunnel {
    const tunnel = this.tunnels.get(id);
    if (!tunnel) throw new Error(`no tunnel ${id}`);
    return tunnel;
  }

  private onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (this.management.handle(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(
      'TunnelDesk local tunnel service. Local proxies connect with a WebSocket to /tunnel?local-proxy-mode=source|destination.\n',
    );
  }

  /**
   * A request Node's HTTP parser gave up on. The usual one is over Node's 16 KiB header
   * limit, so it never reached readHandshake's 4 KiB check: answer it the same way rather
   * than drop the connection without a word.
   */
  private onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const message =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? `the upgrade request is over ${MAX_HANDSHAKE_REQUEST_BYTES} bytes`
        : `the request is not valid HTTP (${error.code ?? error.message})`;
    this.refuse(socket, { status: 400, message }, newChannelId());
  }

  private onUpgrade(request: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    const channelId = newChannelId();
    if (this.stopping)
      return refuse(socket, { status: 403, message: 'the service is stopping' }, channelId);
    const read = readHandshake(request);
    if (!read.ok) return this.refuse(socket, read.rejection, channelId);
    const handshake = read.request;
    const tunnel = this.byToken.get(handshake.accessToken);
    const mode = tunnel?.sideOf(handshake.accessToken);
    if (!tunnel || !mode) {
      return this.refuse(
        socket,
        { status: 403, message: 'the access token does not open any tunnel' },
        channelId,
      );
    }
    const rejection =
      tunnel.admit(handshake, mode) ?? this.clientTokenClash(handshake, tunnel, mode);
    if (rejection) return this.refuse(socket, rejection, channelId, tunnel.spec.id);
    chosen.set(request, { request: handshake, channelId });
    this.wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      chosen.delete(request);
      // The tokens may have changed while the upgrade completed (a racing handshake).
      const late = tunnel.admit(handshake, mode) ?? this.clientTokenClash(handshake, tunnel, mode);
      if (late) {
        ws.close(1008, late.message.slice(0, 120));
        return;
      }
      tunnel.join(ws, handshake, mode, channelId);
    });
  }

  /** The guide: a client token is unique across open tunnels; another side's is refused. */
  private clientTokenClash(
    handshake: HandshakeRequest,
    tunnel: ServiceTunnel,
    mode: 'source' | 'destination',
  ): HandshakeRejection | undefined {
    if (handshake.clientToken === undefined) return undefined;
    for (const other of this.tunnels.values()) {
      if (other.isClosed) continue;
      for (const otherMode of ['source', 'destination'] as const) {
        if (other === tunnel && otherMode === mode) continue;
        if (other.boundClientToken(otherMode) === handshake.clientToken) {
          return {
            status: 403,
            message: 'the client token is already in use by another connection',
          };
        }
      }
    }
    return undefined;
  }

  private refuse(
    socket: Socket,
    rejection: HandshakeRejection,
    channelId: string,
    tunnelId?: string,
  ): void {
    this.log.info(
      `refused a handshake${tunnelId ? ` for tunnel ${tunnelId}` : ''}: HTTP ${rejection.status}, ${rejection.message} (channel-id ${channelId})`,
    );
    refuse(socket, rejection, channelId);
  }
}

/** Handshakes between readHandshake and the upgrade callback: the subprotocol and channel id. */
const chosen = new WeakMap<
  http.IncomingMessage,
  { request: HandshakeRequest; channelId: string }
>();

function refuse(socket: Socket, rejection: HandshakeRejection, channelId: string): void {
  const body = `${rejection.message}\n`;
  socket.end(
    `HTTP/1.1 ${rejection.status} ${HTTP_REASONS[rejection.status]}\r\n` +
      `${CHANNEL_ID_HEADER}: ${channelId}\r\n` +
      'content-type: text/plain; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}
