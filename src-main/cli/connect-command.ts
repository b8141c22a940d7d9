/**
 * `tunneldesk connect THING --stdio`: one connection to the thing's SSH service over
 * stdin/stdout, for ssh's ProxyCommand. It joins the holder of the thing's tunnel through
 * the control socket, or starts one (a detached `connect --hold` process, which outlives
 * this ssh and serves every later session) and then joins it. Nothing but the connection's
 * bytes goes to stdout; every message goes to stderr, one line.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import { AwsError } from '../aws/errors.js';
import { ConfigError } from '../core/config/proxy-config.js';
import {
  createLogger,
  LogLevel,
  SecretRedactor,
  stderrSink,
  type Logger,
} from '../core/log/logger.js';
import { connectControl, controlPaths, takeLock, type ControlPaths } from './control-socket.js';
import type { CommandIo } from './io.js';
import { packageRoot } from './package-root.js';
import {
  checkThingName,
  parseCommandArgs,
  TARGET_HELP,
  targetFlags,
  targetOf,
  type TargetArgs,
} from './target-options.js';
import { TunnelHolder, type HolderEnd } from './tunnel-holder.js';
import { acquireTunnel, Interrupted, targetKeyOf } from './tunnel-supply.js';

/** A holder that found another one starting exits with this (the client then waits for it). */
export const EXIT_OTHER_HOLDER = 75;
/** How long a client waits for a holder to listen (opening a tunnel and the device joining). */
const HOLDER_WAIT_MS = 90_000;

const USAGE = `Usage: tunneldesk connect THING --stdio [options]

One connection to THING's SSH service over stdin/stdout, for ssh's ProxyCommand:
  ssh -o ProxyCommand='tunneldesk connect %n --stdio --profile ops --region eu-west-1' kiosk-lobby
It reuses an open tunnel to THING carrying the service or opens one. Sessions to the same
THING share one tunnel (through a socket only you can open); it closes after the last one.

Options:
  --stdio                carry the connection over stdin/stdout (required)
${TARGET_HELP}`;

/** bin/tunneldesk.js of this installation. */
export function tunneldeskBin(): string {
  return join(packageRoot(), 'bin/tunneldesk.js');
}

/** The paths of the control socket for this thing, target and service. */
export function pathsFor(thing: string, target: TargetArgs, env: CommandIo['env']): ControlPaths {
  return controlPaths(`${targetKeyOf(target.choice)}|${thing}|${target.serviceId}`, env);
}

/** One line for a failure to get a tunnel: the AWS error's words and the command that fixes it. */
export function failureLine(error: unknown): string {
  if (error instanceof AwsError) {
    return error.command ? `${error.message} (run: ${error.command})` : error.message;
  }
  return (error as Error).message;
}

export async function runConnectCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { stdio: { type: 'boolean' }, hold: { type: 'boolean' } },
    'connect',
  );
  if (values.help === true) {
    io.out(USAGE);
    return 0;
  }
  const thing = checkThingName(positionals[0], 'connect');
  if (positionals.length > 1) {
    throw new ConfigError(`unexpected argument "${positionals[1]}"; connect takes one THING`);
  }
  const target = targetOf(values, io.env);
  if (values.hold === true) return runHolder(thing, target, io);
  if (values.stdio !== true) {
    throw new ConfigError(
      'connect carries one connection over stdin/stdout: add --stdio (for ssh ProxyCommand); `tunneldesk ssh THING` runs ssh for you',
    );
  }
  const paths = pathsFor(thing, target, io.env);
  const socket = await joinOrStartHolder(thing, target, paths, io);
  if (typeof socket === 'number') return socket;
  return pipeStdio(socket, paths, io, `${thing}`, target.serviceId);
}

/**
 * Joins the holder, starting one when there is none; a number is the exit code of a holder
 * that could not start (it has said why on stderr).
 */
