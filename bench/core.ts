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
import { readFileSync } from 'node:fs';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A process whose CPU time and peak memory the benchmarks read (ours or the reference's). */
export interface Measured {
  exited: Promise<number | null>;
  cpuSeconds(): number;
  peakRss(): number;
  /** Times the process has gone to sleep (voluntary context switches) so far. */
  sleeps(): number;
  /** Its recent output lines (warnings and errors say why a round failed). */
  recentOutput(): string[];
  stop(): Promise<void>;
}

/** Voluntary context switches of a process: each is a wait for input, a wake-up to follow. */
export function sleepsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = status.match(/^voluntary_ctxt_switches:\s+(\d+)/m);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // exited
  }
}

/** One of our processes as the benchmarks measure it. */
function measured(proc: Proc): Proc & Measured {
  let last = 0;
  return Object.assign(proc, {
    sleeps: () => (last = sleepsOf(proc.child.pid) ?? last),
    recentOutput: () => proc.output.slice(-200),
  });
}

export interface Setup {
  ports: Record<string, number>;
  source: Measured;
  destination: Measured;
  /** The tunnel service both proxies connect to (ours, in its own process, either way). */
  service: { cpuSeconds(): number };
  stop(): Promise<void>;
}

/** Starts the destination and then the source proxy against a running service. */
export type ProxyStarter = (
  servicePort: number,
  tokens: { source: string; destination: string },
  targets: Record<string, number>,
) => Promise<{ source: Measured; destination: Measured; ports: Record<string, number> }>;

/** TunnelDesk on both ends, the source listening on ports it picks and prints. */
export const startOurProxies: ProxyStarter = async (servicePort, tokens, targets) => {
  const services = Object.keys(targets);
  const endpoint = ['-e', `127.0.0.1:${servicePort}`, '-k', '-v', '2'];
  const destination = measured(
    startTunneldesk(
      ['proxy', ...endpoint, '-d', services.map((s) => `${s}=127.0.0.1:${targets[s]}`).join(',')],
      { AWSIOT_TUNNEL_ACCESS_TOKEN: tokens.destination },
    ),
  );
  const source = measured(
    startTunneldesk(['proxy', ...endpoint, '-s', services.map((s) => `${s}=0`).join(',')], {
      AWSIOT_TUNNEL_ACCESS_TOKEN: tokens.source,
    }),
  );
  const ports: Record<string, number> = {};
  for (const s of services)
    ports[s] = Number((await source.waitFor(new RegExp(`^${s} [\\d.]+:(\\d+)$`)))[1]);
  await new Promise((r) => setTimeout(r, 300)); // let the destination join
  return { source, destination, ports };
};

/** `tunneldesk service` (TLS on loopback) with one tunnel for `targets`, and two proxies on it. */
export async function startTunnel(
  targets: Record<string, number>,
  startProxies: ProxyStarter = startOurProxies,
): Promise<Setup> {
  const servicePort = await unusedPort();
  const services = Object.keys(targets);
  const tokens = { source: 'BENCH_SRC_TOKEN_0001', destination: 'BENCH_DST_TOKEN_0001' };
  const service = startTunneldesk([
    'service',
    '--port',
    String(servicePort),
    '--tunnel',
    `bench:${tokens.source}:${tokens.destination}:${services.join(',')}`,
  ]);
  let proxies;
  try {
    // A busy machine (the compare benchmark's CPU burners, other work) slows the start down.
    await service.waitFor(/listening on/, 60_000);
    proxies = await startProxies(servicePort, tokens, targets);
  } catch (error) {
    await service.stop();
    throw error;
  }
  const { source, destination } = proxies;
  return {
    ...proxies,
    service,
    async stop() {
      await Promise.all([source.stop(), destination.stop()]);
      await service.stop();
    },
  };
}

/**
 * Seconds taken by `work`, and CPU seconds spent meanwhile by each proxy, by the service and
 * by this process (`loadCpu`: the benchmark's own ends, which send, hash or echo the bytes).
 */
export async function timed<T>(
  setup: Setup,
  work: () => Promise<T>,
): Promise<{
  result: T;
  seconds: number;
  sourceCpu: number;
  destinationCpu: number;
  serviceCpu: number;
  loadCpu: number;
  sourceSleeps: number;
  destinationSleeps: number;
}> {
  const cpu = [
    setup.source.cpuSeconds(),
    setup.destination.cpuSeconds(),
    setup.service.cpuSeconds(),
  ] as const;
  const sleeps = [setup.source.sleeps(), setup.destination.sleeps()] as const;
  const load = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const seconds = (performance.now() - start) / 1000;
  const loadUsage = process.cpuUsage(load);
  return {
    result,
    seconds,
    sourceCpu: setup.source.cpuSeconds() - cpu[0],
    destinationCpu: setup.destination.cpuSeconds() - cpu[1],
    serviceCpu: setup.service.cpuSeconds() - cpu[2],
    loadCpu: (loadUsage.user + loadUsage.system) / 1e6,
    sourceSleeps: setup.source.sleeps() - sleeps[0],
    destinationSleeps: setup.destination.sleeps() - sleeps[1],
  };
}

