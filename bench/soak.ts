/**
 * `npm run bench -- soak [MINUTES]` (10 by default): mixed traffic through the local tunnel
 * service for that long, with the service killed (SIGKILL) and started again on the same
 * port every minute, and re-chunking on. Each side is its own `tunneldesk` process, as a
 * user runs them. Prints a line a minute and, at the end: corrupted bytes (must be 0),
 * reconnects of each proxy, and the proxies' peak and final RSS against the first
 * minute's (final within 10% of it). RSS is sampled every second: one sample lands anywhere
 * in the collector's cycle and moves by tens of MiB, so each minute gives its least, median
 * and greatest sample, and the 10% is judged on the medians of the first and last minutes
 * (the least of the first minute is the process just started). A benchmark: it asserts
 * nothing.
 */
import { unusedPort } from '../src-main/core/test-support/local-servers.js';
import { startTunneldesk, type Proc } from '../src-main/core/test-support/processes.js';
import { newTally, startClients, startServers, type Tally } from './soak-traffic.js';
import { readFileSync } from 'node:fs';

const MiB = 1024 * 1024;
const SRC = 'SOAK_SRC_TOKEN_0001';
const DST = 'SOAK_DST_TOKEN_0001';
/** Each direction of the tunnel is capped like AWS caps a tunnel, only higher, to move volume. */
const RATE_BYTES_PER_SECOND = 16_000_000;

