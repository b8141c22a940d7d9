/**
 * Browser mode: the app in plain Node with its UI in a browser. Serves the built renderer
 * and hands the WebSocket at /ipc to the IPC endpoint (web-ipc.ts), on 127.0.0.1 only,
 * behind a per-run secret (see web-auth.ts). The renderer cannot tell this from Electron's
 * preload.
 *
 * The server loads little (no app, no contract): `tunneldesk web` listens and prints its
 * URL first, and attaches the endpoint once the app is built, while the browser starts. A
 * page that connects before then waits for it.
 *
 * One process carries every tunnel of the operator, so no request or upgrade may end it:
 * each is handled inside a guard that logs what went wrong and answers (500, or a closed
 * socket) instead of throwing. The page and the compressed scripts and styles are sent by
 * page-file.ts and compressed-assets.ts; everything else by serve-static, which answers a
 * malformed, NUL-carrying or traversing path with 400/403/404 itself.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename, join } from 'node:path';
import type serveStatic from 'serve-static';
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy.js';
import { WEB_IPC_PATH } from '../ipc/web-ipc-path.js';
import { CompressedAssets } from './compressed-assets.js';
import { PageFile } from './page-file.js';
import { newSecret, requestTarget, SECRET_QUERY_PARAM, WebAuth } from './web-auth.js';

/** Where the server reports what went wrong (the app's logger once there is one). */
export interface WebLog {
  error(message: string): void;
}

/** What takes over an authenticated upgrade to /ipc (web-ipc.ts). */
export interface IpcEndpoint {
  accept(request: http.IncomingMessage, socket: Socket, head: Buffer): void;
  close(): void;
}

export interface WebServerOptions {
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly log: WebLog;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly secret?: string;
}

export class WebServer {
  private readonly server = http.createServer();
  private readonly sockets = new Set<Socket>();
  /** serve-static, loaded when first needed (see staticFiles()). */
  private files: Promise<serveStatic.RequestHandler<http.ServerResponse>> | undefined;
  private readonly page: PageFile;
  private readonly assets: CompressedAssets;
  private readonly log: WebLog;
  private auth: WebAuth | undefined;
  private ipc: IpcEndpoint | undefined;
  /** Upgrades that arrived (authenticated) before the endpoint was attached. */
  private readonly waiting = new Set<{
    request: http.IncomingMessage;
    socket: Socket;
    head: Buffer;
  }>();
  readonly secret: string;

  constructor(private readonly options: WebServerOptions) {
    this.secret = options.secret ?? newSecret();
    this.log = options.log;
    this.page = new PageFile(join(options.rendererDir, 'index.html'), securityHeaders);
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
    return `${this.auth.origin}/?${SECRET_QUERY_PARAM}=${this.secret}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Hands /ipc to the endpoint, with the pages that connected while it was loading. */
  attach(ipc: IpcEndpoint): void {
    this.ipc = ipc;
    for (const { request, socket, head } of this.waiting) this.accept(request, socket, head);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.ipc?.close();
    this.waiting.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    try {
      this.handleRequest(request, response);
    } catch (error) {
      this.log.error(`request failed: ${describeError(error)}`);
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
    this.page
      .serve(request, response)
      .then(async (served) => served || (await this.assets.serve(request, response)))
      .then(async (served) => {
        if (served) return;
        const files = await this.staticFiles();
        files(request, response, (error?: unknown) => this.serveError(response, error));
      })
      .catch((error: unknown) => this.serveError(response, error));
  }

  /**
   * Everything the page and the compressed assets do not answer: a refusal (400, 403,
   * 404), a browser that takes no compression. A page load needs none of it, so
   * serve-static and its MIME tables (a good part of the server's start) load on the first
   * such request.
   */
  private staticFiles(): Promise<serveStatic.RequestHandler<http.ServerResponse>> {
    this.files ??= import('serve-static').then(({ default: serveStatic }) =>
      serveStatic(this.options.rendererDir, {
        index: 'index.html',
        // The app is one page with hash routes: a folder or an unknown path is a 404.
        redirect: false,
        // Every refusal (400 malformed, 403 traversal, 404) reaches serveError().
        fallthrough: false,
        dotfiles: 'ignore',
        cacheControl: false,
        setHeaders: securityHeaders,
      }),
    );
    return this.files;
  }

  /** serve-static's refusals (400, 403, 404 and so on) as plain text; anything else is ours. */
  private serveError(response: http.ServerResponse, error: unknown): void {
    const status = (error as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      plain(response, status, http.STATUS_CODES[status] ?? 'Refused');
      return;
    }
    this.log.error(`serving a file failed: ${describeError(error)}`);
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
      if (this.ipc) this.accept(request, socket, head);
      else {
        const upgrade = { request, socket, head };
        this.waiting.add(upgrade);
        socket.once('close', () => this.waiting.delete(upgrade));
      }
    } catch (error) {
      this.log.error(`WebSocket upgrade failed: ${describeError(error)}`);
      socket.destroy();
    }
  }

  private accept(request: http.IncomingMessage, socket: Socket, head: Buffer): void {
    try {
      this.ipc!.accept(request, socket, head);
    } catch (error) {
      this.log.error(`WebSocket upgrade failed: ${describeError(error)}`);
      socket.destroy();
    }
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

export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
