/**
 * The soak's traffic: the device side's servers, and the operator side's clients that keep
 * them busy through the tunnel. Every byte that arrives, either way, is checked against the
 * stream it belongs to (soak-stream.ts); a connection cut by a forced reconnect just ends
 * its exchange early (what arrived before the cut is still checked) and starts another.
 *
 * - HTTP: GETs of checked bodies and checked uploads (POST), some on keep-alive connections.
 * - Interactive: echo sessions writing a short line every 50 ms, timing each round trip.
 * - Bulk: both ways at once on one connection (the server sends one stream while it checks
 *   the other), tens of MiB each.
 * - Churn: connections opened, used for one line, and closed, one after the other.
 */
import http from 'node:http';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { randomOffset, StreamChecker, streamBytes } from './soak-stream.js';

const MiB = 1024 * 1024;

export interface Tally {
  corrupted: number;
  checkedBytes: number;
  httpOk: number;
  httpFailed: number;
  echoLines: number;
  echoMaxMs: number;
  bulkDone: number;
  bulkCut: number;
  bulkBytes: number;
  churnOk: number;
  churnFailed: number;
}

export function newTally(): Tally {
  return {
    corrupted: 0,
    checkedBytes: 0,
    httpOk: 0,
    httpFailed: 0,
    echoLines: 0,
    echoMaxMs: 0,
    bulkDone: 0,
    bulkCut: 0,
    bulkBytes: 0,
    churnOk: 0,
    churnFailed: 0,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function checkInto(tally: Tally, checker: StreamChecker, chunk: Buffer): void {
  tally.corrupted += checker.check(chunk);
  tally.checkedBytes += chunk.length;
}

// ---- the device side ---------------------------------------------------------------------

export interface Servers {
  ports: { HTTP1: number; ECHO1: number; BULK: number };
  close(): void;
}

export async function startServers(tally: Tally): Promise<Servers> {
  const sockets = new Set<net.Socket>();
  const keep = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const web = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const offset = Number(url.searchParams.get('offset'));
    if (request.method === 'POST') {
      const checker = new StreamChecker(offset);
      request.on('data', (chunk: Buffer) => checkInto(tally, checker, chunk));
      request.on('end', () => response.end(`ok ${checker.received}`));
      request.on('error', () => {});
      return;
    }
    const size = Number(url.searchParams.get('size'));
    response.setHeader('content-length', size);
    response.end(streamBytes(offset, 0, size));
  });
  web.on('connection', keep);
  const echo = net.createServer((socket) => {
    keep(socket);
    socket.pipe(socket);
  });
  const bulk = net.createServer((socket) => {
    keep(socket);
    void serveBulk(socket, tally);
  });
  const listen = async (server: net.Server): Promise<number> => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as net.AddressInfo).port;
  };
  return {
    ports: { HTTP1: await listen(web), ECHO1: await listen(echo), BULK: await listen(bulk) },
    close() {
      for (const socket of sockets) socket.destroy();
      for (const server of [web, echo, bulk]) server.close();
    },
  };
}

/** Header: down size, up size, down offset, up offset (u32 each, big-endian). */
const BULK_HEADER = 16;

async function serveBulk(socket: net.Socket, tally: Tally): Promise<void> {
  let header = Buffer.alloc(0);
  let checker: StreamChecker | undefined;
  socket.on('data', (chunk: Buffer) => {
    if (!checker) {
      header = Buffer.concat([header, chunk]);
      if (header.length < BULK_HEADER) return;
      checker = new StreamChecker(header.readUInt32BE(12));
      void sendStream(socket, header.readUInt32BE(8), header.readUInt32BE(0));
      chunk = header.subarray(BULK_HEADER);
    }
    checkInto(tally, checker, chunk);
  });
}

/** Writes `size` bytes of a stream with backpressure; stops early if the socket goes. */
async function sendStream(socket: net.Socket, offset: number, size: number): Promise<void> {
  for (let sent = 0; sent < size && !socket.destroyed;) {
    const n = Math.min(256 * 1024, size - sent);
    const ok = socket.write(streamBytes(offset, sent, n));
    sent += n;
    if (!ok) await drainedOrClosed(socket);
  }
}

/** Resolves on 'drain' or 'close', whichever first, and leaves no listener behind. */
function drainedOrClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

// ---- the operator side -------------------------------------------------------------------

export interface Clients {
  stop(): Promise<void>;
}

