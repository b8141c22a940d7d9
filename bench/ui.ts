/// <reference lib="dom" />
/**
 * `npm run bench -- ui [--connections N] [--seconds S] [--starts N] [--starts-only] [--baseline REF|DIR] [--profile]`:
 * the UI under load.
 *
 * Browser mode (`tunneldesk web`, a child process) with a sandbox tunnel holding N keep-alive
 * HTTP connections to the device page (default 1,000), each sending one request a second.
 * Chromium (Playwright, found as e2e/browser.ts does) then opens, for S seconds each
 * (default 20; the issue's own figures took 60): no page, the home screen, and the tunnel's
 * live view. For each it prints the app process's CPU, the UI channel's messages and bytes a
 * second (counted on the page's WebSocket through CDP), the renderer's CPU (CDP
 * Performance.getMetrics TaskDuration) and JS heap; on the live view, frame times
 * (requestAnimationFrame deltas) and long tasks (PerformanceObserver) while the list scrolls
 * and updates; and the time from starting the process to an interactive home (the median of
 * N starts, 7 by default, alternating between the builds), beside the same for two floors:
 * plain Node serving a page with nothing but the home's button, what Node and Chromium cost
 * before any of the app, and the same button made by React, what React adds (`--starts-only`
 * measures the starts alone). Each start's page phases (its HTML, scripts in, scripts run,
 * the IPC socket open, main's first message, first paint, interactive) are printed too.
 * With `--baseline REF` (a git ref, e.g. `main`: its tree is exported with `git archive` to
 * a temporary folder and built there with this checkout's node_modules) or
 * `--baseline DIR` (a built checkout) every figure is taken for both builds in the same run,
 * condition by condition, so a busy machine weighs on both sides alike.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { chromiumLaunchOptions } from '../e2e/browser.js';
import { median } from './core.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLOCK_TICKS = 100;

interface Options {
  readonly connections: number;
  readonly seconds: number;
  readonly baseline: string | undefined;
  /** Starts to time per build (the median is shown). */
  readonly starts: number;
  /** Time the starts and nothing else. */
  readonly startsOnly: boolean;
  /** Profile the renderer while the list scrolls, and print its heaviest functions. */
  readonly profile: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  let connections = 1_000;
  let seconds = 20;
  let baseline: string | undefined;
  let profile = false;
  let starts = 7;
  let startsOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--profile' || flag === '--starts-only') {
      if (flag === '--profile') profile = true;
      else startsOnly = true;
      continue;
    }
    if (flag === '--connections' && value && /^\d+$/.test(value) && Number(value) >= 1) {
      connections = Number(value);
    } else if (flag === '--seconds' && value && /^\d+$/.test(value) && Number(value) >= 2) {
      seconds = Number(value);
    } else if (flag === '--starts' && value && /^\d+$/.test(value) && Number(value) >= 1) {
      starts = Number(value);
    } else if (flag === '--baseline' && value) {
      baseline = value;
    } else {
      throw new Error(
        `bench ui: cannot read "${flag ?? ''}${value ? ` ${value}` : ''}"; allowed: --connections N (>= 1), --seconds S (>= 2), --starts N (>= 1), --starts-only, --baseline REF|DIR (a git ref to build, or a built checkout), --profile`,
      );
    }
    i++;
  }
  return { connections, seconds, baseline, profile, starts, startsOnly };
}

/**
 * A built tree of the baseline: a folder as it is, or a git ref exported and built in a
 * temporary folder (removed by the returned function).
 */
