/**
 * A bare tunnel peer for tests: a `ws` client that speaks frames by hand, so that tests can
 * play an older (V1/V2) local proxy, or check exactly what ours puts on the wire. Also a
 * bare HTTP upgrade (`rawHandshake`), for requests no WebSocket client would send.
 */
import net from 'node:net';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import {
  decodeFrameBody,
  encodeFrame,
  type OutgoingMessage,
  type TunnelMessage,
} from '../protocol/message.js';
import { SUBPROTOCOLS, type ProtocolVersion, type ProxyMode } from '../protocol/wire.js';
import { waitFor } from './local-servers.js';

export interface RawPeerOptions {
  url: string;
  mode: ProxyMode;
  token: string;
  version: ProtocolVersion;
  clientToken?: string;
}

/** How the service refused a WebSocket upgrade. */
export interface Refusal {
  readonly status: number;
  readonly channelId: string | undefined;
  readonly body: string;
}

/** How a WebSocket ended, as the peer saw it. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export class RawPeer {
  /** Decoded messages not yet taken by next(). */
  readonly received: TunnelMessage[] = [];
  /** Every whole tunnel frame, length prefix included, as it arrived (ignorable ones too). */
  readonly frames: Buffer[] = [];
  /** Every WebSocket message as it arrived: their sizes show how the stream was cut. */
  readonly messages: Buffer[] = [];
  private readonly decoder = new FrameDecoder();
  onMessage: (message: TunnelMessage) => void = () => {};
  /** The channel-id header of the handshake response. */
  channelId: string | undefined;
  /** Resolves when the WebSocket is gone, with the close code and reason the service sent. */
  readonly closed: Promise<Closed>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) =>
        resolve({ code, reason: reason.toString() }),
      );
    });
    ws.on('upgrade', (response: IncomingMessage) => {
      this.channelId = response.headers['channel-id'] as string | undefined;
    });
    ws.on('message', (data: Buffer) => {
      this.messages.push(data);
      this.decoder.push(data, (body, frame) => {
        // The frame may be a view of a buffer ws reuses: keep a copy.
        this.frames.push(Buffer.from(frame));
        const decoded = decodeFrameBody(body);
        if (decoded.kind !== 'message') return;
        this.received.push(decoded.message);
        this.onMessage(decoded.message);
      });
    });
  }

  private static open(options: RawPeerOptions): WebSocket {
    const headers: Record<string, string> = { 'access-token': options.token };
    if (options.clientToken) headers['client-token'] = options.clientToken;
    return new WebSocket(
      `${options.url}/tunnel?local-proxy-mode=${options.mode}`,
      [SUBPROTOCOLS[options.version]],
      { headers, rejectUnauthorized: false },
    );
  }

  static async connect(options: RawPeerOptions): Promise<RawPeer> {
    const result = await RawPeer.attempt(options);
    if ('refusal' in result) {
      throw new Error(`handshake refused: HTTP ${result.refusal.status} ${result.refusal.body}`);
    }
    return result.peer;
  }

  /** Connects, or reports how the service refused the handshake. */
  static async attempt(options: RawPeerOptions): Promise<{ peer: RawPeer } | { refusal: Refusal }> {
    const ws = RawPeer.open(options);
    const peer = new RawPeer(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ peer }));
      ws.once('error', reject);
      ws.once('unexpected-response', (request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          ws.off('error', reject);
          ws.on('error', () => {});
          request.destroy();
          resolve({
            refusal: {
              status: response.statusCode ?? 0,
              channelId: response.headers['channel-id'] as string | undefined,
              body: Buffer.concat(chunks).toString(),
            },
          });
        });
      });
    });
  }

  send(message: OutgoingMessage): void {
    this.ws.send(encodeFrame(message));
  }

  /** Sends bytes as one binary WebSocket message, whatever they hold. */
  sendBytes(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  /** All bytes received so far, as one stream. */
  get byteStream(): Buffer {
    return Buffer.concat(this.messages);
  }

  get receivedBytes(): number {
    let total = 0;
    for (const message of this.messages) total += message.length;
    return total;
  }

  async next(
    predicate: (message: TunnelMessage) => boolean,
    what = 'a message',
  ): Promise<TunnelMessage> {
    await waitFor(() => this.received.some(predicate), 10_000, what);
    const index = this.received.findIndex(predicate);
    return this.received.splice(index, 1)[0]!;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.terminate();
    });
  }
}

/** An HTTP response read off a bare socket. Header names are lower case; repeats are kept. */
export interface RawResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
  /** The first value of a header. */
  header(name: string): string | undefined;
}

/**
 * Sends a WebSocket upgrade request for `target` with exactly the extra header lines given
 * (repeats included, in order) and reads the answer. It stops at the end of a 101's headers.
 */
export async function rawHandshake(
  port: number,
  target: string,
  extraHeaders: readonly (readonly [string, string])[],
): Promise<RawResponse> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const lines = [
    `GET ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...extraHeaders.map(([name, value]) => `${name}: ${value}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  let buffer = Buffer.alloc(0);
  await new Promise<void>((resolve) => {
    const check = (): void => {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString();
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (head.startsWith('HTTP/1.1 101') || buffer.length >= end + 4 + Number(length?.[1] ?? 0))
        resolve();
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      check();
    });
    socket.on('close', () => resolve());
  });
  socket.destroy();
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0)
    throw new Error(`no HTTP response (${buffer.length} bytes before the socket closed)`);
  const [statusLine, ...headerLines] = buffer.subarray(0, end).toString().split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0),
    headers,
    body: buffer.subarray(end + 4).toString(),
    header: (name) => headers.get(name.toLowerCase())?.[0],
  };
}
