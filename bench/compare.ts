/**
 * `npm run bench -- compare [--rounds N] [--mib N] [--conditions quiet,busy]
 * [--tests upload,download,first-byte,connections] [--ours-only] [--cpu-prof DIR]`
 * (README, Benchmarks): TunnelDesk and the reference C++
 * localproxy side by side, each on both ends (source and destination, separate processes)
 * of the same `tunneldesk service` (TLS on loopback), in alternating rounds (ours, theirs,
 * ours, theirs, ...). Figures per round: upload and download of one stream (hash checked),
 * accept to first echoed byte over 200 connections, 1,000 simultaneous 16 KiB echo
 * connections; CPU-s/GiB and peak RSS (VmHWM) of the source and of the destination process;
 * for the transfers also the service's and this process's (the load's) CPU-s/GiB, the cores
 * the round kept busy and the proxies' share of that CPU (what bounds the throughput's gain
 * when the round is bound by the CPU).
 * Prints per figure each side's median and range and the ratio ours/theirs. A round that
 * aborts (a proxy exits), stalls past a timeout, breaks a stream or loses connections is
 * counted and shown.
 * Every round runs quiet (the machine as it is) and busy (one CPU burner per core), and
 * each proxy's wake-ups per MiB are counted, since a proxy with a share of a core does more
 * work per byte than one with a core to itself.
 * The reference comes from $LOCALPROXY or PATH; without it, only our side runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  connect,
  hashAll,
  startEchoServer,
  startHashServer,
  startSourceOfBytes,
  unusedPort,
} from '../src-main/core/test-support/local-servers.js';
import {
  GiB,
  MiB,
  echoMany,
  firstByteTimes,
  median,
  percentile,
  sleepsOf,
  startOurProxies,
  startTunnel,
  timed,
  uploadOnce,
  type Measured,
  type ProxyStarter,
  type Setup,
} from './core.js';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const CONNECTIONS = 1000;
const ECHO_BYTES = 16 * 1024;
const FIRST_BYTE_CONNECTIONS = 200;
const FIGURE_TIMEOUT_MS = 90_000;
/** A connection of the 1,000 that has not echoed everything by then counts as lost. */
const CONNECTIONS_DEADLINE_MS = 30_000;

export const BUILD_HINT = `The reference localproxy was not found ($LOCALPROXY or PATH); running TunnelDesk alone.
Build it as its own repository's README says (aws-samples/aws-iot-securetunneling-localproxy), outside
this repository, then: LOCALPROXY=/path/to/bin/localproxy npm run bench -- compare`;

/** $LOCALPROXY, else `localproxy` on PATH, else undefined. */
export function findReference(): string | undefined {
  const candidates = process.env.LOCALPROXY
    ? [process.env.LOCALPROXY]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'localproxy'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The reference binary as a process: output lines, CPU time and peak RSS from /proc. */
function startReference(bin: string, args: string[], token: string) {
  const child = spawn(bin, args, {
    cwd: '/tmp',
    env: { ...process.env, AWSIOT_TUNNEL_ACCESS_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: () => void }>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      for (const waiter of waiters) if (waiter.pattern.test(line)) waiter.resolve();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // /proc/PID disappears with the process: keep the last reading.
  let cpu = 0;
  let rss = 0;
  let sleeps = 0;
  // Sampled while it runs, so a process that aborts still has its peak RSS read.
  const sampler = setInterval(() => proc.peakRss(), 200);
  void exited.then(() => clearInterval(sampler));
  const proc: Measured & { waitFor(pattern: RegExp): Promise<void> } = {
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`localproxy: timed out waiting for ${pattern}:\n${output.join('\n')}`));
        }, 15_000);
        const waiter = {
          pattern,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve();
          },
        };
        waiters.add(waiter);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`localproxy exited (${code}):\n${output.join('\n')}`));
        });
      });
    },
    cpuSeconds() {
      try {
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      } catch {
        // exited
      }
      return cpu;
    },
    sleeps() {
      return (sleeps = sleepsOf(child.pid) ?? sleeps);
    },
    recentOutput: () => [...output],
    peakRss() {
      try {
        const match = readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
        if (match) rss = Number(match[1]) * 1024;
      } catch {
        // exited
      }
      return rss;
    },
    async stop() {
      child.kill('SIGTERM'); // a no-op once it has exited
      const hard = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(hard);
    },
  };
  return proc;
}