function baselineBuild(baseline: string): { dir: string; remove: () => void } {
  if (existsSync(baseline) && statSync(baseline).isDirectory()) {
    return { dir: resolve(baseline), remove: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-bench-baseline-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const commit = execFileSync('git', ['rev-parse', '--verify', `${baseline}^{commit}`], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    console.log(`  building baseline ${baseline} (${commit.slice(0, 10)}) in ${dir} ...`);
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    return { dir, remove };
  } catch (error) {
    remove();
    throw new Error(
      `bench ui: cannot build the baseline "${baseline}" (a git ref of this repository or a built checkout): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Seconds of CPU (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

interface RunningApp {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly secret: string;
  readonly startedAt: number;
  /** When the process printed its URL (listening, the app built). */
  readonly readyAt: number;
  stop(): Promise<void>;
}

/**
 * The floors of a start: plain Node serving a page with nothing but the home's button, found
 * and timed as the app's is (its URL has the same form). The React floor's page makes that
 * button with React (production build, minified; `reactFloorScript`): what React alone costs
 * a page, before any of the app, its contract or its state.
 */
const FLOOR_SERVER = `
const http = require('node:http');
const script = process.argv[1] ? require('node:fs').readFileSync(process.argv[1]) : undefined;
const page = script
  ? '<!doctype html><title>floor</title><script type="module" src="/floor.js"></script>'
  : '<!doctype html><title>floor</title><button type="button">Start a sandbox tunnel</button>';
const server = http.createServer((request, response) => {
  const isScript = script && request.url === '/floor.js';
  response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html; charset=utf-8' });
  response.end(isScript ? script : page);
});
server.listen(0, '127.0.0.1', () =>
  console.log('http://127.0.0.1:' + server.address().port + '/?secret=none'));
`;
const FLOOR = 'floor';
const REACT_FLOOR_ENTRY = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
const root = document.body.appendChild(document.createElement('div'));
createRoot(root).render(createElement('button', { type: 'button' }, 'Start a sandbox tunnel'));
`;

/** Bundles the React floor's script (React and react-dom as the app's build has them). */
async function reactFloorScript(): Promise<string> {
  const dir = join(ROOT, 'dist-bench', 'react-floor');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'entry.mjs'), REACT_FLOOR_ENTRY);
  const { build } = await import('rolldown');
  await build({
    input: join(dir, 'entry.mjs'),
    logLevel: 'warn',
    transform: { define: { 'process.env.NODE_ENV': '"production"' } },
    output: { file: join(dir, 'floor.js'), format: 'esm', minify: true },
  });
  return join(dir, 'floor.js');
}

/** What a start runs: a build of the app, or a floor's server (with its script, if any). */
type Starter = string | { readonly floor: string | undefined };

async function startApp(starter: Starter): Promise<RunningApp> {
  const dir = typeof starter === 'string' ? starter : FLOOR;
  const settings = mkdtempSync(join(tmpdir(), 'tunneldesk-bench-ui-'));
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    typeof starter === 'string'
      ? [join(starter, 'bin', 'tunneldesk.js'), 'web', '--no-open', '--port', '0']
      : ['-e', FLOOR_SERVER, ...(starter.floor ? [starter.floor] : [])],
    {
      env: { ...process.env, TUNNELDESK_SETTINGS_FILE: join(settings, 'settings.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr!.resume();
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${dir}: no URL within 30 s`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (/^http:\/\/127\.0\.0\.1:\d+\/\?secret=/.test(line.trim())) {
        clearTimeout(timer);
        resolveUrl(line.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`${dir}: tunneldesk web exited (${code})`)));
  });
  const parsed = new URL(url);
  return {
    child,
    url,
    port: Number(parsed.port),
    secret: parsed.searchParams.get('secret')!,
    startedAt,
    readyAt: performance.now(),
    stop: async () => {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(settings, { recursive: true, force: true });
    },
  };
}

/** Opens a sandbox tunnel through the app's own IPC channel; resolves with its id and HTTP port. */
async function openSandbox(app: RunningApp): Promise<{ sessionId: string; httpPort: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${app.port}/ipc`, {
    headers: {
      cookie: `tunneldesk-${app.port}=${app.secret}`,
      origin: `http://127.0.0.1:${app.port}`,
    },
  });
  await new Promise((done, fail) => ws.once('open', done).once('error', fail));
  const connected = new Promise<string>((done, fail) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as {
        kind: string;
        channel?: string;
        reply?: { ok: boolean; error?: unknown };
        payload?: { id: string; state: { kind: string }; listeners: { port: number | null }[] }[];
      };
      if (frame.kind === 'reply' && frame.reply && !frame.reply.ok) {
        fail(new Error(`openSandbox failed: ${JSON.stringify(frame.reply.error)}`));
      }
      if (frame.kind === 'event' && frame.channel === 'main:sessions') {
        const up = frame.payload!.find((s) => s.state.kind === 'connected' && s.listeners[0]?.port);
        if (up) done(JSON.stringify(up));
      }
    });
    ws.once('close', () => fail(new Error('the IPC socket closed before the tunnel connected')));
  });
  ws.send(
    JSON.stringify({
      kind: 'request',
      id: 1,
      channel: 'renderer:open-sandbox',
      input: { services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }] },
    }),
  );
  const session = JSON.parse(await connected) as { id: string; listeners: { port: number }[] };
  ws.close();
  const port = session.listeners[0]!.port;
  return { sessionId: session.id, httpPort: port };
}

