/**
 * One WebSocket connection to the tunnel service: the handshake exactly as the protocol
 * guide describes it, the binary frame stream in both directions, pings for keep-alive and
 * latency, and one CloseCause when it ends. Reconnecting is TunnelClient's business.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { getProxyForUrl } from 'proxy-from-env';
import WebSocket from 'ws';
import type { ServiceEndpoint, TlsOptions } from '../config/proxy-config.js';
import { ProtocolError } from '../protocol/errors.js';
import { FrameDecoder, type FrameHandler } from '../protocol/frame-decoder.js';
import { decodeFrameBody, type TunnelMessage } from '../protocol/message.js';
import {
  ACCESS_TOKEN_HEADER,
  CHANNEL_ID_HEADER,
  CLIENT_TOKEN_HEADER,
  MAX_WEBSOCKET_MESSAGE_BYTES,
  MODE_QUERY_PARAM,
  SUBPROTOCOLS,
  TUNNEL_PATH,
  versionOfSubprotocol,
  type ProtocolVersion,
  type ProxyMode,
} from '../protocol/wire.js';
import type { Logger } from '../log/logger.js';
import { describeCause, type CloseCause } from './close-cause.js';
import { classifyConnectError, handshakeCause } from './classify-close.js';
import { trustedCertificates } from './tls-trust.js';
import { WebSocketTap } from './websocket-tap.js';
import { parseWebProxy, webProxyAgent, webProxyVariable, type WebProxy } from './web-proxy.js';
import type { TunnelLink } from '../mux/tunnel-link.js';

/** What one read from the service's socket may hold (TLS hands out at most 16 KiB). */
const READ_BUFFER_BYTES = 64 * 1024;
/**
 * The payload of a pacing ping (sendPing): a tag byte and a 32-bit sequence number. The
 * keep-alive pings carry 8 random bytes, so the two never mix.
 */
const PACING_PING_TAG = 0x70;
const PACING_PING_BYTES = 5;
/** Errno codes that, before the upgrade through a web proxy, mean the proxy is not there. */
const PROXY_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

export interface TunnelConnectionOptions {
  endpoint: ServiceEndpoint;
  mode: ProxyMode;
  /** Secret: sent in the `access-token` header only. */
  accessToken: string;
  /** Secret: sent in the `client-token` header; makes the access token reusable for reconnects. */
  clientToken?: string;
  /** The subprotocol version to offer. */
  version: ProtocolVersion;
  tls: TlsOptions;
  /** Ping period: 5 s (the reference pings every 20 s); also the latency sampling period. */
  pingIntervalMs: number;
  handshakeTimeoutMs: number;
  logger: Logger;
  /** Precomputed CA list (computing it reads files; a reconnect loop reuses it). */
  ca?: string[];
  /** How the endpoint's host name is resolved (dns.lookup by default): a hosts-like resolver. */
  lookup?: net.LookupFunction;
}

/** What the handshake told us. */
export interface OpenInfo {
  channelId: string | undefined;
  version: ProtocolVersion;
  /** The HTTP(S) proxy the WebSocket goes through, if any (credentials removed). */
  via: string | undefined;
}

export interface TunnelConnectionHandler {
  onOpen(info: OpenInfo): void;
  /**
   * A message from the service. Its payload may lie in memory the connection reuses: call
   * `release`, when given, once nothing reads the payload any more (after the local socket
   * has written it), and keep no view of it after the call otherwise. Never calling
   * `release` is safe; the memory is then left to the garbage collector.
   */
  onMessage(message: TunnelMessage, release?: () => void): void;
  /** Called exactly once, whether the connection ever opened or not. */
  onClose(cause: CloseCause): void;
  onLatency?(ms: number): void;
}

