/**
 * Runs TunnelDesk's own processes (service, destination, source) the way a user does,
 * through bin/tunneldesk.js, and reads their CPU time and peak memory from /proc. In a test
 * run, each process records its log lines and secrets for the secret scan (log-capture.mjs).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureLine, captureNodeArgs } from './log-capture.mjs';

/** bin/tunneldesk.js, found from here whether this runs as TypeScript or from dist/. */
function findBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'bin/tunneldesk.js');
}

const BIN = findBin();
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export interface Proc {
  child: ChildProcess;
  output: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the first output line that matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** User + system CPU seconds so far. */
  cpuSeconds(): number;
  /** Peak resident memory so far, bytes. */
  peakRss(): number;
  stop(): Promise<void>;
}

export function startTunneldesk(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Proc {
  const child = spawn(process.execPath, [...captureNodeArgs(), BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onLine = (line: string): void => {
    output.push(line);
    captureLine(`[${args[0]} ${child.pid}] ${line}`);
    for (const waiter of [...waiters]) {
      const match = line.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      lines.forEach(onLine);
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    output,
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      const seen = output.map((l) => l.match(pattern)).find(Boolean);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `timed out waiting for ${pattern} from tunneldesk ${args[0]}:\n${output.join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    cpuSeconds() {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    peakRss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const match = status.match(/VmHWM:\s+(\d+) kB/);
      return match ? Number(match[1]) * 1024 : 0;
    },
    stop() {
      return new Promise((resolve) => {
        // Gone already: exited, or killed by a signal (then exitCode stays null).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      });
    },
  };
}

/** Every living process below `pid` (children, grandchildren, ...), from /proc. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = [...parents].filter(([, ppid]) => frontier.includes(ppid)).map(([child]) => child);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Whether a process is alive (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
