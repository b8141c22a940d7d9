/**
 * A scriptable tunnel service for tests: a bare `ws` server on loopback that answers the
 * upgrade as told (accept, an HTTP error, or silence), sends SERVICE_IDS, records every
 * handshake, message and close, and can play an echo device (DATA comes back on the same
 * stream and connection), so that a test can prove a proxy still serves after whatever it
 * was sent. Tests send it anything: frames, raw bytes, text.
 */
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import {
  decodeFrameBody,
  encodeFrame,
  type OutgoingMessage,
  type TunnelMessage,
} from '../protocol/message.js';
import { MessageType } from '../protocol/wire.js';

/** How the service answers the next upgrade requests. */
export type UpgradeAnswer =
  | { kind: 'accept' }
  | { kind: 'status'; status: number; body: string }
  /** Accepts the TCP connection and never answers: a handshake that times out. */
  | { kind: 'silent' };

export interface Handshake {
  readonly url: string;
  readonly accessToken: string | undefined;
  readonly clientToken: string | undefined;
  readonly subprotocol: string | undefined;
}

export interface FakeServiceOptions {
  /** The SERVICE_IDS sent to each accepted peer (none when undefined: a V1 tunnel). */
  services?: string[];
  /** Send DATA back as it came (stream, service and connection ids unchanged). */
  echo?: boolean;
}

export class FakeService {
  answer: UpgradeAnswer = { kind: 'accept' };
  readonly handshakes: Handshake[] = [];
  /** Every message received, in order, over every connection. */
  readonly received: TunnelMessage[] = [];
  /** How each accepted WebSocket ended: the close code and reason our peer sent. */
  readonly closes: { code: number; reason: string }[] = [];
  current: WebSocket | undefined;
  private readonly server = http.createServer();
  private readonly sockets = new Set<net.Socket>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });

  constructor(private readonly options: FakeServiceOptions = {}) {}

  /** Connections accepted so far. */
  get accepted(): number {
    return this.closes.length + (this.current && this.current.readyState <= 1 ? 1 : 0);
  }

  async start(): Promise<number> {
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head) => {
      socket.on('error', () => {});
      this.handshakes.push({
        url: request.url ?? '',
        accessToken: request.headers['access-token'] as string | undefined,
        clientToken: request.headers['client-token'] as string | undefined,
        subprotocol: request.headers['sec-websocket-protocol'],
      });
      const answer = this.answer;
      if (answer.kind === 'silent') return;
      if (answer.kind === 'status') {
        socket.end(
          `HTTP/1.1 ${answer.status} Refused\r\nchannel-id: fake-channel\r\ncontent-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`,
        );
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as net.AddressInfo).port;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Sends one message as a frame of its own. */
  send(message: OutgoingMessage): void {
    this.current?.send(encodeFrame(message));
  }

  /** Sends bytes as one binary WebSocket message, whatever they are. */
  sendBytes(bytes: Uint8Array): void {
    this.current?.send(bytes, { binary: true });
  }

  sendText(text: string): void {
    this.current?.send(text, { binary: false });
  }

  /** Resolves with the next close of a WebSocket (code and reason our peer gave). */
  async nextClose(): Promise<{ code: number; reason: string }> {
    const seen = this.closes.length;
    while (this.closes.length === seen) await new Promise((r) => setTimeout(r, 5));
    return this.closes[seen]!;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.current = ws;
    ws.on('error', () => {});
    ws.on('close', (code: number, reason: Buffer) =>
      this.closes.push({ code, reason: reason.toString() }),
    );
    const decoder = new FrameDecoder();
    ws.on('message', (data: Buffer) => {
      decoder.push(data, (body) => {
        const decoded = decodeFrameBody(body);
        if (decoded.kind !== 'message') return;
        // The payload may be a view of a buffer ws reuses: keep a copy.
        const message = { ...decoded.message, payload: Buffer.from(decoded.message.payload) };
        this.received.push(message);
        if (this.options.echo && message.type === MessageType.DATA && ws === this.current) {
          ws.send(
            encodeFrame({
              type: MessageType.DATA,
              streamId: message.streamId,
              serviceId: message.serviceId,
              connectionId: message.connectionId,
              payload: message.payload,
            }),
          );
        }
      });
    });
    if (this.options.services) {
      ws.send(
        encodeFrame({
          type: MessageType.SERVICE_IDS,
          availableServiceIds: this.options.services,
        }),
      );
    }
  }
}