export async function joinOrStartHolder(
  thing: string,
  target: TargetArgs,
  paths: ControlPaths,
  io: CommandIo,
): Promise<net.Socket | number> {
  const joined = await connectControl(paths.socket);
  if (joined) return joined;
  const deadline = Date.now() + HOLDER_WAIT_MS;
  let spawned = 0;
  while (Date.now() < deadline) {
    const lock = takeLock(paths.lock);
    if (lock.taken) {
      // Nobody starts one: start it (it takes the lock itself).
      lock.release();
      if (spawned++ > 1) break;
      const code = await startHolder(thing, target, paths, io, deadline);
      if (typeof code !== 'number') return code;
      if (code !== EXIT_OTHER_HOLDER) return code;
    }
    const socket = await connectControl(paths.socket);
    if (socket) return socket;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  io.err(
    `tunneldesk connect: no tunnel to ${thing} became ready within ${HOLDER_WAIT_MS / 1000} s`,
  );
  return 1;
}

/** Starts a detached holder and waits for its socket, or for it to exit (its code). */
async function startHolder(
  thing: string,
  target: TargetArgs,
  paths: ControlPaths,
  io: CommandIo,
  deadline: number,
): Promise<net.Socket | number> {
  const child = spawn(
    process.execPath,
    [
      tunneldeskBin(),
      'connect',
      thing,
      '--hold',
      ...targetFlags(target),
      ...(target.verbose ? ['-v'] : []),
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...io.env } },
  );
  let exited: number | undefined;
  child.once('exit', (code) => (exited = code ?? 1));
  // Its lines (why it failed, or -v's log) are ours until it listens; then it is on its own.
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line) io.err(line);
  });
  // Ctrl-C while it starts: it stops too (closing what it opened), and we say so once.
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    child.kill('SIGINT');
  };
  io.onSignals?.(onSignal);
  try {
    while (Date.now() < deadline) {
      if (interrupted && exited !== undefined) return 130;
      const socket = interrupted ? undefined : await connectControl(paths.socket);
      if (socket) return socket;
      if (exited !== undefined) return exited;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGTERM');
    return 1;
  } finally {
    io.offSignals?.(onSignal);
    child.stderr!.destroy();
    child.unref();
  }
}

/** Where a holder leaves why it ended, for the clients it cut off. */
function endNotePath(paths: ControlPaths): string {
  return `${paths.lock}.ended`;
}

/** How long a cut-off client waits for the holder's note before it takes the cut as an end. */
const END_NOTE_WAIT_MS = 500;

