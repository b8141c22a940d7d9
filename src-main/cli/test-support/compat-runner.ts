/**
 * Runs the compatibility table (compat-cases.ts) against a program: ours (`node
 * bin/tunneldesk.js ARGS`, no subcommand) or the reference localproxy. One local tunnel
 * service (TLS, self-signed) holds a tunnel per case; a source case that tries traffic gets
 * an in-process destination forwarding to an echo server. Cases run a few at a time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DestinationAgent } from '../../core/destination/destination-agent.js';
import { silentLogger } from '../../core/log/logger.js';
import { TunnelService } from '../../core/service/tunnel-service.js';
import {
  echoOnce,
  startEchoServer,
  unusedPort,
  type RunningServer,
} from '../../core/test-support/local-servers.js';
import { proxyConfig } from '../../core/test-support/tunnel-harness.js';
import { COMPAT_CASES, type CompatCase, type OutcomeClass } from './compat-cases.js';

/** How long a run may take to exit (or carry traffic) before it counts as running. */
const EXIT_WINDOW_MS = 5_000;
/** How long a program may take to say its first words. */
const START_LIMIT_MS = 60_000;
const AT_ONCE = 6;

export interface Program {
  readonly name: string;
  readonly command: string;
  readonly prefix: readonly string[];
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const OURS: Program = {
  name: 'tunneldesk',
  command: process.execPath,
  prefix: [join(repoRoot(), 'bin/tunneldesk.js')],
};

export function referenceProgram(bin: string): Program {
  return { name: 'localproxy', command: bin, prefix: [] };
}

/** The reference's outcomes, as recorded in the repository. */
export const RECORDED_FILE = join(repoRoot(), 'src-main/cli/test-support/localproxy-outcomes.json');

export interface Recorded {
  readonly reference: string;
  readonly outcomes: Record<string, OutcomeClass>;
}

export function readRecorded(): Recorded {
  return JSON.parse(readFileSync(RECORDED_FILE, 'utf8')) as Recorded;
}

const REFERENCE_DEFAULTS = join(
  repoRoot(),
  'src-main/core/config/test-support/localproxy-3.3.1-default-settings.json',
);

interface Ground {
  service: TunnelService;
  echo: RunningServer;
  busy: net.Server;
  busyPort: number;
  tokens: Map<string, { source: string; destination: string }>;
}

async function startGround(cases: readonly CompatCase[]): Promise<Ground> {
  const tokens = new Map(
    cases.map((c, i) => [
      c.name,
      {
        source: `COMPAT_SRC_${i}_${process.pid}_TOKEN`,
        destination: `COMPAT_DST_${i}_${process.pid}_TOKEN`,
      },
    ]),
  );
  const service = new TunnelService({
    tls: 'self-signed',
    tunnels: cases.map((c) => ({
      id: `compat-${tokens.get(c.name)!.source}`,
      sourceToken: tokens.get(c.name)!.source,
      destinationToken: tokens.get(c.name)!.destination,
      services: ['ECHO1'],
    })),
  });
  await service.start();
  const echo = await startEchoServer();
  const busy = net.createServer();
  const busyPort = await new Promise<number>((resolve) =>
    busy.listen(0, '127.0.0.1', () => resolve((busy.address() as net.AddressInfo).port)),
  );
  return { service, echo, busy, busyPort, tokens };
}

async function runCase(program: Program, c: CompatCase, ground: Ground): Promise<OutcomeClass> {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-compat-'));
  const port = await unusedPort();
  const dead = await unusedPort();
  const fill = (text: string): string =>
    text
      .replaceAll('{SERVICE}', `127.0.0.1:${ground.service.port}`)
      .replaceAll('{PORT}', String(port))
      .replaceAll('{BUSY}', String(ground.busyPort))
      .replaceAll('{DEAD}', String(dead))
      .replaceAll('{DIR}', dir);
  for (const [name, content] of Object.entries(c.files ?? {})) {
    const text =
      content === 'REFERENCE_DEFAULT_SETTINGS' ? readFileSync(REFERENCE_DEFAULTS, 'utf8') : content;
    writeFileSync(join(dir, name), fill(text));
  }
  const tokens = ground.tokens.get(c.name)!;
  let destination: DestinationAgent | undefined;
  if (c.traffic) {
    destination = new DestinationAgent(
      proxyConfig('destination', ground.service.port, tokens.destination, {
        mode: 'destination',
        targets: new Map([['ECHO1', { kind: 'tcp', host: '127.0.0.1', port: ground.echo.port }]]),
      }),
      { logger: silentLogger },
    );
    await destination.start();
  }
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(AWSIOT_TUNNEL_|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy|ALL_PROXY)/.test(name))
      delete env[name];
  }
  if (!c.noToken) {
    env.AWSIOT_TUNNEL_ACCESS_TOKEN = c.wrongToken
      ? 'COMPAT_WRONG_TOKEN_0001'
      : c.destination
        ? tokens.destination
        : tokens.source;
  }
  for (const [name, value] of Object.entries(c.env ?? {})) env[name] = fill(value);
  const child = spawn(program.command, [...program.prefix, ...c.args.map(fill)], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The window opens at the program's first words (both programs say something as they
  // start), so a slow start on a loaded machine is not taken for a run.
  let spoke = false;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', () => (spoke = true));
  }
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  try {
    // A run that has not exited within the window runs; traffic, when tried, ends the wait
    // as soon as it flows.
    let windowEnd = Date.now() + START_LIMIT_MS;
    let exit: number | undefined;
    void exited.then((code) => (exit = code));
    let traffic = false;
    let opened = false;
    while (Date.now() < windowEnd && exit === undefined && !traffic) {
      if (spoke && !opened) {
        opened = true;
        windowEnd = Date.now() + EXIT_WINDOW_MS;
      }
      if (c.traffic) traffic = await echoOnce(port, 'compat');
      if (!traffic) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (exit !== undefined) return `exit ${exit}`;
    if (!c.traffic) return 'runs';
    return traffic ? 'runs, traffic' : 'runs, no traffic';
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(hard);
    }
    await destination?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every case (or those given) against a program; the outcome of each by name. */
export async function runCompat(
  program: Program,
  cases: readonly CompatCase[] = COMPAT_CASES,
): Promise<Map<string, OutcomeClass>> {
  const ground = await startGround(cases);
  const outcomes = new Map<string, OutcomeClass>();
  try {
    const queue = [...cases];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        outcomes.set(c.name, await runCase(program, c, ground));
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
  } finally {
    await ground.service.close();
    await ground.echo.close();
    await new Promise<void>((resolve) => ground.busy.close(() => resolve()));
  }
  return outcomes;
}

/** Each case's verdict: the same as the reference, a difference we chose, or a drift. */
export function verdict(
  c: CompatCase,
  ours: OutcomeClass,
  reference: OutcomeClass | undefined,
): { kind: 'same' | 'better' | 'differs' | 'DRIFT'; note: string } {
  if (c.ours) {
    if (ours !== c.ours.outcome)
      return { kind: 'DRIFT', note: `expected ${c.ours.outcome} (${c.ours.why})` };
    return { kind: c.ours.kind, note: c.ours.why };
  }
  if (reference === undefined) return { kind: 'DRIFT', note: 'no recorded outcome' };
  if (c.usage && ours === 'exit 2' && reference === 'exit 1') {
    return { kind: 'differs', note: 'a usage error exits 2 here, 1 in the reference; both refuse' };
  }
  return ours === reference
    ? { kind: 'same', note: '' }
    : { kind: 'DRIFT', note: `the reference: ${reference}` };
}
