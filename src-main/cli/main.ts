/**
 * The `tunneldesk` command: `proxy` (the localproxy-compatible headless proxy), `service`
 * (the local tunnel service) and `web` (the app in a browser). Errors of usage print one
 * clear line and exit 2; runtime failures exit 1. Flags with no command before them are the
 * proxy's (`tunneldesk -r us-east-1 -d SSH1=22`), so tunneldesk drops in for localproxy.
 *
 * Each command's modules are loaded only when it runs: a proxy that also loaded the web app,
 * zod and the management API would carry a heap twice the size, and V8 then falls into full
 * collections on the data path (measured: about twice the CPU per GiB on upload).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/config/proxy-config.js';
import type { CommandIo } from './io.js';
import { packageRoot } from './package-root.js';
import type { RunningService } from './service-command.js';
import { versionText } from './version.js';

function packageVersion(): string {
  try {
    const file = join(packageRoot(), 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

const USAGE = `Usage: tunneldesk <command> [options]

Commands:
  proxy     A local proxy for AWS IoT Secure Tunneling (flags of the reference localproxy)
            e.g. tunneldesk proxy -r us-east-1 -s SSH1=3333,HTTP1=5555   (token in AWSIOT_TUNNEL_ACCESS_TOKEN)
  service   A local tunnel service (the AWS data plane, for tests and demos)
            e.g. tunneldesk service --port 8443 --tunnel demo:SRC_TOKEN:DST_TOKEN:HTTP1,SSH1
  web       The desktop app in your browser, on 127.0.0.1 (browser mode)
            e.g. tunneldesk web --no-open
  open      Open a tunnel to a thing and serve its services on local ports until Ctrl-C
            e.g. tunneldesk open pump-station-07 --services SSH1,HTTP1 --timeout 60
  tunnels   List open tunnels (of one thing), as a table or --json
  close     Close a tunnel by its id
  ssh       Run ssh to a thing through a tunnel (reused or opened, closed after)
            e.g. tunneldesk ssh pi@kiosk-lobby --region eu-west-1 -- uptime
  connect   One connection to a thing over stdin/stdout, for ssh's ProxyCommand
            e.g. ssh -o ProxyCommand='tunneldesk connect %n --stdio --sandbox' kiosk-lobby
  ssh-config  Host blocks for ~/.ssh/config, so ssh, scp and rsync reach things by name

Run 'tunneldesk <command> --help' for the options of a command.
Flags with no command are the proxy's, as with localproxy: tunneldesk -r us-east-1 -d SSH1=22
  -V, --version   the version and the protocol versions spoken`;

/** Flags that belong to the command itself; any other leading flag starts the proxy. */
const OWN_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/** The command and its arguments: leading flags that are not its own mean `proxy`. */
export function chooseCommand(argv: readonly string[]): {
  command: string | undefined;
  rest: string[];
} {
  const [first, ...rest] = argv;
  if (first !== undefined && first.startsWith('-') && !OWN_FLAGS.has(first)) {
    return { command: 'proxy', rest: [...argv] };
  }
  return { command: first, rest };
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const { command, rest } = chooseCommand(argv);
  try {
    switch (command) {
      case 'proxy':
        return await (await import('./proxy-command.js')).runProxyCommand(rest, io);
      case 'service':
        return await untilSignal(
          await (await import('./service-command.js')).runServiceCommand(rest, io),
          io,
        );
      case 'connect':
        return await (await import('./connect-command.js')).runConnectCommand(rest, io);
      case 'ssh':
        return await (await import('./ssh-command.js')).runSshCommand(rest, io);
      case 'ssh-config':
        return await (await import('./ssh-config-command.js')).runSshConfigCommand(rest, io);
      case 'web':
        return await untilSignal(
          await (await import('./web-command.js')).runWebCommand(rest, io),
          io,
        );
      case 'open':
        return await (await import('./open-command.js')).runOpenCommand(rest, io);
      case 'tunnels':
        return await (await import('./tunnels-command.js')).runTunnelsCommand(rest, io);
      case 'close':
        return await (await import('./tunnels-command.js')).runCloseCommand(rest, io);
      case '--version':
      case '-V':
        io.out(versionText(io.version));
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return 0;
      default:
        io.err(
          `tunneldesk: unknown command "${command}"; the commands are proxy, service, web, open, tunnels, close, ssh, connect and ssh-config

${USAGE}`,
        );
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`tunneldesk ${command}: ${error.message}`);
      io.err(`Try 'tunneldesk ${command} --help' for the options.`);
      return 2;
    }
    io.err(`tunneldesk ${command}: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

/** Runs a started command until Ctrl-C (or SIGTERM), then stops it; 0 when it stopped cleanly. */
async function untilSignal(running: RunningService | undefined, io: CommandIo): Promise<number> {
  if (!running) return 0;
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      io.offSignals?.(onSignal);
      void running.stop().then(resolve);
    };
    io.onSignals?.(onSignal);
  });
  return 0;
}

/** The process entry point (bin/tunneldesk.js). */
export function run(): void {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const io: CommandIo = {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    env: process.env,
    cwd: process.cwd(),
    version: packageVersion(),
    onSignals: (handler) => signals.forEach((s) => process.on(s, handler)),
    offSignals: (handler) => signals.forEach((s) => process.off(s, handler)),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // Give stdio a moment to flush, then make sure nothing keeps us alive.
      setTimeout(() => process.exit(code), 50).unref();
    },
    (error: unknown) => {
      process.stderr.write(`tunneldesk: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