/** Resolves once something listens on 127.0.0.1:port (from /proc/net/tcp, without connecting). */
async function listening(port: number): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (let waited = 0; waited < 5_000; waited += 20) {
    const table = readFileSync('/proc/net/tcp', 'utf8');
    if (table.split('\n').some((l) => l.includes(` ${local} `) && / 0A /.test(l))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** The reference on both ends; the source listens on ports picked here. */
export function referenceProxies(bin: string): ProxyStarter {
  return async (servicePort, tokens, targets) => {
    const services = Object.keys(targets);
    // -v 4 (info) for the lines that say it is ready; they are a few per connection.
    const endpoint = ['-e', `127.0.0.1:${servicePort}`, '-k', '-v', '4'];
    const destination = startReference(
      bin,
      [...endpoint, '-d', services.map((s) => `${s}=127.0.0.1:${targets[s]}`).join(',')],
      tokens.destination,
    );
    const ports: Record<string, number> = {};
    for (const s of services) ports[s] = await unusedPort();
    let source: ReturnType<typeof startReference> | undefined;
    try {
      await destination.waitFor(/Successfully established websocket connection/);
      source = startReference(
        bin,
        [...endpoint, '-s', services.map((s) => `${s}=${ports[s]}`).join(',')],
        tokens.source,
      );
      for (const s of services) {
        await source.waitFor(new RegExp(`Listening for new connection on port ${ports[s]}\\b`));
        await listening(ports[s]!); // it logs that line just before it listens
      }
    } catch (error) {
      await Promise.all([destination.stop(), source?.stop()]);
      throw error;
    }
    return { source, destination, ports };
  };
}

type Side = 'ours' | 'ref';
type Failure =
  'aborted' | 'stalled' | 'hash mismatch' | 'broken' | 'lost connections' | 'failed to start';

/** Figures per side: metric -> one value per round that produced it; failures per test. */
interface Results {
  values: Map<string, number[]>;
  failures: Map<string, Failure[]>;
  runs: Map<string, number>;
}

function record(results: Results, metric: string, value: number): void {
  results.values.set(metric, [...(results.values.get(metric) ?? []), value]);
}

/**
 * Runs one test on a fresh tunnel with a watchdog: a proxy that exits is an abort, a test
 * that takes longer than the timeout a stall.
 */
async function oneTest(
  results: Results,
  test: string,
  targets: Record<string, number>,
  proxies: ProxyStarter,
  work: (tunnel: Setup) => Promise<Failure | { failure: Failure; detail: string } | undefined>,
): Promise<string> {
  results.runs.set(test, (results.runs.get(test) ?? 0) + 1);
  const fail = (failure: Failure): string => {
    results.failures.set(test, [...(results.failures.get(test) ?? []), failure]);
    return `${test}: ${failure.toUpperCase()}`;
  };
  let tunnel: Setup;
  try {
    tunnel = await startTunnel(targets, proxies);
  } catch (error) {
    return `${fail('failed to start')} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    let gone = false;
    let detail = '';
    void Promise.race([tunnel.source.exited, tunnel.destination.exited]).then(() => (gone = true));
    const running = work(tunnel);
    running.catch(() => {});
    const outcome = await Promise.race([
      running.then(
        (result): Failure | undefined => {
          if (typeof result !== 'object') return result;
          detail = ` (${result.detail})`;
          return result.failure;
        },
        // A stream that fails: an abort if a proxy exited meanwhile, else a broken stream.
        async (error: unknown): Promise<Failure> => {
          await new Promise((r) => setTimeout(r, 300));
          detail = ` (${error instanceof Error ? error.message : String(error)})`;
          return gone ? 'aborted' : 'broken';
        },
      ),
      ...(['source', 'destination'] as const).map((end) =>
        tunnel[end].exited.then((code): Failure => {
          detail = ` (${end} exited, ${code ?? 'signal'})`;
          return 'aborted';
        }),
      ),
      new Promise<Failure>((resolve) => {
        timer = setTimeout(() => resolve('stalled'), FIGURE_TIMEOUT_MS);
      }),
    ]);
    for (const [end, proc] of [
      ['source', tunnel.source],
      ['destination', tunnel.destination],
    ] as const) {
      const rss = proc.peakRss();
      if (rss > 0) record(results, `${test}: peak RSS, ${end} (MiB)`, rss / MiB);
    }
    if (outcome && outcome !== 'aborted' && outcome !== 'stalled') {
      await new Promise((r) => setTimeout(r, 300));
      if (gone) detail += ' (a proxy exited too)';
    }
    if (outcome) detail += complaints(tunnel);
    return outcome ? fail(outcome) + detail : `${test} ok`;
  } finally {
    clearTimeout(timer);
    await tunnel.stop();
  }
}

/** The last warning or error each proxy printed, to say why a round failed. */
function complaints(tunnel: Setup): string {
  return (['source', 'destination'] as const)
    .map((end) => {
      const line = tunnel[end]
        .recentOutput()
        .filter((l) => /\b(warn|warning|error|fatal)\b/i.test(l))
        .at(-1);
      return line ? `; ${end} said: ${line.slice(0, 200)}` : '';
    })
    .join('');
}

const TESTS = ['upload', 'download', 'first-byte', 'connections'] as const;
type Test = (typeof TESTS)[number];

async function round(
  results: Results,
  proxies: ProxyStarter,
  size: number,
  servers: { hash: number; bytes: number; bytesSha: string; echo: number },
  tests: ReadonlySet<Test>,
): Promise<string[]> {
  const lines: string[] = [];
  const transfer =
    (name: string, port: 'UP' | 'DOWN', once: (port: number) => Promise<true | string>) =>
    async (tunnel: Setup): Promise<{ failure: Failure; detail: string } | undefined> => {
      const t = await timed(tunnel, () => once(tunnel.ports[port]!));
      if (t.result !== true) return { failure: 'hash mismatch', detail: t.result }; // short or corrupted
      record(results, `${name} (MB/s)`, size / 1e6 / t.seconds);
      record(results, `${name}: source CPU (s/GiB)`, (t.sourceCpu * GiB) / size);
      record(results, `${name}: destination CPU (s/GiB)`, (t.destinationCpu * GiB) / size);
      // The rest of the round's CPU: the same programs for both sides. With them, whether the
      // round was bound by the CPU (cores busy near the machine's count) and what share of it
      // the proxies are: throughput can grow by no more than what they give back.
      record(results, `${name}: service CPU (s/GiB)`, (t.serviceCpu * GiB) / size);
      record(results, `${name}: load CPU (s/GiB)`, (t.loadCpu * GiB) / size);
      const all = t.sourceCpu + t.destinationCpu + t.serviceCpu + t.loadCpu;
      record(results, `${name}: cores busy`, all / t.seconds);
      record(
        results,
        `${name}: proxies' share of CPU (%)`,
        (100 * (t.sourceCpu + t.destinationCpu)) / all,
      );
      // Wake-ups per MiB: the work per byte grows with them when the CPU is shared.
      record(results, `${name}: source wake-ups (per MiB)`, (t.sourceSleeps * MiB) / size);
      record(
        results,
        `${name}: destination wake-ups (per MiB)`,
        (t.destinationSleeps * MiB) / size,
      );
      return undefined;
    };
  if (tests.has('upload'))
    lines.push(
      await oneTest(
        results,
        'upload',
        { UP: servers.hash },
        proxies,
        transfer('upload', 'UP', async (port) =>
          (await uploadOnce(port, size)) ? true : 'the hash server read other bytes',
        ),
      ),
    );
  if (tests.has('download'))
    lines.push(
      await oneTest(
        results,
        'download',
        { DOWN: servers.bytes },
        proxies,
        transfer('download', 'DOWN', async (port) => {
          const got = await connect(port).then(hashAll);
          if (got.sha256 === servers.bytesSha) return true;
          return got.bytes === size
            ? `all ${size} bytes, other ones`
            : `${got.bytes} of ${size} bytes`;
        }),
      ),
    );
  if (tests.has('first-byte'))
    lines.push(
      await oneTest(results, 'first byte', { ECHO: servers.echo }, proxies, async (tunnel) => {
        const times = await firstByteTimes(tunnel.ports.ECHO!, FIRST_BYTE_CONNECTIONS);
        record(results, 'first byte: p50 (ms)', percentile(times, 50));
        record(results, 'first byte: p99 (ms)', percentile(times, 99));
        return undefined;
      }),
    );
  if (tests.has('connections'))
    lines.push(
      await oneTest(results, 'connections', { ECHO: servers.echo }, proxies, async (tunnel) => {
        const t = await timed(tunnel, () =>
          echoMany(tunnel.ports.ECHO!, CONNECTIONS, ECHO_BYTES, CONNECTIONS_DEADLINE_MS),
        );
        record(results, `connections: exact of ${CONNECTIONS}`, t.result);
        record(results, 'connections: total time (s)', t.seconds);
        return t.result < CONNECTIONS ? 'lost connections' : undefined;
      }),
    );
  return lines;
}

function format(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function summary(values: number[] | undefined): string {
  if (!values?.length) return 'n/a';
  const min = Math.min(...values);
  const max = Math.max(...values);
  return `${format(median(values))} (${format(min)}-${format(max)})`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

function failuresLine(side: string, results: Results): string {
  const parts = [...results.runs].flatMap(([test, runs]) => {
    const failures = results.failures.get(test) ?? [];
    if (failures.length === 0) return [];
    const counts = new Map<Failure, number>();
    for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
    return [`${test} ${[...counts].map(([f, n]) => `${n} of ${runs} ${f}`).join(', ')}`];
  });
  return `${side}: ${parts.length ? parts.join('; ') : 'no round aborted, stalled or lost connections'}`;
}

/** Options of `compare`; see the module comment and the README. */
interface CompareOptions {
  rounds: number;
  size: number;
  tests: Set<Test>;
  conditions: Condition[];
  /** Run our side alone even when the reference is there. */
  oursOnly: boolean;
  /** Write V8 CPU profiles of our processes (service and both proxies) into this directory. */
  cpuProfileDir: string | undefined;
}

/**
 * quiet: the machine as it is. busy: one CPU burner per core runs through the rounds, so
 * the proxies get a share of each core rather than the whole of one (as on a shared
 * machine or a laptop building something).
 */
type Condition = 'quiet' | 'busy';
const CONDITIONS: readonly Condition[] = ['quiet', 'busy'];

function parseOptions(args: string[]): CompareOptions {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name} wants a value`);
    return v;
  };
  const positive = (name: string, fallback: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} wants a positive number, got ${text}`);
    return n;
  };
  const list = <T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: readonly T[],
  ): T[] => {
    const text = value(name);
    if (text === undefined) return [...fallback];
    const items = text.split(',');
    const bad = items.filter((item) => !allowed.includes(item as T));
    if (bad.length || !items.length)
      throw new Error(
        `--${name}: ${bad.join(',') || '(empty)'} is not one of ${allowed.join(', ')}`,
      );
    return items as T[];
  };
  return {
    rounds: Math.round(positive('rounds', 3)),
    size: Math.round(positive('mib', 200) * MiB),
    tests: new Set(list('tests', TESTS, TESTS)),
    conditions: list('conditions', CONDITIONS, CONDITIONS),
    oursOnly: args.includes('--ours-only'),
    cpuProfileDir: value('cpu-prof'),
  };
}

