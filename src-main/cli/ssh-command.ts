/**
 * `tunneldesk ssh [user@]THING [-- ssh args…]`: the user's own ssh to a thing, through a
 * tunnel that carries its SSH service. The source side runs in this process (the holder,
 * with its control socket) unless another session to THING already holds a tunnel, which
 * this one then shares. ssh reaches it through `connect --stdio` as its ProxyCommand, so
 * neither a token nor a port is on any command line; HostKeyAlias=THING keeps known_hosts
 * keyed by the device. ssh's exit code is ours; a tunnel this opened closes when ssh and
 * every session sharing it have ended (`--keep` leaves it open).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { shellWord } from '../app/ssh-config-block.js';
import { ConfigError } from '../core/config/proxy-config.js';
import { createLogger, LogLevel, SecretRedactor, stderrSink } from '../core/log/logger.js';
import { connectControl, takeLock } from './control-socket.js';
import { holdTunnel, pathsFor, tunneldeskBin } from './connect-command.js';
import type { CommandIo } from './io.js';
import {
  checkThingName,
  parseCommandArgs,
  TARGET_HELP,
  targetFlags,
  type TargetArgs,
  targetOf,
} from './target-options.js';

const USAGE = `Usage: tunneldesk ssh [USER@]THING [options] [-- SSH ARGS…]

Runs your ssh to THING through a tunnel carrying its SSH service: an open one is reused (or
shared with another session to THING), else one is opened and closed again when ssh exits.
ssh's exit code is tunneldesk's. Arguments after -- go to ssh (options, a remote command).

Options:
  --keep                 leave a tunnel this opened open when ssh exits
${TARGET_HELP}`;

/** How long our own ProxyCommand's socket may take to close once ssh has exited. */
const OWN_CLIENT_GRACE_MS = 2_000;

/** The exit code of a shell for a command that cannot be found. */
const EXIT_NOT_FOUND = 127;

/** The ProxyCommand that joins (or starts) the holder of THING's tunnel. */
export function proxyCommandFor(thing: string, target: TargetArgs): string {
  return proxyCommandWords(thing, target).map(shellWord).join(' ');
}

/** The same as words: this node and this installation's tunneldesk, so no PATH is needed. */
export function proxyCommandWords(thing: string, target: TargetArgs): string[] {
  return [process.execPath, tunneldeskBin(), 'connect', thing, '--stdio', ...targetFlags(target)];
}

/** The ssh program on PATH, or undefined. */
function findOnPath(program: string, env: CommandIo['env']): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function runSshCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals, afterDashes } = parseCommandArgs(
    argv,
    { keep: { type: 'boolean' } },
    'ssh',
  );
  if (values.help === true) {
    io.out(USAGE);
    return 0;
  }
  const destination = positionals[0];
  if (positionals.length > 1) {
    throw new ConfigError(
      `unexpected argument "${positionals[1]}"; put ssh's arguments after --, e.g. tunneldesk ssh pi@kiosk -- uptime`,
    );
  }
  const at = destination?.lastIndexOf('@') ?? -1;
  const user = at > 0 ? destination!.slice(0, at) : undefined;
  const thing = checkThingName(at >= 0 ? destination!.slice(at + 1) : destination, 'ssh');
  const target = targetOf(values, io.env);
  const ssh = findOnPath('ssh', io.env);
  if (!ssh) {
    io.err(
      'tunneldesk ssh: ssh is not installed (not on PATH); install OpenSSH (e.g. apt-get install openssh-client), or use tunneldesk connect --stdio from your own client',
    );
    return EXIT_NOT_FOUND;
  }
  const paths = pathsFor(thing, target, io.env);
  const redactor = new SecretRedactor();
  const logger = createLogger({
    level: target.verbose ? LogLevel.Debug : LogLevel.Warn,
    sink: io.logSink ?? stderrSink,
    redactor,
  });

  // Another session holds THING's tunnel: share it (its ProxyCommand joins that holder).
  let holder: Awaited<ReturnType<typeof holdTunnel>> | undefined;
  const existing = await connectControl(paths.socket);
  existing?.destroy();
  const lock = existing ? undefined : takeLock(paths.lock);
  if (lock?.taken) {
    try {
      holder = await holdTunnel(
        thing,
        target,
        paths,
        logger,
        redactor,
        values.keep === true,
        io,
        false,
      );
    } catch (error) {
      lock.release();
      throw error;
    }
    if (typeof holder === 'number') {
      lock.release();
      return holder;
    }
  } else if (existing) {
    logger.info(`sharing the tunnel another session holds to ${thing}`);
  }

  const args = [
    '-o',
    `HostKeyAlias=${thing}`,
    '-o',
    `ProxyCommand=${proxyCommandFor(thing, target)}`,
    user ? `${user}@${thing}` : thing,
    ...afterDashes,
  ];
  const code = await runSsh(ssh, args, io);
  if (holder && typeof holder !== 'number') {
    // Our ssh's ProxyCommand is a client until its socket's close arrives, just after ssh exits.
    for (let waited = 0; holder.clientCount > 0 && waited < OWN_CLIENT_GRACE_MS; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (holder.clientCount > 0) {
      // Now Ctrl-C may end it (and the sessions sharing it).
      const stop = (): void => void holder.stop();
      io.onSignals?.(stop);
      void holder.ended.then(() => io.offSignals?.(stop));
      io.err(
        `tunneldesk ssh: ${holder.clientCount} other session(s) share this tunnel to ${thing}; it stays open until they end`,
      );
    } else {
      await holder.stop();
    }
    await holder.ended;
    if (lock?.taken) lock.release();
  }
  return code;
}

/**
 * Runs ssh in the foreground with our stdio. Ctrl-C goes to ssh (it shares the terminal's
 * process group), which decides; we only clean up after it.
 */
function runSsh(ssh: string, args: string[], io: CommandIo): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(ssh, args, { stdio: 'inherit', env: { ...process.env, ...io.env } });
    // While ssh runs, a signal is ssh's business: keep ours from ending the holder under it.
    const ignore = (): void => {};
    io.onSignals?.(ignore);
    child.once('error', (error) => {
      io.offSignals?.(ignore);
      io.err(`tunneldesk ssh: cannot run ${ssh}: ${error.message}`);
      resolve(EXIT_NOT_FOUND);
    });
    child.once('exit', (code, signal) => {
      io.offSignals?.(ignore);
      resolve(code ?? (signal ? 128 + signalNumber(signal) : 1));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : signal === 'SIGHUP' ? 1 : 9;
}