/** The service URL for an endpoint (the AWS data plane listens on 443 with TLS). */
export function tunnelUrl(endpoint: ServiceEndpoint, mode: ProxyMode): string {
  const scheme = endpoint.secure === false ? 'ws' : 'wss';
  const host =
    endpoint.host.includes(':') && !endpoint.host.startsWith('[')
      ? `[${endpoint.host}]`
      : endpoint.host;
  return `${scheme}://${host}:${endpoint.port}${TUNNEL_PATH}?${MODE_QUERY_PARAM}=${mode}`;
}

export class TunnelConnection implements TunnelLink {
  private readonly ws: WebSocket;
  private readonly decoder = new FrameDecoder();
  private closeCause: CloseCause | undefined;
  private readonly handshakeTimer: NodeJS.Timeout;
  private finished = false;
  private opened = false;
  private pingTimer: NodeJS.Timeout | undefined;
  private readonly pendingPings = new Map<string, number>();
  /** Pacing pings awaiting their pong, oldest first (pongs come back in order). */
  private readonly pacingPings: { seq: number; onPong: () => void }[] = [];
  private pacingSeq = 0;
  private lastHeardAt = Date.now();
  private channelId: string | undefined;
  private inflight = 0;
  private readonly where: string;
  /** The socket under ws when we made it (no web proxy): send() may write frames to it. */
  private socket: net.Socket | undefined;
  /** Frames are masked with a zero key (TLS): a frame's payload is sent as it is. */
  private readonly zeroMasked: boolean;