/** The holder's note written since `since` (ms), waiting a moment for it; else undefined. */
async function endNoteSince(paths: ControlPaths, since: number): Promise<string | undefined> {
  const deadline = Date.now() + END_NOTE_WAIT_MS;
  for (;;) {
    try {
      if (statSync(endNotePath(paths)).mtimeMs >= since) {
        return readFileSync(endNotePath(paths), 'utf8').trim();
      }
    } catch {
      // not written (yet)
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Removes a holder's note once its clients have read it (they do as they are cut off). */
export function removeEndNote(paths: ControlPaths): void {
  rmSync(endNotePath(paths), { force: true });
}

/** Carries stdin/stdout over the holder's socket until either side ends. */
function pipeStdio(
  socket: net.Socket,
  paths: ControlPaths,
  io: CommandIo,
  thing: string,
  serviceId: string,
): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stdout;
  const startedAt = Date.now();
  return new Promise((resolve) => {
    let stdinEnded = false;
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    stdin.on('end', () => {
      stdinEnded = true;
      socket.end();
    });
    stdin.pipe(socket, { end: false });
    socket.pipe(stdout, { end: false });
    stdout.on('error', () => socket.destroy()); // ssh went away
    socket.on('error', () => {});
    socket.once('close', () => void onClose());
    const onClose = async (): Promise<void> => {
      stdin.unpipe(socket);
      stdin.pause();
      let code = 0;
      if (!stdinEnded) {
        // Cut off: the holder says why, when the tunnel ended under it. The cut may reach
        // us a moment before its note is written (the tunnel drops, then its state says so).
        const note = await endNoteSince(paths, startedAt - 1000);
        if (note !== undefined) {
          io.err(`tunneldesk connect: ${note}`);
          code = 1;
        } else if (received === 0) {
          // No note: the device's side ended the connection (as sshd does at logout), or
          // refused it before saying anything: then nothing listens behind the service.
          io.err(
            `tunneldesk connect: ${thing} closed the connection before sending anything: does the device run an SSH server behind service ${serviceId}?`,
          );
          code = 1;
        }
      }
      // What the tunnel sent is written before we go.
      if (stdout.writableLength === 0) resolve(code);
      else stdout.once('drain', () => resolve(code));
    };
  });
}

/** `connect --hold`: the detached holder of one thing's tunnel. */
async function runHolder(thing: string, target: TargetArgs, io: CommandIo): Promise<number> {
  const paths = pathsFor(thing, target, io.env);
  const lock = takeLock(paths.lock);
  if (!lock.taken) return EXIT_OTHER_HOLDER;
  // Once the client that started us has gone, our stderr leads nowhere: never fail on it.
  process.stderr.on('error', () => {});
  const redactor = new SecretRedactor();
  const logger = createLogger({
    level: target.verbose ? LogLevel.Debug : LogLevel.Warn,
    sink: io.logSink ?? stderrSink,
    redactor,
  });
  try {
    const holder = await holdTunnel(thing, target, paths, logger, redactor, false, io);
    if (typeof holder === 'number') return holder;
    const end = await holder.ended;
    return end.kind === 'tunnel-ended' ? 1 : 0;
  } finally {
    lock.release();
  }
}

/**
 * Gets the tunnel and holds it until its last client leaves (or a signal); the caller holds
 * the lock. A number is the exit code of a failure, said in one line.
 */
export async function holdTunnel(
  thing: string,
  target: TargetArgs,
  paths: ControlPaths,
  logger: Logger,
  redactor: SecretRedactor,
  keep: boolean,
  io: CommandIo,
  /** Whether a signal still stops the holder once it runs (not while ssh runs beside it). */
  stopOnSignalWhileHeld = true,
): Promise<TunnelHolder | number> {
  const abort = new AbortController();
  let holder: TunnelHolder | undefined;
  let starting: Promise<TunnelHolder> | undefined;
  const onSignal = (): void => {
    abort.abort();
    void holder?.stop();
    // Waiting for the device: stop the holder that waits (it closes the tunnel it opened).
    void starting?.catch(() => undefined);
  };
  io.onSignals?.(onSignal);
  try {
    rmSync(endNotePath(paths), { force: true });
    const tunnel = await acquireTunnel(
      target.choice,
      thing,
      target.serviceId,
      logger,
      redactor,
      io.env,
      abort.signal,
    );
    const onEnding = (end: HolderEnd): void => {
      const why =
        end.kind === 'tunnel-ended'
          ? `the tunnel to ${thing} ended: ${end.words}`
          : end.kind === 'stopped'
            ? `the tunnel to ${thing} was closed: its holder was stopped (Ctrl-C or a signal)`
            : undefined;
      if (why) writeFileSync(endNotePath(paths), `${why}\n`, { mode: 0o600 });
    };
    const onDropped = (words: string): void =>
      writeFileSync(endNotePath(paths), `the tunnel to ${thing} dropped: ${words}\n`, {
        mode: 0o600,
      });
    starting = TunnelHolder.start({
      tunnel,
      paths,
      logger,
      // A drop under the sessions is said once, by the note the clients print; the tunnel's
      // own warning of it (and of each reconnect) only with -v.
      proxyLogger: target.verbose
        ? logger
        : createLogger({ level: LogLevel.Error, sink: io.logSink ?? stderrSink, redactor }),
      keep,
      signal: abort.signal,
      onEnding,
      onDropped,
    });
    holder = await starting;
    if (abort.signal.aborted) {
      await holder.stop();
      throw new Interrupted();
    }
    if (!stopOnSignalWhileHeld) io.offSignals?.(onSignal);
    void holder.ended.then(() => {
      if (stopOnSignalWhileHeld) io.offSignals?.(onSignal);
    });
    return holder;
  } catch (error) {
    io.offSignals?.(onSignal);
    if (error instanceof ConfigError) {
      // Found by cloud-access (no region, an unreadable CA bundle): one line, a usage code.
      io.err(`tunneldesk: ${error.message}`);
      return 2;
    }
    if (error instanceof Interrupted) {
      io.err(`tunneldesk: ${error.message}`);
      return 130;
    }
    io.err(`tunneldesk: ${thing}: ${failureLine(error)}`);
    return 1;
  }
}