function rss(proc: Proc): number {
  const match = readFileSync(`/proc/${proc.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return match ? Number(match[1]) * 1024 : 0;
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;

/** A minute's RSS samples of one process: least, median, greatest. */
interface RssMinute {
  min: number;
  median: number;
  max: number;
}

function summary(values: number[]): RssMinute {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? 0,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    max: sorted.at(-1) ?? 0,
  };
}

interface RssFigures {
  source: RssMinute;
  destination: RssMinute;
}

/** RSS samples of the proxies, every second, for the minute under way. */
class RssSampler {
  private samples = { source: [] as number[], destination: [] as number[] };
  private readonly timer: NodeJS.Timeout;
  constructor(source: Proc, destination: Proc) {
    this.timer = setInterval(() => {
      this.samples.source.push(rss(source));
      this.samples.destination.push(rss(destination));
    }, 1_000);
  }
  /** The minute's figures; starts the next minute. */
  minute(): RssFigures {
    const figures = {
      source: summary(this.samples.source),
      destination: summary(this.samples.destination),
    };
    this.samples = { source: [], destination: [] };
    return figures;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** How many times a proxy connected, minus the first: its reconnects. */
function reconnects(proc: Proc): number {
  return Math.max(
    0,
    proc.output.filter((l) => /connected to the tunnel service/.test(l)).length - 1,
  );
}

export async function soak(minutes = 10): Promise<void> {
  const tally = newTally();
  const servers = await startServers(tally);
  const servicePort = await unusedPort();
  const startService = async (): Promise<Proc> => {
    const service = startTunneldesk([
      'service',
      '--port',
      String(servicePort),
      '--rechunk',
      '7',
      '--rate',
      String(RATE_BYTES_PER_SECOND),
      '-v',
      '2',
      '--tunnel',
      `soak:${SRC}:${DST}:HTTP1,ECHO1,BULK`,
    ]);
    await service.waitFor(/listening on/);
    return service;
  };
  let service = await startService();
  const endpoint = ['-e', `127.0.0.1:${servicePort}`, '-k', '-v', '4'];
  const destination = startTunneldesk(
    [
      'proxy',
      ...endpoint,
      '-d',
      Object.entries(servers.ports)
        .map(([id, port]) => `${id}=127.0.0.1:${port}`)
        .join(','),
    ],
    { AWSIOT_TUNNEL_ACCESS_TOKEN: DST },
  );
  await destination.waitFor(/ready: /);
  const source = startTunneldesk(['proxy', ...endpoint, '-s', 'HTTP1=0,ECHO1=0,BULK=0'], {
    AWSIOT_TUNNEL_ACCESS_TOKEN: SRC,
  });
  const ports = {
    HTTP1: Number((await source.waitFor(/^HTTP1 [\d.]+:(\d+)$/))[1]),
    ECHO1: Number((await source.waitFor(/^ECHO1 [\d.]+:(\d+)$/))[1]),
    BULK: Number((await source.waitFor(/^BULK [\d.]+:(\d+)$/))[1]),
  };
  console.log(
    `soak: ${minutes} min of HTTP, interactive echo, bulk both ways and connection churn; ` +
      `re-chunking on, ${RATE_BYTES_PER_SECOND / 1e6} MB/s cap each way, the service killed and restarted every minute`,
  );
  const clients = startClients(ports, tally);
  const sampler = new RssSampler(source, destination);
  const none = { min: 0, median: 0, max: 0 };
  let firstMinute: RssFigures = { source: none, destination: none };
  let last: RssFigures = { source: none, destination: none };
  let forced = 0;
  let peaks: { source: number; destination: number };
  let finals: { source: number; destination: number };
  const started = Date.now();
  try {
    for (let minute = 1; minute <= minutes; minute++) {
      await waitUntil(started + minute * 60_000 - 500);
      last = sampler.minute();
      if (minute === 1) firstMinute = last;
      printMinute(minute, tally, source, destination, last);
      if (minute < minutes) {
        // The forced reconnect: the service dies without a word and comes back.
        service.child.kill('SIGKILL');
        await service.exited;
        service = await startService();
        forced++;
        await waitUntil(started + minute * 60_000);
      }
    }
    peaks = { source: source.peakRss(), destination: destination.peakRss() };
    finals = { source: rss(source), destination: rss(destination) };
  } finally {
    sampler.stop();
    await clients.stop();
    await Promise.all([source.stop(), destination.stop()]);
    await service.stop();
    servers.close();
  }
  report(tally, forced, source, destination, firstMinute, last, peaks, finals);
}

async function waitUntil(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

function printMinute(
  minute: number,
  tally: Tally,
  source: Proc,
  destination: Proc,
  now: RssFigures,
): void {
  const range = (m: RssMinute): string =>
    `${(m.min / MiB).toFixed(0)}/${(m.median / MiB).toFixed(0)}/${(m.max / MiB).toFixed(0)}`;
  console.log(
    `minute ${String(minute).padStart(2)}: corrupted ${tally.corrupted} B, checked ${mib(tally.checkedBytes)}, ` +
      `http ${tally.httpOk} ok/${tally.httpFailed} cut, echo ${tally.echoLines} lines (max ${tally.echoMaxMs.toFixed(0)} ms), ` +
      `bulk ${tally.bulkDone} done/${tally.bulkCut} cut, churn ${tally.churnOk} ok/${tally.churnFailed} cut, ` +
      `reconnects src ${reconnects(source)} dst ${reconnects(destination)}, ` +
      `RSS MiB least/median/greatest src ${range(now.source)} dst ${range(now.destination)}`,
  );
  tally.echoMaxMs = 0; // per minute
}

function report(
  tally: Tally,
  forced: number,
  source: Proc,
  destination: Proc,
  first: RssFigures,
  last: RssFigures,
  peaks: { source: number; destination: number },
  finals: { source: number; destination: number },
): void {
  const ratio = (a: number, b: number): string => `${((a / b - 1) * 100).toFixed(1)}%`;
  // Growth is what the 10% is about: a final figure below the first minute's is no leak.
  const within = (a: number, b: number): string => (a <= b * 1.1 ? 'yes' : 'NO');
  console.log('');
  console.log(`corrupted bytes: ${tally.corrupted} (of ${mib(tally.checkedBytes)} checked)`);
  console.log(
    `reconnects: source ${reconnects(source)}, destination ${reconnects(destination)} (${forced} forced)`,
  );
  for (const [name, peak, final, a, b] of [
    ['source', peaks.source, finals.source, first.source, last.source],
    ['destination', peaks.destination, finals.destination, first.destination, last.destination],
  ] as const) {
    console.log(
      `${name} RSS: peak ${mib(peak)}, final ${mib(final)}; median of the first minute ${mib(a.median)}, of the last ${mib(b.median)} ` +
        `(${ratio(b.median, a.median)}; within 10%: ${within(b.median, a.median)}); least ${mib(a.min)} and ${mib(b.min)}`,
    );
  }
}