  constructor(
    private readonly options: TunnelConnectionOptions,
    private readonly handler: TunnelConnectionHandler,
  ) {
    const { endpoint, mode } = options;
    const url = tunnelUrl(endpoint, mode);
    this.where = `${endpoint.host}:${endpoint.port}`;
    const headers: Record<string, string> = { [ACCESS_TOKEN_HEADER]: options.accessToken };
    if (options.clientToken) headers[CLIENT_TOKEN_HEADER] = options.clientToken;
    headers['user-agent'] =
      `tunneldesk/${process.env.npm_package_version ?? '0'} node/${process.versions.node}`;

    // The tunnel WebSocket always follows HTTPS_PROXY (and NO_PROXY), as the reference does,
    // even for a plain ws:// test service. The command line checked the variable up front.
    const proxyUrl = getProxyForUrl(url.replace(/^wss?:/, 'https:'));
    const webProxy: WebProxy | undefined = proxyUrl
      ? parseWebProxy(proxyUrl, webProxyVariable(process.env)?.name ?? 'HTTPS_PROXY')
      : undefined;
    const agent = webProxy ? webProxyAgent(webProxy) : undefined;
    const secure = endpoint.secure !== false;
    this.via = webProxy?.shown;
    this.zeroMasked = secure;

    options.logger.debug(
      `connecting to ${url} as ${mode}, offering ${SUBPROTOCOLS[options.version]}` +
        (this.via ? ` through the web proxy ${this.via}` : '') +
        (secure && !options.tls.verify ? ' (TLS verification OFF: -k)' : ''),
    );
    this.ws = new WebSocket(url, [SUBPROTOCOLS[options.version]], {
      headers,
      agent,
      // Our own timer (below) ends a slow handshake with a cause; ws's is only a backstop.
      handshakeTimeout: options.handshakeTimeoutMs + 1_000,
      maxPayload: MAX_WEBSOCKET_MESSAGE_BYTES,
      perMessageDeflate: false,
      followRedirects: false,
      // RFC 6455 masking keeps script in a browser from steering what a transparent HTTP
      // proxy sees on the wire. Nothing here runs untrusted script, and over TLS no
      // intermediary sees the bytes at all, so a zero mask (a legal key, which servers
      // unmask as usual) lets ws skip a copy and an XOR of every byte sent. A plain ws://
      // connection keeps random masks, as a middlebox could read it.
      ...(secure ? { generateMask: zeroMask } : {}),
      // ws emits each message as soon as it has read it, so once the socket has handed ws
      // every byte passed to it, ws has emitted them all; the tap's ordering rests on this.
      allowSynchronousEvents: true,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      // Without an HTTP proxy the socket is ours to make, and we read it first.
      ...(agent
        ? {}
        : {
            createConnection: ((connectOptions: ConnectOptions) =>
              this.connectTapped(connectOptions, secure)) as unknown as typeof net.createConnection,
          }),
      ...(secure
        ? {
            ca: options.ca ?? trustedCertificates(options.tls.caPath),
            rejectUnauthorized: options.tls.verify,
            servername: /^[\d.:[\]]+$/.test(endpoint.host) ? undefined : endpoint.host,
          }
        : {}),
    });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('upgrade', (response) => {
      this.channelId = headerValue(response.headers[CHANNEL_ID_HEADER]);
    });
    this.ws.on('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      const channelId = headerValue(response.headers[CHANNEL_ID_HEADER]);
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 500) body += chunk;
      });
      const done = (): void => {
        const detail = body.trim().slice(0, 300);
        this.finish(handshakeCause(status, detail, channelId));
        request.destroy();
      };
      response.on('end', done);
      response.on('error', done);
      response.on('aborted', done);
    });
    this.ws.on('open', () => this.onOpen());
    this.ws.on('message', (data: Buffer, isBinary: boolean) => this.onData(data, isBinary));
    this.ws.on('pong', (data: Buffer) => this.onPong(data));
    this.ws.on('ping', () => {
      this.lastHeardAt = Date.now();
    });
    this.ws.on('error', (error: NodeJS.ErrnoException) => {
      // Classified by errno code alone; an error without one (ws's own handshake checks,
      // a broken frame) is a network failure with ws's words as its detail.
      // Before the upgrade, a connect failure through a web proxy is the proxy's: the proxy
      // answers for the endpoint with an HTTP status (or a SOCKS reply), not an errno.
      this.closeCause ??=
        this.via && !this.opened && error.code && PROXY_CONNECT_CODES.has(error.code)
          ? { kind: 'proxy-unreachable', proxy: this.via, code: error.code }
          : classifyConnectError(error, this.where);
    });
    this.ws.on('close', (code: number, reason: Buffer) => {
      this.finish(
        this.closeCause ?? { kind: 'closed-by-service', wsCode: code, detail: reason.toString() },
      );
    });
    this.handshakeTimer = setTimeout(() => {
      if (this.opened || this.finished) return;
      this.closeCause ??= { kind: 'timeout', endpoint: this.where, phase: 'handshake' };
      this.ws.terminate();
    }, options.handshakeTimeoutMs);
    this.handshakeTimer.unref();
  }

  /** The web proxy in use, if any (without credentials). */
  readonly via: string | undefined;

  /** Bytes handed to the WebSocket that the socket has not yet taken. */
  get inflightBytes(): number {
    return this.inflight;
  }

  get isOpen(): boolean {
    return this.opened && !this.finished;
  }

  /**
   * Sends one binary WebSocket message (one or more whole tunnel frames). `onWritten` runs
   * once the socket has taken the bytes, which is how callers measure backpressure.
   */
  send(message: Buffer, onWritten?: () => void, headroom = 0): void {
    if (!this.isOpen) return;
    this.inflight += message.length;
    const done = (): void => {
      this.inflight -= message.length;
      onWritten?.();
    };
    const framed = this.zeroMasked ? withWebSocketHeader(message, headroom) : undefined;
    if (framed && this.socket && this.ws.readyState === WebSocket.OPEN) {
      // The frame ws would write (FIN, binary, masked with a zero key), as one buffer: ws
      // writes header and payload as two, and Node's TLS layer copies such a pair into a
      // new buffer before encrypting it. ws writes each frame whole and at once (no
      // compression, no queue), so frames written here and by ws never interleave.
      this.socket.write(framed, done);
      return;
    }
    this.ws.send(message, { binary: true }, done);
  }

  /**
   * Sends a ping behind every message sent so far; `onPong` runs when its pong arrives.
   * The service reads its socket in order and answers a ping when it reads it, so the pong
   * says it has read everything sent before: the tunnel writer paces itself by that.
   */
  sendPing(onPong: () => void): void {
    if (!this.isOpen) return;
    const seq = (this.pacingSeq = (this.pacingSeq + 1) >>> 0);
    const payload = Buffer.allocUnsafe(PACING_PING_BYTES);
    payload[0] = PACING_PING_TAG;
    payload.writeUInt32BE(seq, 1);
    this.pacingPings.push({ seq, onPong });
    this.ws.ping(payload);
  }

  /** Stops reading from the service (a local socket cannot keep up). */
  pauseReading(): void {
    if (this.isOpen) this.ws.pause();
  }

  resumeReading(): void {
    if (this.isOpen) this.ws.resume();
  }

  /** Closes the connection; onClose follows with the given cause. */
  close(cause: CloseCause = { kind: 'closed', by: 'operator' }): void {
    if (this.finished) return;
    this.closeCause ??= cause;
    if (this.ws.readyState === WebSocket.OPEN) {
      const code = cause.kind === 'protocol' ? 1002 : 1000;
      this.ws.close(code, closeFrameReason(describeCause(cause)));
      // A service that does not answer the close frame must not hold us: force it after a while.
      setTimeout(() => this.ws.terminate(), 2_000).unref();
    } else {
      this.ws.terminate();
    }
  }

  private onOpen(): void {
    const version = versionOfSubprotocol(this.ws.protocol);
    if (!version) {
      this.close({ kind: 'bad-subprotocol', chosen: this.ws.protocol });
      return;
    }
    this.opened = true;
    clearTimeout(this.handshakeTimer);
    this.lastHeardAt = Date.now();
    this.pingTimer = setInterval(() => this.ping(), this.options.pingIntervalMs);
    this.pingTimer.unref();
    this.ping();
    this.handler.onOpen({ channelId: this.channelId, version, via: this.via });
  }

  /**
   * Makes the socket the WebSocket runs on, as ws would (its tlsConnect and netConnect),
   * except that reads land in one reused buffer and go through a WebSocketTap.
   */
  private connectTapped(connectOptions: ConnectOptions, secure: boolean): net.Socket {
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const onread = {
      buffer: readBuffer,
      // Reads start after the connect, when `tap` below is set.
      callback: (length: number): boolean => {
        tap.receive(readBuffer, 0, length);
        return true;
      },
    };
    let socket: net.Socket;
    if (secure) {
      const servername =
        connectOptions.servername || connectOptions.servername === ''
          ? connectOptions.servername
          : net.isIP(connectOptions.host ?? '')
            ? ''
            : connectOptions.host;
      // tls.connect takes `onread` as net.connect does (Node's documentation says so; the
      // type declarations leave it out).
      socket = tls.connect({
        ...connectOptions,
        path: undefined,
        servername,
        onread,
      } as tls.ConnectionOptions);
    } else {
      socket = net.connect({
        ...connectOptions,
        path: connectOptions.socketPath,
        onread,
      } as net.NetConnectOpts);
    }
    const tap = new WebSocketTap(
      socket,
      {
        canTake: () => this.canTake(socket),
        onPayload: (bytes) => this.onTapped(bytes),
      },
      MAX_WEBSOCKET_MESSAGE_BYTES,
    );
    this.socket = socket;
    return socket;
  }

  /** Whether a binary frame may skip ws: open, and nothing passed to ws still unread. */
  private canTake(socket: net.Socket): boolean {
    return (
      this.opened &&
      !this.finished &&
      this.ws.readyState === WebSocket.OPEN &&
      socket.readableLength === 0
    );
  }

  private onTapped(bytes: Buffer): void {
    if (this.finished) return;
    this.lastHeardAt = Date.now();
    try {
      this.decoder.pushTransient(bytes, this.onFrame);
    } catch (error) {
      this.onReceiveError(error);
    }
  }

  private onData(data: Buffer, isBinary: boolean): void {
    if (this.finished) return;
    this.lastHeardAt = Date.now();
    try {
      if (!isBinary) {
        throw new ProtocolError(
          'text-frame',
          'the service sent a text WebSocket message; the protocol is binary only',
        );
      }
      this.decoder.push(data, this.onFrame);
    } catch (error) {
      this.onReceiveError(error);
    }
  }

  private readonly onFrame: FrameHandler = (body, _frame, release) => {
    const decoded = decodeFrameBody(body);
    if (decoded.kind === 'ignored') {
      release?.();
      this.options.logger.debug(
        `ignored a message of unknown type ${decoded.type} marked ignorable`,
      );
      return;
    }
    this.handler.onMessage(decoded.message, release);
  };

  private onReceiveError(error: unknown): void {
    if (!(error instanceof ProtocolError)) throw error;
    this.options.logger.error(`protocol error from the service: ${error.message}`);
    this.close({ kind: 'protocol', code: error.code, detail: error.message });
  }

  private ping(): void {
    const silentFor = Date.now() - this.lastHeardAt;
    if (silentFor > 2 * this.options.pingIntervalMs + 1_000) {
      this.close({ kind: 'ping-timeout', silentSeconds: Math.round(silentFor / 1000) });
      return;
    }
    const payload = randomBytes(8);
    this.pendingPings.set(payload.toString('hex'), performance.now());
    if (this.pendingPings.size > 8)
      this.pendingPings.delete(this.pendingPings.keys().next().value!);
    this.ws.ping(payload);
  }

  private onPong(data: Buffer): void {
    this.lastHeardAt = Date.now();
    if (data.length === PACING_PING_BYTES && data[0] === PACING_PING_TAG) {
      this.onPacingPong(data.readUInt32BE(1));
      return;
    }
    const sentAt = this.pendingPings.get(data.toString('hex'));
    if (sentAt === undefined) return;
    this.pendingPings.delete(data.toString('hex'));
    this.handler.onLatency?.(performance.now() - sentAt);
  }

  private onPacingPong(seq: number): void {
    // Pongs come back in order; a pong also vouches for any earlier ping it overtook in
    // our bookkeeping (none should be missing, but a lost one must not stall the writer).
    // Unknown or old sequence numbers change nothing.
    while (this.pacingPings.length > 0 && ((seq - this.pacingPings[0]!.seq) | 0) >= 0) {
      this.pacingPings.shift()!.onPong();
    }
  }

  private finish(cause: CloseCause): void {
    if (this.finished) return;
    this.finished = true;
    this.closeCause ??= cause;
    clearTimeout(this.handshakeTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pacingPings.length = 0;
    this.decoder.reset();
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    this.handler.onClose(this.closeCause);
  }
}

/** What http.request hands to createConnection: its own options, as ws filled them in. */
type ConnectOptions = tls.ConnectionOptions & {
  host?: string;
  socketPath?: string;
};

/** A close frame's reason holds at most 123 bytes of UTF-8: cut whole characters. */
export function closeFrameReason(text: string): string {
  let cut = text.slice(0, 123);
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1);
  return cut;
}

/**
 * `message` as a client's binary WebSocket frame (FIN, masked with a zero key, so the
 * payload stays as it is), its header written into the `headroom` bytes before it; or
 * undefined when they are too few.
 */
export function withWebSocketHeader(message: Buffer, headroom: number): Buffer | undefined {
  const length = message.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const headerBytes = 2 + lengthBytes + 4;
  if (headroom < headerBytes || message.byteOffset < headerBytes) return undefined;
  const frame = Buffer.from(message.buffer, message.byteOffset - headerBytes, headerBytes + length);
  frame[0] = 0x82; // FIN, binary
  if (lengthBytes === 0) {
    frame[1] = 0x80 | length;
  } else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.writeUInt32BE(0, 2 + lengthBytes); // the mask key
  return frame;
}

function zeroMask(mask: Buffer): void {
  mask.fill(0);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