export function mbps(bytes: number, seconds: number): string {
  return (bytes / 1e6 / seconds).toFixed(1);
}

/** One upload of `size` bytes through `port`; whether the hash came back right. */
export async function uploadOnce(port: number, size: number): Promise<boolean> {
  return (await sendAndHash(port, size)) === patternHash(size);
}

/** One download of the source of bytes through `port`; whether its hash is right. */
export async function downloadOnce(port: number, sha256: string): Promise<boolean> {
  return (await connect(port).then(hashAll)).sha256 === sha256;
}

export async function throughput(size = GiB): Promise<void> {
  const upload = await startHashServer();
  const download = await startSourceOfBytes(size);
  const tunnel = await startTunnel({ UP: upload.port, DOWN: download.port });
  try {
    const up = await timed(tunnel, () => uploadOnce(tunnel.ports.UP!, size));
    if (!up.result) throw new Error('upload corrupted');
    console.log(
      `upload    ${mbps(size, up.seconds)} MB/s   source CPU ${((up.sourceCpu * GiB) / size).toFixed(2)} s/GiB   (${size / MiB} MiB, hash ok)`,
    );
    const down = await timed(tunnel, () => downloadOnce(tunnel.ports.DOWN!, download.sha256));
    if (!down.result) throw new Error('download corrupted');
    console.log(
      `download  ${mbps(size, down.seconds)} MB/s   source CPU ${((down.sourceCpu * GiB) / size).toFixed(2)} s/GiB   (${size / MiB} MiB, hash ok)`,
    );
  } finally {
    await tunnel.stop();
    await upload.close();
    await download.close();
  }
}

/** The middle value (the mean of the two middle ones of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** Milliseconds from connect to the first echoed byte, one connection after another, sorted. */
export async function firstByteTimes(port: number, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => socket.write('x'));
      socket.once('data', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before the first byte')));
    });
    times.push(performance.now() - start);
    socket.destroy();
  }
  return times.sort((a, b) => a - b);
}

export async function firstByte(rounds = 200): Promise<void> {
  const echo = await startEchoServer();
  const tunnel = await startTunnel({ ECHO: echo.port });
  try {
    const times = await firstByteTimes(tunnel.ports.ECHO!, rounds);
    console.log(
      `first echoed byte after connect: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms (${rounds} connections)`,
    );
  } finally {
    await tunnel.stop();
    await echo.close();
  }
}

/**
 * `count` simultaneous connections each echoing `bytesEach` random bytes; how many came back
 * exact. With `deadlineMs`, a connection still waiting then counts as lost.
 */
export async function echoMany(
  port: number,
  count: number,
  bytesEach: number,
  deadlineMs?: number,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    if (deadlineMs !== undefined) timer = setTimeout(resolve, deadlineMs);
  });
  const sockets = new Set<net.Socket>();
  const echoOne = async (): Promise<boolean> => {
    const payload = randomBytes(bytesEach);
    let socket: net.Socket;
    try {
      socket = await connect(port);
    } catch {
      return false;
    }
    sockets.add(socket);
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
  };
  const results = await Promise.all(
    Array.from({ length: count }, () => Promise.race([echoOne(), deadline.then(() => false)])),
  );
  clearTimeout(timer);
  for (const socket of sockets) socket.destroy();
  return results.filter(Boolean).length;
}

export async function manyConnections(count = 1000, bytesEach = 16 * 1024): Promise<void> {
  const echo = await startEchoServer();
  const tunnel = await startTunnel({ ECHO: echo.port });
  try {
    const { result: exact, seconds } = await timed(tunnel, () =>
      echoMany(tunnel.ports.ECHO!, count, bytesEach),
    );
    console.log(
      `${count} simultaneous echo connections of ${bytesEach / 1024} KiB: ${exact} byte-exact, ${count - exact} lost, ` +
        `${seconds.toFixed(2)} s total, source peak RSS ${(tunnel.source.peakRss() / MiB).toFixed(0)} MiB`,
    );
  } finally {
    await tunnel.stop();
    await echo.close();
  }
}
