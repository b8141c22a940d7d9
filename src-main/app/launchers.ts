/**
 * "Open in browser" and "Open SSH": main launches them, only for local ports it serves
 * (the renderer names a session and service, never a URL or a command). The URL and the
 * ssh command are built here from validated parts, so nothing the renderer sends can
 * reach a shell, and no token ever appears on a command line.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { AppError } from '../ipc/contract.js';

/** What launching needs from the platform; injected, so tests and Electron can differ. */
export interface LaunchDeps {
  readonly platform: NodeJS.Platform;
  /** The environment terminals would start in (DISPLAY / WAYLAND_DISPLAY on Linux). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Opens a URL in the default browser (Electron: shell.openExternal; web: the `open` package). */
  openExternal(url: string): Promise<void>;
  /**
   * Starts a program detached from us; rejects (AppError) if it cannot start or exits with
   * a failure right away (a terminal that cannot open a window does).
   */
  spawnDetached(program: string, args: readonly string[]): Promise<void>;
  /** The full path of a program on PATH, if any. */
  findProgram(name: string): string | undefined;
}

/** SSH user names as ssh accepts them; no leading '-', so none is taken for an option. */
const SSH_USER = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,63}$/;

export function checkSshUser(user: string): string {
  const trimmed = user.trim();
  if (!SSH_USER.test(trimmed)) {
    throw new AppError(
      'invalid-input',
      `"${user.slice(0, 64)}" is not a user name; use letters, digits, ".", "_" or "-" (not first), up to 64`,
      'user',
    );
  }
  return trimmed;
}

/** A HostKeyAlias from a device name: ssh keeps one known host key per device, not per port. */
export function hostKeyAlias(deviceName: string): string {
  const alias = deviceName
    .replace(/[^a-zA-Z0-9._-]/g, '-')
    .replace(/^-+/, '')
    .slice(0, 64);
  return alias || 'tunneldesk-device';
}

/** The loopback host to reach a listener at, or an error when it is not on loopback. */
export function loopbackHost(bindAddress: string): string {
  if (
    /^127\.\d+\.\d+\.\d+$/.test(bindAddress) ||
    bindAddress === '0.0.0.0' ||
    bindAddress === 'localhost'
  ) {
    return '127.0.0.1';
  }
  if (bindAddress === '::1' || bindAddress === '::') return '[::1]';
  throw new AppError(
    'unsupported',
    `the service listens on ${bindAddress}, not on this machine's loopback; open it yourself`,
  );
}

export function browserUrl(scheme: 'http' | 'https', bindAddress: string, port: number): string {
  return `${scheme}://${loopbackHost(bindAddress)}:${port}/`;
}

/** ssh's argv, e.g. ssh -p 3333 -o HostKeyAlias=pi-17 pi@127.0.0.1 */
export function sshArgs(port: number, user: string, alias: string, bindAddress: string): string[] {
  const host = loopbackHost(bindAddress).replace(/^\[(.*)\]$/, '$1');
  return [
    'ssh',
    '-p',
    String(port),
    '-o',
    `HostKeyAlias=${hostKeyAlias(alias)}`,
    `${checkSshUser(user)}@${host}`,
  ];
}

/** How to open a terminal running `command` on this platform: the first that exists. */
export function terminalPlans(
  platform: NodeJS.Platform,
  command: readonly string[],
): { program: string; args: string[]; name: string }[] {
  const line = command.join(' ');
  switch (platform) {
    case 'darwin':
      // Every part of `line` is digits, a checked user name or alias: safe inside the quotes.
      return [
        {
          name: 'Terminal',
          program: 'osascript',
          args: [
            '-e',
            `tell application "Terminal" to do script "${line}"`,
            '-e',
            'tell application "Terminal" to activate',
          ],
        },
      ];
    case 'win32':
      return [
        { name: 'Windows Terminal', program: 'wt.exe', args: [...command] },
        { name: 'cmd', program: 'cmd.exe', args: ['/c', 'start', '""', ...command] },
      ];
    default:
      return [
        { name: 'x-terminal-emulator', program: 'x-terminal-emulator', args: ['-e', ...command] },
        { name: 'gnome-terminal', program: 'gnome-terminal', args: ['--', ...command] },
        { name: 'konsole', program: 'konsole', args: ['-e', ...command] },
        { name: 'xterm', program: 'xterm', args: ['-e', ...command] },
      ];
  }
}

