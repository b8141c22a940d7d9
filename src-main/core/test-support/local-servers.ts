/** Real local servers and clients for tests and benchmarks: echo, HTTP, sinks, hashes. */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';

export interface Closable {
  close(): Promise<void>;
}

export interface RunningServer extends Closable {
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
}

async function listen(server: net.Server | http.Server, host = '127.0.0.1'): Promise<number> {
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** A TCP server that writes back every byte it reads. */
export async function startEchoServer(): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  const port = await listen(server);
  return {
    port,
    get accepted() {
      return accepted;
    },
    close: closer(server, sockets),
  };
}

/** A TCP server that reads and discards everything, counting the bytes (a bulk upload's far end). */
export async function startCountingSink(): Promise<RunningServer & { bytes: () => number }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let bytes = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  });
  const port = await listen(server);
  return {
    port,
    get accepted() {
      return accepted;
    },
    bytes: () => bytes,
    close: closer(server, sockets),
  };
}

/** A TCP server that answers each connection with the SHA-256 of everything it read. */
export async function startHashServer(): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const hash = createHash('sha256');
    let expected = -1;
    let received = 0;
    let header = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      // A proxy that delivers more than was sent gets "too long", never a hash; what comes
      // after the answer is ignored (the answer is out).
      if (answered) return;
      // The client sends an 8-byte length first, so the server knows when to answer
      // (the tunnel protocol has no half-close).
      if (expected < 0) {
        header = Buffer.concat([header, chunk]);
        if (header.length < 8) return;
        expected = Number(header.readBigUInt64BE(0));
        chunk = header.subarray(8);
      }
      hash.update(chunk);
      received += chunk.length;
      if (received < expected) return;
      answered = true;
      socket.end(received === expected ? hash.digest('hex') : `too long: ${received} bytes`);
    });
  });
  const port = await listen(server);
  return {
    port,
    get accepted() {
      return accepted;
    },
    close: closer(server, sockets),
  };
}

/** A TCP server that sends `size` deterministic bytes to each connection, then closes. */
export async function startSourceOfBytes(
  size: number,
): Promise<RunningServer & { sha256: string }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const block = patternBlock();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    writePattern(socket, size, block);
  });
  const port = await listen(server);
  return {
    port,
    sha256: patternHash(size),
    get accepted() {
      return accepted;
    },
    close: closer(server, sockets),
  };
}

/** An HTTP server with a page and a byte-counting upload endpoint. */
export async function startHttpServer(): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = http.createServer((request, response) => {
    if (request.url === '/upload') {
      const hash = createHash('sha256');
      request.on('data', (chunk: Buffer) => hash.update(chunk));
      request.on('end', () => response.end(hash.digest('hex')));
      return;
    }
    response.setHeader('content-type', 'text/html');
    response.end(`<html><body><h1>device status</h1><p>path ${request.url}</p></body></html>`);
  });
  server.on('connection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    get accepted() {
      return accepted;
    },
    close: closer(server, sockets),
  };
}

/** 64 KiB of a fixed pseudo-random pattern. */
/** Writes `size` bytes of the pattern to `socket`, minding backpressure, then ends it. */
export function writePattern(socket: net.Socket, size: number, block = patternBlock()): void {
  let sent = 0;
  const more = (): void => {
    while (sent < size) {
      const n = Math.min(block.length, size - sent);
      sent += n;
      if (!socket.write(block.subarray(0, n))) {
        socket.once('drain', more);
        return;
      }
    }
    socket.end();
  };
  more();
}

export function patternBlock(): Buffer {
  const block = Buffer.alloc(65_536);
  let x = 0x12345678;
  for (let i = 0; i < block.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 0xff;
  }
  return block;
}

/** The SHA-256 of `size` bytes of the repeated pattern. */
export function patternHash(size: number): string {
  const block = patternBlock();
  const hash = createHash('sha256');
  for (let sent = 0; sent < size; sent += block.length)
    hash.update(block.subarray(0, Math.min(block.length, size - sent)));
  return hash.digest('hex');
}

/** Connects to 127.0.0.1:port. */
export async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  return socket;
}

/** The 8-byte length the hash server reads before the bytes it hashes. */
export function lengthHeader(size: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(size));
  return header;
}

/** Sends `size` pattern bytes (after an 8-byte length) and resolves with the hash the server answers. */
export async function sendAndHash(port: number, size: number): Promise<string> {
  const socket = await connect(port);
  const answer = readAll(socket);
  socket.write(lengthHeader(size));
  const block = patternBlock();
  for (let sent = 0; sent < size;) {
    const n = Math.min(block.length, size - sent);
    sent += n;
    if (!socket.write(block.subarray(0, n))) await once(socket, 'drain');
  }
  return (await answer).toString();
}

/** Reads a socket to its end. */
export function readAll(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

/** Reads a socket to its end and hashes it, without keeping the bytes. */
export function hashAll(socket: net.Socket): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    socket.on('close', () => resolve({ sha256: hash.digest('hex'), bytes }));
    socket.on('error', reject);
  });
}

/** Writes `data` and reads exactly `data.length` bytes back. */
export async function echoRoundTrip(socket: net.Socket, data: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<Buffer>((resolve, reject) => {
    const onClose = (): void => reject(new Error(`closed after ${got} of ${data.length} bytes`));
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= data.length) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
  socket.write(data);
  return done;
}

/** A port with nothing listening (bound, then released). */
/**
 * Whether `text` comes back through `port` (an echo behind it) within a second: false on a
 * refused, reset or silent connection. For probes that poll until traffic flows.
 */
export function echoOnce(port: number, text = 'ping'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1_000);
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    socket.once('connect', () => socket.write(text));
    let got = '';
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString();
      if (got === text) done(true);
    });
  });
}

export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET http://127.0.0.1:PORT/path on a fresh connection (no agent keeps it open after). */
export function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Whether a listener could bind `port` on 127.0.0.1 now: the check that nothing was left open. */
export async function isPortFree(port: number): Promise<boolean> {
  const probe = net.createServer();
  probe.listen(port, '127.0.0.1');
  try {
    await once(probe, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

/** Polls until `check` is true. */
export async function waitFor(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