/** N keep-alive connections, each sending one GET a second (staggered); replies are drained. */
async function startLoad(port: number, count: number): Promise<() => void> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.resume();
    sockets.push(socket);
    if (i % 50 === 49) await new Promise((done) => setTimeout(done, 20));
  }
  const request = 'GET / HTTP/1.1\r\nHost: device\r\nConnection: keep-alive\r\n\r\n';
  const timers = sockets.map((socket, i) => {
    const start = setTimeout(
      () => {
        socket.write(request);
        timers[i] = setInterval(() => socket.writable && socket.write(request), 1_000);
      },
      Math.floor((i / count) * 1_000),
    );
    return start;
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
    for (const socket of sockets) socket.destroy();
  };
}

interface Figures {
  appCpu: number;
  messagesPerSecond?: number;
  kibPerSecond?: number;
  rendererCpu?: number;
  heapMiB?: number;
  frameP95?: number;
  frameMax?: number;
  longTaskMax?: number;
  longTasks?: number;
}

async function taskSeconds(cdp: CDPSession): Promise<{ task: number; heap: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { task: value('TaskDuration'), heap: value('JSHeapUsedSize') };
}

/** Progress on stderr, so the table on stdout stays clean. */
const progress = (message: string) =>
  process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function measure(
  app: RunningApp,
  page: Page | undefined,
  seconds: number,
  scroll: boolean,
  onProfile?: (top: string[]) => void,
): Promise<Figures> {
  const pid = app.child.pid!;
  let messages = 0;
  let bytes = 0;
  let cdp: CDPSession | undefined;
  if (page) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable');
    // Both ways: a view that asks for its rows pays for its requests too.
    const count = (event: { response: { payloadData: string } }) => {
      messages++;
      bytes += Buffer.byteLength(event.response.payloadData);
    };
    cdp.on('Network.webSocketFrameReceived', count);
    cdp.on('Network.webSocketFrameSent', count);
  }
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const task0 = cdp ? await taskSeconds(cdp) : undefined;
  let frames: { deltas: number[]; longTasks: number[] } | undefined;
  if (cdp && onProfile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  if (page && scroll) {
    frames = await page.evaluate(async (ms) => {
      const scroller = document.querySelector<HTMLElement>('.conn-table__scroll');
      const deltas: number[] = [];
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      });
      observer.observe({ entryTypes: ['longtask'] });
      await new Promise<void>((done) => {
        const end = performance.now() + ms;
        let last = performance.now();
        let direction = 1;
        const step = (now: number) => {
          deltas.push(now - last);
          last = now;
          if (scroller) {
            scroller.scrollTop += direction * 40;
            const bottom = scroller.scrollHeight - scroller.clientHeight;
            if (scroller.scrollTop >= bottom - 1) direction = -1;
            if (scroller.scrollTop <= 0) direction = 1;
          }
          if (now < end) requestAnimationFrame(step);
          else done();
        };
        requestAnimationFrame(step);
      });
      observer.disconnect();
      return { deltas: deltas.slice(1), longTasks };
    }, seconds * 1_000);
  } else {
    await sleep(seconds * 1_000);
  }
  const elapsed = (performance.now() - t0) / 1_000;
  const figures: Figures = { appCpu: (cpuSeconds(pid) - cpu0) / elapsed };
  if (cdp && onProfile) {
    const { profile } = await cdp.send('Profiler.stop');
    onProfile(heaviest(profile));
  }
  if (cdp && task0) {
    const task1 = await taskSeconds(cdp);
    figures.messagesPerSecond = messages / elapsed;
    figures.kibPerSecond = bytes / 1024 / elapsed;
    figures.rendererCpu = (task1.task - task0.task) / elapsed;
    figures.heapMiB = task1.heap / 1024 / 1024;
    await cdp.detach();
  }
  if (frames) {
    const sorted = [...frames.deltas].sort((a, b) => a - b);
    figures.frameP95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    figures.frameMax = sorted.at(-1) ?? 0;
    figures.longTasks = frames.longTasks.length;
    figures.longTaskMax = Math.max(0, ...frames.longTasks);
  }
  return figures;
}

