/**
 * The core's figures: throughput each way through the local service with TLS on loopback
 * (MB/s, and CPU seconds per GiB of the source process), time from accept to first echoed
 * byte, and 1,000 simultaneous echo connections (all byte-exact, total time, peak RSS).
 * TunnelDesk runs on both ends, each side in its own process, as a user runs it.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  connect,
  hashAll,
  sendAndHash,
  startEchoServer,
  startHashServer,
  startSourceOfBytes,
  patternHash,
  unusedPort,
} from '../src-main/core/test-support/local-servers.js';
import { startTunneldesk, type Proc } from '../src-main/core/test-support/processes.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

interface Setup {
  ports: Record<string, number>;
  source: Proc;
  stop(): Promise<void>;
}

async function startTunnel(targets: Record<string, number>): Promise<Setup> {
  const servicePort = await unusedPort();
  const services = Object.keys(targets);
  const service = startTunneldesk([
    'service',
    '--port',
    String(servicePort),
    '--tunnel',
    `bench:BENCH_SRC_TOKEN_0001:BENCH_DST_TOKEN_0001:${services.join(',')}`,
  ]);
  await service.waitFor(/listening on/);
  const endpoint = ['-e', `127.0.0.1:${servicePort}`, '-k', '-v', '2'];
  const destination = startTunneldesk(
    ['proxy', ...endpoint, '-d', services.map((s) => `${s}=127.0.0.1:${targets[s]}`).join(',')],
    { AWSIOT_TUNNEL_ACCESS_TOKEN: 'BENCH_DST_TOKEN_0001' },
  );
  const source = startTunneldesk(
    ['proxy', ...endpoint, '-s', services.map((s) => `${s}=0`).join(',')],
    {
      AWSIOT_TUNNEL_ACCESS_TOKEN: 'BENCH_SRC_TOKEN_0001',
    },
  );
  const ports: Record<string, number> = {};
  for (const s of services)
    ports[s] = Number((await source.waitFor(new RegExp(`^${s} [\\d.]+:(\\d+)$`)))[1]);
  await new Promise((r) => setTimeout(r, 300)); // let the destination join
  return {
    ports,
    source,
    async stop() {
      await Promise.all([source.stop(), destination.stop()]);
      await service.stop();
    },
  };
}

function mbps(bytes: number, seconds: number): string {
  return (bytes / 1e6 / seconds).toFixed(1);
}

export async function throughput(size = GiB): Promise<void> {
  const upload = await startHashServer();
  const download = await startSourceOfBytes(size);
  const tunnel = await startTunnel({ UP: upload.port, DOWN: download.port });
  try {
    let cpu = tunnel.source.cpuSeconds();
    let start = performance.now();
    const uploaded = await sendAndHash(tunnel.ports.UP!, size);
    let seconds = (performance.now() - start) / 1000;
    let cpuPerGiB = ((tunnel.source.cpuSeconds() - cpu) * GiB) / size;
    if (uploaded !== patternHash(size)) throw new Error('upload corrupted');
    console.log(
      `upload    ${mbps(size, seconds)} MB/s   source CPU ${cpuPerGiB.toFixed(2)} s/GiB   (${size / MiB} MiB, hash ok)`,
    );

    cpu = tunnel.source.cpuSeconds();
    start = performance.now();
    const downloaded = await connect(tunnel.ports.DOWN!).then(hashAll);
    seconds = (performance.now() - start) / 1000;
    cpuPerGiB = ((tunnel.source.cpuSeconds() - cpu) * GiB) / size;
    if (downloaded.sha256 !== download.sha256) throw new Error('download corrupted');
    console.log(
      `download  ${mbps(size, seconds)} MB/s   source CPU ${cpuPerGiB.toFixed(2)} s/GiB   (${size / MiB} MiB, hash ok)`,
    );
  } finally {
    await tunnel.stop();
    await upload.close();
    await download.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

export async function firstByte(rounds = 200): Promise<void> {
  const echo = await startEchoServer();
  const tunnel = await startTunnel({ ECHO: echo.port });
  try {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      const socket = net.connect({ host: '127.0.0.1', port: tunnel.ports.ECHO!, noDelay: true });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => socket.write('x'));
        socket.once('data', () => resolve());
        socket.once('error', reject);
      });
      times.push(performance.now() - start);
      socket.destroy();
    }
    times.sort((a, b) => a - b);
    console.log(
      `first echoed byte after connect: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms (${rounds} connections)`,
    );
  } finally {
    await tunnel.stop();
    await echo.close();
  }
}

export async function manyConnections(count = 1000, bytesEach = 16 * 1024): Promise<void> {
  const echo = await startEchoServer();
  const tunnel = await startTunnel({ ECHO: echo.port });
  try {
    const start = performance.now();
    const results = await Promise.all(
      Array.from({ length: count }, async () => {
        const payload = randomBytes(bytesEach);
        const socket = await connect(tunnel.ports.ECHO!);
        const chunks: Buffer[] = [];
        let got = 0;
        const done = new Promise<Buffer>((resolve) => {
          socket.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            got += chunk.length;
            if (got >= payload.length) resolve(Buffer.concat(chunks));
          });
          socket.on('close', () => resolve(Buffer.concat(chunks)));
          socket.on('error', () => resolve(Buffer.concat(chunks)));
        });
        socket.write(payload);
        const echoed = await done;
        socket.destroy();
        const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
        return hash(echoed) === hash(payload);
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const exact = results.filter(Boolean).length;
    console.log(
      `${count} simultaneous echo connections of ${bytesEach / 1024} KiB: ${exact} byte-exact, ${count - exact} lost, ` +
        `${seconds.toFixed(2)} s total, source peak RSS ${(tunnel.source.peakRss() / MiB).toFixed(0)} MiB`,
    );
  } finally {
    await tunnel.stop();
    await echo.close();
  }
}