/**
 * A preload (CommonJS, for --require) that profiles the process it runs in from start to
 * exit, as --cpu-prof would, into `dir`, the file named by command and role. The inspector
 * session of the process itself answers synchronously, so the 'exit' handler can write.
 */
function cpuProfilePreload(dir: string): string {
  return `'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');
const argv = process.argv.slice(2);
const role = argv[0] === 'service' ? 'service' : argv.includes('-s') ? 'source' : argv.includes('-d') ? 'destination' : 'other';
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    fs.writeFileSync(path.join(${JSON.stringify(dir)}, role + '-' + process.pid + '.cpuprofile'), JSON.stringify(result.profile));
  });
});
`;
}

/** One busy loop per core at normal priority: plain competitors for the CPU. */
function startBurners(): { stop(): Promise<void> } {
  const burners = cpus().map(() =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  return {
    async stop() {
      await Promise.all(
        burners.map(
          (b) =>
            new Promise<void>((resolve) => {
              if (b.exitCode !== null || b.signalCode !== null) return resolve();
              b.once('exit', () => resolve());
              b.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}

export async function compare(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const { rounds, size, tests } = options;
  const reference = options.oursOnly ? undefined : findReference();
  let version = '';
  if (reference) {
    try {
      const text = execFileSync(reference, ['--version'], { encoding: 'utf8' });
      version = text.match(/v\d+(\.\d+)+/)?.[0] ?? text.trim();
    } catch {
      version = 'version unknown';
    }
  } else if (!options.oursOnly) {
    console.log(BUILD_HINT);
  }
  if (options.cpuProfileDir) {
    // Node refuses --cpu-prof in NODE_OPTIONS, but takes --require: our processes inherit a
    // preload that profiles them (the reference ignores it).
    mkdirSync(options.cpuProfileDir, { recursive: true });
    const preload = join(resolve(options.cpuProfileDir), 'cpu-profile-preload.cjs');
    writeFileSync(preload, cpuProfilePreload(resolve(options.cpuProfileDir)));
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim();
  }
  console.log(
    `compare: ${rounds} round(s) per side and condition (${options.conditions.join(', ')}), ` +
      `${size / MiB} MiB per transfer, ${cpus().length} cores, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at start` +
      (reference ? `; reference ${reference} (${version})` : ''),
  );

  // A stream the reference breaks mid-upload rejects sendAndHash's pending read as well as
  // its write; the write's rejection is counted (broken), the read's would end the run.
  process.on('unhandledRejection', (error: NodeJS.ErrnoException) => {
    if (!['EPIPE', 'ECONNRESET'].includes(error?.code ?? '')) throw error;
  });
  const hash = await startHashServer();
  const bytes = await startSourceOfBytes(size);
  const echo = await startEchoServer();
  const servers = { hash: hash.port, bytes: bytes.port, bytesSha: bytes.sha256, echo: echo.port };
  const byCondition = new Map<Condition, { side: Side; results: Results }[]>();
  try {
    for (const condition of options.conditions) {
      const sides: { side: Side; proxies: ProxyStarter; results: Results }[] = [
        { side: 'ours', proxies: startOurProxies, results: newResults() },
      ];
      if (reference)
        sides.push({ side: 'ref', proxies: referenceProxies(reference), results: newResults() });
      byCondition.set(condition, sides);
      const burners = condition === 'busy' ? startBurners() : undefined;
      try {
        for (let r = 1; r <= rounds; r++) {
          for (const { side, proxies, results } of sides) {
            const lines = await round(results, proxies, size, servers, tests);
            console.log(`${condition} round ${r} ${side.padEnd(4)}: ${lines.join(', ')}`);
          }
        }
      } finally {
        await burners?.stop();
      }
    }
  } finally {
    await Promise.all([hash.close(), bytes.close(), echo.close()]);
  }

  for (const [condition, sides] of byCondition) {
    const [ours, ref] = sides.map((s) => s.results);
    const metrics = [...ours!.values.keys(), ...(ref ? ref.values.keys() : [])].filter(
      (m, i, all) => all.indexOf(m) === i,
    );
    const header = [`figure (${condition})`, 'TunnelDesk median (range)'];
    if (ref) header.push('localproxy median (range)', 'ours/theirs');
    const rows = [header];
    for (const metric of metrics) {
      const row = [metric, summary(ours!.values.get(metric))];
      if (ref) {
        const a = ours!.values.get(metric);
        const b = ref.values.get(metric);
        const ratio = a?.length && b?.length && median(b) !== 0 ? median(a) / median(b) : NaN;
        row.push(summary(b), Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a');
      }
      rows.push(row);
    }
    console.log(
      `\n${condition === 'busy' ? `busy: ${cpus().length} CPU burners running\n` : ''}${table(rows)}\n`,
    );
    console.log(failuresLine('ours', ours!));
    if (ref) console.log(failuresLine('ref', ref));
  }
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; medians and ranges over the rounds that produced the figure`,
  );
}

function newResults(): Results {
  return { values: new Map(), failures: new Map(), runs: new Map() };
}
