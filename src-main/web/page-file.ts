/**
 * The app's page (index.html) for `/` and `/index.html`: the first request of every page
 * load, sent straight from the file instead of through serve-static (whose first answer, on
 * a fresh process, took about 10 ms longer). Read on each request, not kept: a rebuild while
 * the server runs names new assets, and the page must name them. A missing page falls
 * through to serve-static (and its 404).
 */
import type http from 'node:http';
import { readFile } from 'node:fs/promises';

const PAGE_PATHS = new Set(['/', '/index.html']);

export class PageFile {
  constructor(
    private readonly path: string,
    private readonly setHeaders: (response: http.ServerResponse, path: string) => void,
  ) {}

  /** Answers a request for the page and resolves true; resolves false for anything else. */
  async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<boolean> {
    if (!PAGE_PATHS.has((request.url ?? '').split('?')[0]!)) return false;
    let body: Buffer;
    try {
      body = await readFile(this.path);
    } catch {
      return false;
    }
    this.setHeaders(response, this.path);
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.length,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  }
}