/** The ten functions with the most self time in a CDP profile, as printable lines. */
function heaviest(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}): string[] {
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = byId.get(samples[i]!)!.callFrame;
    const file = frame.url ? frame.url.slice(frame.url.lastIndexOf('/') + 1) : '';
    const name = `${frame.functionName || '(anonymous)'} ${file}${file ? `:${frame.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + (deltas[i] ?? 0) / 1_000);
  }
  return [...self.entries()]
    .filter(([name]) => !name.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)}  ${name}`);
}

/**
 * One start: from spawn and from the URL to the interactive home, the opening of the tab
 * (part of the page's time), and the page's phases.
 */
interface Start {
  readonly total: number;
  readonly page: number;
  readonly tab: number;
  readonly phases: PagePhases;
  readonly work: PageWork;
}

/**
 * What the page's main thread had done by the interactive home, in ms: Chromium's own
 * counters (`Performance.getMetrics`, enabled before the navigation), which the machine's
 * speed moves less than it moves the moments above.
 */
interface PageWork {
  readonly script: number;
  readonly tasks: number;
  readonly layout: number;
  readonly style: number;
}

const WORK: readonly [keyof PageWork, string, string][] = [
  ['script', 'ScriptDuration', 'script'],
  ['tasks', 'TaskDuration', 'all tasks'],
  ['layout', 'LayoutDuration', 'layout'],
  ['style', 'RecalcStyleDuration', 'style'],
];

async function pageWork(cdp: CDPSession): Promise<PageWork> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const seconds = new Map(metrics.map(({ name, value }) => [name, value]));
  const work = Object.fromEntries(
    WORK.map(([key, metric]) => [key, (seconds.get(metric) ?? 0) * 1_000]),
  );
  return work as unknown as PageWork;
}

/**
 * Where a start's page spent its time, in ms from the navigation's start (the page's own
 * clock), read after the home is interactive: when the page's HTML had arrived, when the
 * first of its scripts (and styles) was asked for and when the last had arrived, when they
 * had run (DOMContentLoaded), when the IPC socket opened and brought its first message, the
 * first paint, and the interactive home. A phase the page has not (the floor has no scripts
 * and no socket) is undefined.
 */
interface PagePhases {
  readonly html?: number;
  readonly scriptsAsked?: number;
  readonly scripts?: number;
  readonly ran?: number;
  readonly socketOpen?: number;
  readonly firstMessage?: number;
  readonly paint?: number;
  readonly interactive?: number;
}

const PHASES: readonly [keyof PagePhases, string][] = [
  ['html', 'page HTML in'],
  ['scriptsAsked', 'first script asked for'],
  ['scripts', 'scripts in'],
  ['ran', 'scripts run (DOMContentLoaded)'],
  ['socketOpen', 'IPC socket open'],
  ['firstMessage', "main's first message"],
  ['paint', 'first paint'],
  ['interactive', 'interactive home'],
];

/**
 * Notes when the page's WebSocket opens and first hears from main. Runs before the page's
 * own scripts (an init script); it only listens, so the socket works as it does without it.
 */
function watchSockets(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __startMarks: Record<string, number> }).__startMarks = marks;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args: ConstructorParameters<typeof Native>) {
      super(...args);
      this.addEventListener('open', () => (marks.socketOpen ??= performance.now()));
      this.addEventListener('message', () => (marks.firstMessage ??= performance.now()));
    }
  };
}

function readPhases(): PagePhases {
  const navigation = performance.getEntriesByType('navigation')[0] as
    PerformanceNavigationTiming | undefined;
  const resources = performance
    .getEntriesByType('resource')
    .filter((entry) => /\.(js|css)$/.test(new URL(entry.name).pathname));
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const marks = (window as unknown as { __startMarks?: Record<string, number> }).__startMarks;
  return {
    html: navigation?.responseEnd,
    scriptsAsked: resources.length
      ? Math.min(...resources.map((entry) => entry.startTime))
      : undefined,
    scripts: resources.length
      ? Math.max(...resources.map((entry) => (entry as PerformanceResourceTiming).responseEnd))
      : undefined,
    ran: resources.length ? navigation?.domContentLoadedEventEnd : undefined,
    socketOpen: marks?.socketOpen,
    firstMessage: marks?.firstMessage,
    paint: paint?.startTime,
  };
}

/**
 * Milliseconds from spawning the process to the home screen's first enabled button. The
 * browser's tab opens once the URL is printed, as `tunneldesk web` has the operator's browser
 * open one (`open`): its opening (a fresh browser context here, the same for every side) is
 * part of the start, and is also timed on its own (`tab`).
 */
async function timeToInteractiveHome(starter: Starter, browser: Browser): Promise<Start> {
  const app = await startApp(starter);
  const opening = performance.now();
  const page = await browser.newPage();
  page.setDefaultTimeout(60_000);
  const tab = performance.now() - opening;
  try {
    progress(`start to home: ${typeof starter === 'string' ? starter : FLOOR}`);
    await page.addInitScript(watchSockets);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // One check, polled every frame from the moment the page commits: no more waiting of
    // the harness's own (for the load event, then a locator, then the check) than needed.
    await page.goto(app.url, { waitUntil: 'commit' });
    const inPage = await page.waitForFunction(
      () =>
        [...document.querySelectorAll('button')].some(
          (button) =>
            /Start a sandbox tunnel/.test(button.textContent ?? '') &&
            !button.disabled &&
            button.checkVisibility(),
        ) && performance.now(),
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    const interactive = performance.now();
    const at = await inPage.jsonValue();
    const phases: PagePhases = {
      ...(await page.evaluate(readPhases)),
      ...(typeof at === 'number' ? { interactive: at } : {}),
    };
    return {
      total: interactive - app.startedAt,
      page: interactive - app.readyAt,
      tab,
      phases,
      work: await pageWork(cdp),
    };
  } finally {
    await page.close();
    await app.stop();
  }
}

interface Side {
  readonly name: string;
  readonly dir: string;
  app?: RunningApp;
  sessionId?: string;
  stopLoad?: () => void;
  readonly results: Record<string, Figures>;
  profile?: string[];
  readonly starts: Start[];
}

/** A floor's starts (see FLOOR_SERVER). */
interface Floor {
  readonly name: string;
  readonly script: string | undefined;
  readonly starts: Start[];
}

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined, digits = 1) => (x === undefined ? '-' : x.toFixed(digits));

function print(
  sides: readonly Side[],
  conditions: readonly string[],
  floors: readonly Floor[],
): void {
  const rows: [string, (f: Figures) => string][] = [
    ['app CPU (of a core)', (f) => pct(f.appCpu)],
    ['UI messages/s (both ways)', (f) => num(f.messagesPerSecond)],
    ['UI KiB/s (both ways)', (f) => num(f.kibPerSecond)],
    ['renderer CPU (of a core)', (f) => pct(f.rendererCpu)],
    ['JS heap MiB', (f) => num(f.heapMiB)],
    ['frame p95 ms', (f) => num(f.frameP95)],
    ['frame max ms', (f) => num(f.frameMax)],
    [
      'long tasks (count / max ms)',
      (f) => (f.longTasks === undefined ? '-' : `${f.longTasks} / ${num(f.longTaskMax, 0)}`),
    ],
  ];
  for (const condition of conditions) {
    console.log(`\n${condition}`);
    console.log(`  ${'figure'.padEnd(30)}${sides.map((s) => s.name.padStart(16)).join('')}`);
    for (const [label, show] of rows) {
      const cells = sides.map((s) => show(s.results[condition]!).padStart(16));
      if (cells.every((c) => c.trim() === '-')) continue;
      console.log(`  ${label.padEnd(30)}${cells.join('')}`);
    }
  }
  console.log(
    `\ntime to an interactive home, ms (median of ${sides[0]!.starts.length} starts; the page part: from the URL printed, the tab's opening included)`,
  );
  const startRows = [...sides, ...floors];
  for (const side of startRows) {
    const totals = side.starts.map((s) => s.total);
    const pages = side.starts.map((s) => s.page);
    console.log(
      `  ${side.name.padEnd(14)} from start ${median(totals).toFixed(0).padStart(6)} (${totals.map((s) => s.toFixed(0)).join(', ')})   page ${median(pages).toFixed(0).padStart(6)} (${pages.map((s) => s.toFixed(0)).join(', ')})`,
    );
  }
  const tabs = startRows.flatMap((side) => side.starts.map((s) => s.tab));
  console.log(
    "  (floor: plain Node serving a page with nothing but the home's button, timed the same way;\n" +
      '   React floor: the same button made by React, production build, minified;\n' +
      `   opening the browser's tab, part of every page: median ${median(tabs).toFixed(0)} ms)`,
  );
  const total = (starts: readonly Start[]) => median(starts.map((s) => s.total));
  if (sides.length === 2) {
    const ratios = [
      `this build / baseline: ${(total(sides[1]!.starts) / total(sides[0]!.starts)).toFixed(2)}x`,
      ...floors.map(
        (f) => `${f.name} / baseline: ${(total(f.starts) / total(sides[0]!.starts)).toFixed(2)}x`,
      ),
    ];
    console.log(`  ${ratios.join('; ')}`);
  }
  printStartTable(
    "\nwhere the page's time went, ms from the navigation's start (medians; '-': the page has no such phase)",
    'phase',
    startRows,
    PHASES.map(([phase, label]) => [label, (start) => start.phases[phase]]),
    0,
  );
  printStartTable(
    "\nthe page's main thread by the interactive home, ms (Chromium's counters; medians)",
    'work',
    startRows,
    WORK.map(([key, , label]) => [label, (start) => start.work[key]]),
    1,
  );
  for (const side of sides) {
    if (!side.profile) continue;
    console.log(`\nrenderer profile while scrolling, ${side.name}: heaviest functions (self ms)`);
    for (const line of side.profile) console.log(`  ${line}`);
  }
}

