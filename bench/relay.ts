/**
 * `npm run bench -- relay [--mib N] [--rounds N]`: what a plain Node program spends per GiB
 * to be either end of a tunnel when it does nothing but move bytes between a local TCP
 * socket and a TLS connection on loopback (relay-process.ts, in its own process): no
 * WebSocket, no frames, no multiplexing, Node's streams as they come. Set beside `compare`,
 * it tells how much of our proxies' CPU-s/GiB is Node's own TLS and socket work and how much
 * is ours. The sending end reads a local connection Node accepted (a fresh buffer per read,
 * as a source proxy must); the receiving end reads its TLS connection into one reused buffer
 * and copies each read once, as our proxies' decoder does.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '../src-main/core/service/certificate.js';
import {
  startCountingSink,
  unusedPort,
  waitFor,
  writePattern,
} from '../src-main/core/test-support/local-servers.js';
import { GiB, median, MiB } from './core.js';

const RELAY = fileURLToPath(new URL('./relay-process.js', import.meta.url));

interface Relay {
  /** Resolves with the relay's CPU seconds once its input has ended. */
  readonly cpu: Promise<number>;
  readonly ready: Promise<void>;
}

function startRelay(args: string[]): Relay {
  const child = spawn(process.execPath, [RELAY, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const cpu = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') onReady();
      const match = /^cpu (\S+)$/.exec(line);
      if (match) {
        resolve(Number(match[1]));
        child.kill();
      }
    });
    child.once('exit', (code) => reject(new Error(`relay process exited (${code})`)));
  });
  return { cpu, ready };
}

/** A TLS server (the tunnel service's place) that reads and counts, or writes `size` bytes. */
async function startTlsPeer(
  role: 'read' | 'write',
  size: number,
): Promise<{ port: number; received: () => number; close: () => void }> {
  const { cert, key } = await selfSignedCertificate();
  let received = 0;
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.on('error', () => {});
    if (role === 'read') socket.on('data', (chunk: Buffer) => (received += chunk.length));
    else writePattern(socket, size);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    close: () => server.close(),
  };
}

async function sendOnce(size: number): Promise<{ cpu: number; seconds: number }> {
  const peer = await startTlsPeer('read', size);
  const listen = await unusedPort();
  const relay = startRelay(['send', String(listen), String(peer.port)]);
  try {
    await relay.ready;
    const started = performance.now();
    const local = net.connect({ host: '127.0.0.1', port: listen });
    local.on('error', () => {});
    local.once('connect', () => writePattern(local, size));
    const cpu = await relay.cpu;
    await waitFor(() => peer.received() >= size, 30_000, 'the TLS peer to get every byte');
    return { cpu, seconds: (performance.now() - started) / 1000 };
  } finally {
    peer.close();
  }
}

async function receiveOnce(size: number): Promise<{ cpu: number; seconds: number }> {
  const sink = await startCountingSink();
  const peer = await startTlsPeer('write', size);
  const started = performance.now();
  const relay = startRelay(['receive', String(peer.port), String(sink.port)]);
  try {
    const cpu = await relay.cpu;
    await waitFor(() => sink.bytes() >= size, 30_000, 'the sink to get every byte');
    return { cpu, seconds: (performance.now() - started) / 1000 };
  } finally {
    peer.close();
    await sink.close();
  }
}

export async function relay(args: string[]): Promise<void> {
  const value = (flag: string, fallback: number): number => {
    const at = args.indexOf(flag);
    const parsed = at >= 0 ? Number(args[at + 1]) : fallback;
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new Error(`bench relay: ${flag} takes a whole number of at least 1`);
    }
    return parsed;
  };
  const size = value('--mib', 400) * MiB;
  const rounds = value('--rounds', 3);
  console.log(
    `relay: a plain Node relay (local TCP <-> TLS on loopback, no tunnel protocol), ${size / MiB} MiB, ${rounds} rounds, CPU of the relay process only`,
  );
  for (const [name, once] of [
    ['sending end (local TCP accepted -> TLS)', sendOnce],
    ['receiving end (TLS -> local TCP)', receiveOnce],
  ] as const) {
    const perGiB: number[] = [];
    const rates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const { cpu, seconds } = await once(size);
      perGiB.push((cpu * GiB) / size);
      rates.push(size / 1e6 / seconds);
    }
    console.log(
      `${name.padEnd(42)} ${median(perGiB).toFixed(2)} CPU-s/GiB (${Math.min(...perGiB).toFixed(2)}-${Math.max(...perGiB).toFixed(2)}), ${median(rates).toFixed(0)} MB/s`,
    );
  }
}