export function startClients(ports: Servers['ports'], tally: Tally): Clients {
  let running = true;
  const loop = async (body: () => Promise<void>, pauseAfterError: number): Promise<void> => {
    while (running) {
      try {
        await body();
      } catch {
        await sleep(pauseAfterError);
      }
    }
  };
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const loops = [
    loop(() => httpExchange(ports.HTTP1, tally, keepAlive), 200),
    loop(() => httpExchange(ports.HTTP1, tally, false), 200),
    ...Array.from({ length: 4 }, () =>
      loop(() => echoSession(ports.ECHO1, tally, () => running), 100),
    ),
    ...Array.from({ length: 2 }, () => loop(() => bulkExchange(ports.BULK, tally), 200)),
    loop(() => churn(ports.ECHO1, tally), 100),
  ];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      keepAlive.destroy();
    },
  };
}

/** One GET of a checked body, or one checked upload. */
function httpExchange(port: number, tally: Tally, agent: http.Agent | false): Promise<void> {
  const offset = randomOffset();
  const upload = randomInt(4) === 0;
  const size = randomInt(1024, 2 * MiB);
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      tally.httpFailed++;
      reject(error);
    };
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: upload ? 'POST' : 'GET',
        path: `/${upload ? 'upload' : 'bytes'}?offset=${offset}&size=${size}`,
        timeout: 30_000,
      },
      (response) => {
        const checker = new StreamChecker(offset);
        const text: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          if (upload) text.push(chunk);
          else checkInto(tally, checker, chunk);
        });
        response.on('error', fail);
        response.on('end', () => {
          const complete = upload
            ? Buffer.concat(text).toString() === `ok ${size}`
            : checker.received === size;
          if (!complete) return fail(new Error('cut short'));
          tally.httpOk++;
          resolve();
        });
      },
    );
    request.on('error', fail);
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.end(upload ? streamBytes(offset, 0, size) : undefined);
  });
}

/** An interactive session: a short line every 50 ms, each echoed before the next. */
async function echoSession(port: number, tally: Tally, running: () => boolean): Promise<void> {
  const socket = await connectTo(port);
  const offset = randomOffset();
  const checker = new StreamChecker(offset);
  let sent = 0;
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    checkInto(tally, checker, chunk);
    wake?.();
  });
  socket.once('close', () => {
    closed = true;
    wake?.();
  });
  try {
    while (running()) {
      const line = streamBytes(offset, sent, randomInt(16, 200));
      sent += line.length;
      const start = performance.now();
      socket.write(line);
      while (checker.received < sent) {
        if (closed) throw new Error('closed');
        await new Promise<void>((resolve) => (wake = resolve));
      }
      tally.echoLines++;
      tally.echoMaxMs = Math.max(tally.echoMaxMs, performance.now() - start);
      await sleep(50);
    }
  } finally {
    socket.destroy();
  }
}

/** Tens of MiB each way on one connection, at once; the server checks the upload. */
async function bulkExchange(port: number, tally: Tally): Promise<void> {
  const socket = await connectTo(port);
  const down = randomInt(8 * MiB, 64 * MiB);
  const up = randomInt(8 * MiB, 64 * MiB);
  const [downOffset, upOffset] = [randomOffset(), randomOffset()];
  const header = Buffer.alloc(BULK_HEADER);
  header.writeUInt32BE(down, 0);
  header.writeUInt32BE(up, 4);
  header.writeUInt32BE(downOffset, 8);
  header.writeUInt32BE(upOffset, 12);
  const checker = new StreamChecker(downOffset);
  const received = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      checkInto(tally, checker, chunk);
      tally.bulkBytes += chunk.length;
      if (checker.received >= down) resolve();
    });
    socket.once('close', () => reject(new Error('closed')));
  });
  socket.write(header);
  try {
    await Promise.all([sendStream(socket, upOffset, up), received]);
    tally.bulkBytes += up;
    tally.bulkDone++;
  } catch (error) {
    tally.bulkCut++;
    throw error;
  } finally {
    // Give the server time to read the upload's tail before the connection goes.
    await sleep(100);
    socket.destroy();
  }
}

/** A connection opened, used once and closed. */
async function churn(port: number, tally: Tally): Promise<void> {
  try {
    const socket = await connectTo(port);
    const offset = randomOffset();
    const checker = new StreamChecker(offset);
    const line = streamBytes(offset, 0, 64);
    const echoed = new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        checkInto(tally, checker, chunk);
        if (checker.received >= line.length) resolve();
      });
      socket.once('close', () => reject(new Error('closed')));
    });
    socket.write(line);
    await echoed;
    socket.end();
    tally.churnOk++;
    await sleep(20);
  } catch (error) {
    tally.churnFailed++;
    throw error;
  }
}

async function connectTo(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.on('error', () => {});
  await Promise.race([
    once(socket, 'connect'),
    once(socket, 'close').then(() => Promise.reject(new Error('refused'))),
  ]);
  return socket;
}