/** A table of the starts: one value per start and row, each side's median ('-' if none). */
function printStartTable(
  caption: string,
  head: string,
  sides: readonly { readonly name: string; readonly starts: readonly Start[] }[],
  rows: readonly (readonly [string, (start: Start) => number | undefined])[],
  digits: number,
): void {
  console.log(caption);
  console.log(`  ${head.padEnd(32)}${sides.map((side) => side.name.padStart(12)).join('')}`);
  for (const [label, value] of rows) {
    const cells = sides.map((side) => {
      const values = side.starts.flatMap((start) => value(start) ?? []);
      return (values.length ? median(values).toFixed(digits) : '-').padStart(12);
    });
    console.log(`  ${label.padEnd(32)}${cells.join('')}`);
  }
}

export async function ui(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const sides: Side[] = [{ name: 'this build', dir: ROOT, results: {}, starts: [] }];
  const baseline = options.baseline ? baselineBuild(options.baseline) : undefined;
  if (baseline) {
    sides.unshift({ name: 'baseline', dir: baseline.dir, results: {}, starts: [] });
  }
  console.log(
    `bench ui: ${options.connections} connections, one request a second each; ${options.seconds} s per condition; ${cpus().length} cores; load average ${(
      await import('node:os')
    )
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const side of sides) console.log(`  ${side.name}: ${side.dir}`);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    // Starts alternate between the builds, so neither gets the quieter moments.
    const reactScript = await reactFloorScript();
    const floors: Floor[] = [
      { name: 'floor', script: undefined, starts: [] },
      { name: 'React floor', script: reactScript, starts: [] },
    ];
    for (let round = 0; round < options.starts; round++) {
      for (const side of sides) side.starts.push(await timeToInteractiveHome(side.dir, browser));
      for (const floor of floors) {
        floor.starts.push(await timeToInteractiveHome({ floor: floor.script }, browser));
      }
    }
    if (options.startsOnly) {
      print(sides, [], floors);
      return;
    }
    for (const side of sides) {
      progress(`${side.name}: a sandbox tunnel with ${options.connections} connections`);
      side.app = await startApp(side.dir);
      const sandbox = await openSandbox(side.app);
      side.sessionId = sandbox.sessionId;
      side.stopLoad = await startLoad(sandbox.httpPort, options.connections);
    }
    await sleep(3_000);
    const conditions = ['no page', 'home', 'live view (still)', 'live view (scrolling)'];
    for (const side of sides) {
      progress(`${side.name}: no page`);
      side.results['no page'] = await measure(side.app!, undefined, options.seconds, false);
    }
    for (const side of sides) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(side.app!.url);
      // With a tunnel open, home offers "New sandbox tunnel" beside the tunnel's card.
      await page
        .getByRole('button', { name: /sandbox tunnel/ })
        .first()
        .waitFor();
      await sleep(1_000);
      progress(`${side.name}: home`);
      side.results.home = await measure(side.app!, page, options.seconds, false);
      await page.goto(
        `http://127.0.0.1:${side.app!.port}/#/tunnels/${encodeURIComponent(side.sessionId!)}`,
      );
      await page.locator('.conn-table__scroll [data-testid="connection-row"]').first().waitFor({
        timeout: 30_000,
      });
      await sleep(1_000);
      progress(`${side.name}: live view, still`);
      side.results['live view (still)'] = await measure(side.app!, page, options.seconds, false);
      progress(`${side.name}: live view, scrolling`);
      side.results['live view (scrolling)'] = await measure(
        side.app!,
        page,
        options.seconds,
        true,
        options.profile ? (top) => (side.profile = top) : undefined,
      );
      await page.close();
    }
    print(sides, conditions, floors);
  } finally {
    for (const side of sides) {
      side.stopLoad?.();
      await side.app?.stop();
    }
    await browser.close();
    baseline?.remove();
  }
}
