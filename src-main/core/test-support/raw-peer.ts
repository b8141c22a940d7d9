/**
 * A bare tunnel peer for tests: a `ws` client that speaks frames by hand, so that tests can
 * play an older (V1/V2) local proxy, or check exactly what ours puts on the wire.
 */
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

export class RawPeer {
  readonly received: TunnelMessage[] = [];
  private readonly decoder = new FrameDecoder();
  onMessage: (message: TunnelMessage) => void = () => {};

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.decoder.push(data, (body) => {
        const decoded = decodeFrameBody(body);
        if (decoded.kind !== 'message') return;
        this.received.push(decoded.message);
        this.onMessage(decoded.message);
      });
    });
  }

  static async connect(options: {
    url: string;
    mode: ProxyMode;
    token: string;
    version: ProtocolVersion;
    clientToken?: string;
  }): Promise<RawPeer> {
    const headers: Record<string, string> = { 'access-token': options.token };
    if (options.clientToken) headers['client-token'] = options.clientToken;
    const ws = new WebSocket(
      `${options.url}/tunnel?local-proxy-mode=${options.mode}`,
      [SUBPROTOCOLS[options.version]],
      {
        headers,
        rejectUnauthorized: false,
      },
    );
    const peer = new RawPeer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  send(message: OutgoingMessage): void {
    this.ws.send(encodeFrame(message));
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
