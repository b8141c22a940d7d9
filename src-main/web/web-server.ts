/**
 * Browser mode: the app in plain Node with its UI in a browser. Serves the built renderer
 * and carries the IPC contract over a WebSocket (/ipc), on 127.0.0.1 only, behind a
 * per-run secret (see web-auth.ts). The renderer cannot tell this from Electron's preload.
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TunnelDeskApp } from '../app/app.js';
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy.js';
import { dispatch } from '../app/dispatch.js';
import { WEB_IPC_PATH, WebRequestFrame, type WebServerFrame } from '../ipc/bridge.js';
import { events, type EventName } from '../ipc/contract.js';
import { newSecret, SECRET_QUERY_PARAM, WebAuth } from './web-auth.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Live figures are dropped for a browser this far behind; the next snapshot replaces them. */
const MAX_BUFFERED_FOR_STATS = 4 * 1024 * 1024;

export interface WebServerOptions {
  readonly app: TunnelDeskApp;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly secret?: string;
}

export class WebServer {
  private readonly server = http.createServer();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<WebSocket>();
  private auth: WebAuth | undefined;
  private unsubscribe: (() => void) | undefined;
  readonly secret: string;

  constructor(private readonly options: WebServerOptions) {
    this.secret = options.secret ?? newSecret();
    this.server.on('request', (request, response) => this.onRequest(request, response));
    this.server.on('upgrade', (request, socket: Socket, head) =>
      this.onUpgrade(request, socket, head),
    );
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 and returns the URL to open (it carries the secret). */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(
        { host: '127.0.0.1', port: this.options.port ?? 0, exclusive: true },
        () => {
          this.server.off('error', reject);
          resolve();
        },
      );
    });
    const port = (this.server.address() as AddressInfo).port;
    this.auth = new WebAuth(this.secret, `127.0.0.1:${port}`);
    this.unsubscribe = this.options.app.subscribe((name, payload) => this.broadcast(name, payload));
    return `${this.auth.origin}/?${SECRET_QUERY_PARAM}=${this.secret}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const client of this.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    const auth = this.auth!;
    const result = auth.check(request, false);
    if (!result.ok) {
      response.writeHead(result.status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${result.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${result.message}\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' });
      response.end();
      return;
    }
    if (result.viaQuery) {
      // Trade the secret in the URL for a cookie, and drop it from the address bar.
      response.writeHead(303, {
        'set-cookie': auth.setCookie(),
        location: '/',
        'cache-control': 'no-store',
      });
      response.end();
      return;
    }
    this.serveFile(new URL(request.url ?? '/', auth.origin).pathname, response);
  }

  private serveFile(pathname: string, response: http.ServerResponse): void {
    const root = normalize(this.options.rendererDir);
    let relative = decodeURIComponent(pathname);
    if (relative === '/' || extname(relative) === '') relative = '/index.html';
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep)) {
      response.writeHead(404).end();
      return;
    }
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found\n');
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': relative === '/index.html' ? 'no-store' : 'max-age=3600',
    });
    createReadStream(file).pipe(response);
  }

  private onUpgrade(request: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    const result = this.auth!.check(request, true);
    const path = new URL(request.url ?? '/', this.auth!.origin).pathname;
    if (!result.ok || result.viaQuery || path !== WEB_IPC_PATH) {
      const status = !result.ok ? result.status : result.viaQuery ? 401 : 404;
      socket.end(
        `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onClient(ws));
  }

  private onClient(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      let frame: WebRequestFrame;
      try {
        frame = WebRequestFrame.parse(JSON.parse(data.toString()));
      } catch {
        return ws.close(1008, 'malformed request frame');
      }
      void dispatch(
        this.options.app,
        frame.channel,
        frame.input,
        this.options.app.logger.child('web'),
      ).then((reply) => this.send(ws, { kind: 'reply', id: frame.id, reply }));
    });
  }

  private broadcast(name: EventName, payload: unknown): void {
    const frame: WebServerFrame = { kind: 'event', channel: events[name].channel, payload };
    const text = JSON.stringify(frame);
    for (const client of this.clients) {
      if (name === 'stats' && client.bufferedAmount > MAX_BUFFERED_FOR_STATS) continue;
      if (client.readyState === client.OPEN) client.send(text);
    }
  }

  private send(ws: WebSocket, frame: WebServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }
}
