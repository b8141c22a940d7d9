/**
 * The renderer's scripts and styles, compressed (brotli, else gzip) for browsers that accept
 * it. The build writes `NAME.br` and `NAME.gz` beside each (electron.config.ts); a file
 * without them is compressed on its first request. Either way each is kept in memory: the
 * build's assets are content-hashed and do not change while the server runs. Anything else
 * (index.html, images, a browser that accepts neither encoding) falls through to
 * serve-static.
 */
import type http from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Negotiator from 'negotiator';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Compressible assets: a plain name (no folders, no dot files) under /assets/. */
const ASSET_PATH = /^\/assets\/([A-Za-z0-9_-][A-Za-z0-9._-]*\.(js|css))$/;

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export type AssetEncoding = 'br' | 'gzip';

interface Compressed {
  readonly br: Buffer;
  readonly gzip: Buffer;
}

export class CompressedAssets {
  /** Path -> its compressed forms, or null when there is no such file. */
  private readonly cache = new Map<string, Promise<Compressed | null>>();

  constructor(
    private readonly rendererDir: string,
    private readonly setHeaders: (response: http.ServerResponse, path: string) => void,
  ) {}

  /**
   * Answers the request if it is for a compressible asset the browser takes compressed;
   * resolves false (and answers nothing) otherwise.
   */
  async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<boolean> {
    const pathname = (request.url ?? '').split('?')[0]!;
    const match = ASSET_PATH.exec(pathname);
    if (!match) return false;
    // Of the encodings the browser accepts (q > 0), brotli first: it is the smaller.
    const accepted = new Negotiator(request).encodings(['br', 'gzip']);
    const encoding: AssetEncoding | undefined = accepted.includes('br')
      ? 'br'
      : accepted.includes('gzip')
        ? 'gzip'
        : undefined;
    if (!encoding) return false;
    const path = join(this.rendererDir, 'assets', match[1]!);
    const compressed = await this.compressed(path);
    if (!compressed) return false;
    const body = compressed[encoding];
    this.setHeaders(response, path);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[match[2]!]!,
      'content-encoding': encoding,
      'content-length': body.length,
      vary: 'accept-encoding',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  }

  private compressed(path: string): Promise<Compressed | null> {
    let entry = this.cache.get(path);
    if (!entry) {
      entry = compress(path);
      this.cache.set(path, entry);
      // Only files that exist are kept: asked-for names must not grow the cache.
      void entry.then((found) => found ?? this.cache.delete(path));
    }
    return entry;
  }
}

async function compress(path: string): Promise<Compressed | null> {
  let plain: Buffer;
  try {
    plain = await readFile(path);
  } catch {
    return null;
  }
  const built = await Promise.all([readFile(`${path}.br`), readFile(`${path}.gz`)]).catch(
    () => undefined,
  );
  if (built) return { br: built[0], gzip: built[1] };
  const [br, gz] = await Promise.all([
    // Quality 9 is within a few per cent of 11 at a fraction of its time: the first
    // request waits for it.
    brotli(plain, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
      },
    }),
    gzip(plain, { level: 9 }),
  ]);
  return { br, gzip: gz };
}
