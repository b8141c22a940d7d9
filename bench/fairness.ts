/**
 * Fair sharing of a capped tunnel: an interactive echo (64 B every 20 ms) on one service
 * while another service carries a bulk transfer, through the local service capped like AWS
 * (800 KB/s per direction), with TunnelDesk on both ends as separate processes. For each
 * direction of the bulk transfer and for each send order (fair scheduler, arrival order),
 * prints the interactive round trip (p50/p99/max) idle and under bulk, and the bulk goodput
 * as a share of the cap.
 */
import net from 'node:net';
import {
  startCountingSink,
  startEchoServer,
  unusedPort,
  type RunningServer,
} from '../src-main/core/test-support/local-servers.js';
import { startTunneldesk, type Proc } from '../src-main/core/test-support/processes.js';

export const CAP_BYTES_PER_SECOND = 800_000;
const MESSAGE_BYTES = 64;
const MESSAGE_EVERY_MS = 20;

export type SendOrder = 'fair' | 'arrival';

interface Tunnel {
  ports: Record<string, number>;
  stop(): Promise<void>;
}

async function startTunnel(
  targets: Record<string, number>,
  order: SendOrder,
  rate: number,
): Promise<Tunnel> {
  const servicePort = await unusedPort();
  const services = Object.keys(targets);
  const procs: Proc[] = [];
  const service = startTunneldesk([
    'service',
    '--port',
    String(servicePort),
    '--rate',
    String(rate),
    '--tunnel',
    `fair:FAIR_SRC_TOKEN_0001:FAIR_DST_TOKEN_0001:${services.join(',')}`,
  ]);
  procs.push(service);
  await service.waitFor(/listening on/);
  const common = ['-e', `127.0.0.1:${servicePort}`, '-k', '-v', '4', '--send-order', order];
  const destination = startTunneldesk(
    ['proxy', ...common, '-d', services.map((s) => `${s}=127.0.0.1:${targets[s]}`).join(',')],
    { AWSIOT_TUNNEL_ACCESS_TOKEN: 'FAIR_DST_TOKEN_0001' },
  );
  procs.push(destination);
  await destination.waitFor(/ready: /);
  const source = startTunneldesk(
    ['proxy', ...common, '-s', services.map((s) => `${s}=0`).join(',')],
    { AWSIOT_TUNNEL_ACCESS_TOKEN: 'FAIR_SRC_TOKEN_0001' },
  );
  procs.push(source);
  const ports: Record<string, number> = {};
  for (const s of services) {
    ports[s] = Number((await source.waitFor(new RegExp(`^${s} [\\d.]+:(\\d+)$`)))[1]);
  }
  return {
    ports,
    async stop() {
      await Promise.all(procs.slice(1).map((p) => p.stop()));
      await service.stop();
    },
  };
}

/** A server that writes as fast as the connection takes (the bulk download's source). */
async function startFirehose(): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const block = Buffer.alloc(64 * 1024, 0x42);
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const pump = (): void => {
      while (!socket.destroyed && socket.write(block));
    };
    socket.on('drain', pump);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends 64 B every 20 ms for `ms` and returns each message's echo round trip, ms. */
async function interactive(port: number, ms: number): Promise<number[]> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const sentAt: number[] = [];
  const rtts: number[] = [];
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    const before = Math.floor(received / MESSAGE_BYTES);
    received += chunk.length;
    const after = Math.floor(received / MESSAGE_BYTES);
    for (let i = before; i < after; i++) rtts.push(performance.now() - sentAt[i]!);
  });
  const message = Buffer.alloc(MESSAGE_BYTES, 0x61);
  const end = performance.now() + ms;
  while (performance.now() < end) {
    sentAt.push(performance.now());
    socket.write(message);
    await new Promise((resolve) => setTimeout(resolve, MESSAGE_EVERY_MS));
  }
  // Messages still in flight when the run ends count at what they have waited so far.
  const deadline = performance.now() + 15_000;
  while (rtts.length < sentAt.length && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (let i = rtts.length; i < sentAt.length; i++) rtts.push(performance.now() - sentAt[i]!);
  socket.destroy();
  return rtts;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

function describe(rtts: number[]): string {
  return `p50 ${percentile(rtts, 50).toFixed(0)} ms, p99 ${percentile(rtts, 99).toFixed(0)} ms, max ${Math.max(...rtts).toFixed(0)} ms`;
}

export interface FairnessResult {
  direction: 'upload' | 'download';
  order: SendOrder;
  idle: number[];
  underBulk: number[];
  goodputShare: number;
}

/** One run: idle interactive for `idleMs`, then interactive under bulk for `bulkMs`. */
export async function fairnessRun(
  direction: 'upload' | 'download',
  order: SendOrder,
  { idleMs = 3_000, bulkMs = 10_000, rate = CAP_BYTES_PER_SECOND } = {},
): Promise<FairnessResult> {
  const echo = await startEchoServer();
  const sink = await startCountingSink();
  const firehose = await startFirehose();
  const tunnel = await startTunnel(
    { ECHO: echo.port, BULK: direction === 'upload' ? sink.port : firehose.port },
    order,
    rate,
  );
  try {
    const idle = await interactive(tunnel.ports.ECHO!, idleMs);
    const bulk = net.connect({ host: '127.0.0.1', port: tunnel.ports.BULK!, noDelay: true });
    bulk.on('error', () => {});
    let downloaded = 0;
    const block = Buffer.alloc(64 * 1024, 0x62);
    if (direction === 'upload') {
      const pump = (): void => {
        while (!bulk.destroyed && bulk.write(block));
      };
      bulk.on('drain', pump);
      bulk.once('connect', pump);
    } else {
      bulk.on('data', (chunk: Buffer) => (downloaded += chunk.length));
    }
    // Let the bulk transfer fill the queues before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const startBytes = direction === 'upload' ? sink.bytes() : downloaded;
    const started = performance.now();
    const underBulk = await interactive(tunnel.ports.ECHO!, bulkMs);
    const seconds = (performance.now() - started) / 1000;
    const moved = (direction === 'upload' ? sink.bytes() : downloaded) - startBytes;
    bulk.destroy();
    return {
      direction,
      order,
      idle,
      underBulk,
      goodputShare: moved / seconds / rate,
    };
  } finally {
    await tunnel.stop();
    await Promise.all([echo.close(), sink.close(), firehose.close()]);
  }
}

export async function fairness(): Promise<void> {
  console.log(
    `capped at ${CAP_BYTES_PER_SECOND / 1000} KB/s per direction; interactive: ${MESSAGE_BYTES} B every ${MESSAGE_EVERY_MS} ms`,
  );
  for (const direction of ['upload', 'download'] as const) {
    for (const order of ['fair', 'arrival'] as const) {
      const result = await fairnessRun(direction, order);
      console.log(
        `${direction.padEnd(8)} ${order === 'fair' ? 'fair scheduler' : 'arrival order '}  ` +
          `idle: ${describe(result.idle)}   under bulk: ${describe(result.underBulk)}   ` +
          `bulk goodput ${(result.goodputShare * 100).toFixed(1)}% of the cap`,
      );
    }
  }
}