/**
 * Whether a terminal window can appear: macOS and Windows always have a desktop; elsewhere
 * an X11 or Wayland display must be named (a server or an SSH session has none).
 */
export function hasDisplay(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Opens the user's terminal with the ssh command; says which terminal. Every failure is an
 * AppError whose code says what went wrong (`no-display`, `no-terminal`, `launch-failed`,
 * `terminal-exited`) and whose `command` is the ssh command, for "Copy command".
 */
export async function launchTerminal(
  deps: LaunchDeps,
  command: readonly string[],
): Promise<string> {
  const line = command.join(' ');
  if (!hasDisplay(deps.platform, deps.env)) {
    throw new AppError(
      'no-display',
      'No terminal can open here: this machine has no display (neither DISPLAY nor WAYLAND_DISPLAY is set).',
      null,
      { command: line },
    );
  }
  const plans = terminalPlans(deps.platform, command);
  for (const plan of plans) {
    const path = deps.findProgram(plan.program);
    if (!path) continue;
    try {
      await deps.spawnDetached(path, plan.args);
    } catch (error) {
      const failure =
        error instanceof AppError ? error : new AppError('launch-failed', String(error));
      throw new AppError(failure.code, `${plan.name}: ${failure.message}`, null, {
        command: line,
      });
    }
    return plan.name;
  }
  throw new AppError(
    'no-terminal',
    `No terminal program found (looked for ${plans.map((p) => p.program).join(', ')}).`,
    null,
    { command: line },
  );
}

/** PATH lookup, as a shell would do it. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = join(dir, name + (name.includes('.') ? '' : extension));
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * How long a started terminal is watched for failing: one that cannot open its window
 * (no display access, a bad profile) exits with an error within a moment.
 */
export const EARLY_EXIT_MS = 1_500;

/**
 * Starts a program detached, with no shell. Resolves once it has run for `watchMs` or has
 * exited cleanly before that (gnome-terminal hands the window to its server and exits 0);
 * rejects with `launch-failed` when it cannot start and `terminal-exited` when it exits with
 * a failure (or a signal) within `watchMs`.
 */
export function spawnDetached(
  program: string,
  args: readonly string[],
  watchMs: number = EARLY_EXIT_MS,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], { detached: true, stdio: 'ignore', shell: false });
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      if (timer) clearTimeout(timer);
      child.removeAllListeners();
      child.unref();
    };
    child.once('error', (error) => {
      settle();
      reject(new AppError('launch-failed', `cannot start ${program} (${errorCode(error)})`));
    });
    child.once('spawn', () => {
      timer = setTimeout(() => {
        settle();
        resolve();
      }, watchMs);
    });
    child.once('exit', (code, signal) => {
      settle();
      if (code === 0) resolve();
      else
        reject(
          new AppError(
            'terminal-exited',
            signal
              ? `it stopped at once (signal ${signal})`
              : `it exited at once with status ${code}`,
          ),
        );
    });
  });
}

function errorCode(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'not found'
    : code === 'EACCES'
      ? 'not executable'
      : (code ?? error.message);
}

/** The only URLs main opens: http(s) on this machine's loopback, at a port. */
export function checkLocalUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('launch-failed', `not a URL: ${url.slice(0, 100)}`);
  }
  const local = parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]';
  if (
    !local ||
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    parsed.port === ''
  ) {
    throw new AppError(
      'launch-failed',
      `refusing to open ${url.slice(0, 100)}: only http(s) URLs on 127.0.0.1 are opened`,
    );
  }
  return parsed.toString();
}
