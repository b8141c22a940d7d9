/**
 * Browser mode: the app in plain Node with its UI in a browser. Serves the built renderer
 * and carries the IPC contract over a WebSocket (/ipc), on 127.0.0.1 only, behind a
 * per-run secret (see web-auth.ts). The renderer cannot tell this from Electron's preload.
 *
 * One process carries every tunnel of the operator, so no request, upgrade, IPC message or
 * event push may end it: each is handled inside a guard that logs what went wrong and
 * answers (500, or a closed socket) instead of throwing. Files are served by serve-static,
 * which answers a malformed, NUL-carrying or traversing path with 400/403/404 itself.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename } from 'node:path';
import serveStatic from 'serve-static';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { TunnelDeskApp } from '../app/app.js';
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy.js';
import { dispatch, failure } from '../app/dispatch.js';
import type { Logger } from '../core/log/logger.js';
import { WEB_IPC_PATH, WebRequestFrame, type WebServerFrame } from '../ipc/bridge.js';
import { AppError, events, type EventName, type Reply } from '../ipc/contract.js';
import { CompressedAssets } from './compressed-assets.js';
import { newSecret, requestTarget, SECRET_QUERY_PARAM, WebAuth } from './web-auth.js';

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
  private readonly files: serveStatic.RequestHandler<http.ServerResponse>;
  private readonly assets: CompressedAssets;
  private readonly log: Logger;
  private auth: WebAuth | undefined;
  private unsubscribe: (() => void) | undefined;
  readonly secret: string;

  constructor(private readonly options: WebServerOptions) {
    this.secret = options.secret ?? newSecret();
    this.log = options.app.logger.child('web');
    this.files = serveStatic(options.rendererDir, {
      index: 'index.html',
      // The app is one page with hash routes: a folder or an unknown path is a 404.
      redirect: false,
      // Every refusal (400 malformed, 403 traversal, 404) reaches serveError().
      fallthrough: false,
      dotfiles: 'ignore',
      cacheControl: false,
      setHeaders: securityHeaders,
    });
    this.assets = new CompressedAssets(options.rendererDir, securityHeaders);
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
    try {
      this.handleRequest(request, response);
    } catch (error) {
      this.log.error(`request failed: ${describe(error)}`);
      if (!response.headersSent) plain(response, 500, 'Internal Server Error');
      else response.destroy();
    }
  }

  private handleRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    const auth = this.auth!;
    if (!requestTarget(request.url)) {
      plain(response, 400, 'Bad Request: malformed request target');
      return;
    }
    const result = auth.check(request, false);
    if (!result.ok) {
      plain(
        response,
        result.status,
        `${result.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${result.message}`,
      );
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
    this.assets
      .serve(request, response)
      .then((served) => {
        if (!served) {
          this.files(request, response, (error?: unknown) => this.serveError(response, error));
        }
      })
      .catch((error: unknown) => this.serveError(response, error));
  }

  /** serve-static's refusals (400, 403, 404 and so on) as plain text; anything else is ours. */
  private serveError(response: http.ServerResponse, error: unknown): void {
    const status = (error as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      plain(response, status, http.STATUS_CODES[status] ?? 'Refused');
      return;
    }
    this.log.error(`serving a file failed: ${describe(error)}`);
    if (!response.headersSent) plain(response, 500, 'Internal Server Error');
    else response.destroy();
  }

  private onUpgrade(request: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    try {
      const target = requestTarget(request.url);
      const result = target ? this.auth!.check(request, true) : undefined;
      if (!target || !result?.ok || result.viaQuery || target.pathname !== WEB_IPC_PATH) {
        const status = !target ? 400 : !result?.ok ? result!.status : result.viaQuery ? 401 : 404;
        socket.end(
          `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
        );
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.onClient(ws));
    } catch (error) {
      this.log.error(`WebSocket upgrade failed: ${describe(error)}`);
      socket.destroy();
    }
  }

  private onClient(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(ws, data, isBinary);
      } catch (error) {
        this.log.error(`IPC message failed: ${describe(error)}`);
        ws.close(1011, 'internal error');
      }
    });
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) return ws.close(1003, 'text frames only');
    let frame: WebRequestFrame;
    try {
      frame = WebRequestFrame.parse(JSON.parse(data.toString()));
    } catch {
      return ws.close(1008, 'malformed request frame');
    }
    dispatch(this.options.app, frame.channel, frame.input, this.log)
      .catch((error: unknown): Reply => {
        // dispatch() answers every failure with a Reply; this is for a bug in it.
        this.log.error(`${frame.channel} failed: ${describe(error)}`);
        return failure(new AppError('failed', 'internal error'));
      })
      .then((reply) => this.send(ws, { kind: 'reply', id: frame.id, reply }))
      .catch((error: unknown) => {
        // A reply that cannot be sent (not serialisable, say): the renderer's call times out.
        this.log.error(`cannot send the reply to ${frame.channel}: ${describe(error)}`);
      });
  }

  /** Called from the app's timers (live figures) and handlers: it must never throw there. */
  private broadcast(name: EventName, payload: unknown): void {
    // No page open: nothing to serialise.
    if (this.clients.size === 0) return;
    try {
      const frame: WebServerFrame = { kind: 'event', channel: events[name].channel, payload };
      const text = JSON.stringify(frame);
      for (const client of this.clients) {
        if (name === 'stats' && client.bufferedAmount > MAX_BUFFERED_FOR_STATS) continue;
        if (client.readyState === client.OPEN) client.send(text);
      }
    } catch (error) {
      this.log.error(`cannot push ${name} to the browser: ${describe(error)}`);
    }
  }

  private send(ws: WebSocket, frame: WebServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }
}

/** Headers of every file served, compressed or not. */
function securityHeaders(response: http.ServerResponse, path: string): void {
  response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('cross-origin-opener-policy', 'same-origin');
  // The page names the hashed assets of this build: always fetch it anew.
  response.setHeader(
    'cache-control',
    basename(path) === 'index.html' ? 'no-store' : 'max-age=3600',
  );
}

function plain(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
  response.end(`${text}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
