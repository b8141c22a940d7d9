/**
 * `tunneldesk web`: the desktop app in plain Node, its UI in the browser. Listens on
 * 127.0.0.1 only, prints the URL (with this run's secret) on a line of its own, and opens
 * it in the default browser unless --no-open.
 *
 * In that order, and only then loads the app (web/web-app.ts): the server needs nothing of
 * it to serve the page, so the browser starts while Node loads the rest, and a page that
 * connects sooner waits for it (web-server.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/config/proxy-config.js';
import { LogLevel, toLogLevel, type Logger } from '../core/log/logger.js';
import { keepRunningOnUncaught } from '../web/last-resort.js';
import type { WebApp } from '../web/web-app.js';
import { WebServer, type WebLog } from '../web/web-server.js';
import type { CommandIo } from './io.js';
import { packageRoot } from './package-root.js';
import type { RunningService } from './service-command.js';
import { parseStrict } from './strict-args.js';

const HELP = `Usage: tunneldesk web [options]

TunnelDesk in the browser: the desktop app served on 127.0.0.1, guarded by a
per-run secret.

Options:
  -h, --help             show this help and exit
  --port <port>          port on 127.0.0.1 (a free one by default)
  --no-open              do not open the default browser
  -v, --verbose <level>  log level printed to stderr, 0 to 6 (3, warnings)
`;

export async function runWebCommand(
  argv: string[],
  io: CommandIo,
): Promise<RunningService | undefined> {
  const { values, positionals } = parseStrict(
    argv,
    {
      help: { type: 'boolean', short: 'h' },
      port: { type: 'string' },
      'no-open': { type: 'boolean' },
      verbose: { type: 'string', short: 'v' },
    },
    'web',
  );
  const options = {
    help: values.help === true,
    port: values.port as string | undefined,
    open: values['no-open'] !== true,
    verbose: values.verbose as string | undefined,
  };
  if (options.help) {
    io.out(HELP);
    return undefined;
  }
  if (positionals.length > 0) throw new ConfigError(`unexpected argument "${positionals[0]}"`);
  let port = 0;
  if (options.port !== undefined) {
    if (!/^[0-9]+$/.test(options.port) || Number(options.port) > 65_535) {
      throw new ConfigError(
        `"${options.port}" is not a port; give 1 to 65535, or leave --port out for a free one`,
        '--port',
      );
    }
    port = Number(options.port);
  }
  let printLevel = LogLevel.Warn;
  if (options.verbose !== undefined) {
    if (!/^[0-9]{1,3}$/.test(options.verbose))
      throw new ConfigError(`"${options.verbose}" is not a level; give 0 to 6`, '-v');
    printLevel = toLogLevel(Number(options.verbose));
  }
  const rendererDir = join(packageRoot(), 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(
      `the app's UI is not built (${rendererDir} is missing): run \`npm run build\` first`,
    );
  }
  // Until the app and its logger exist, the server and the last resort print to stderr.
  const appLog: { logger?: Logger } = {};
  const log: WebLog = {
    error: (message) => {
      if (appLog.logger) appLog.logger.error(message);
      else if (LogLevel.Error <= printLevel) io.err(`[error] ${message}`);
    },
  };
  // From here the process holds the operator's tunnels: nothing uncaught may end it.
  const release = keepRunningOnUncaught(log);
  const server = new WebServer({ rendererDir, port, log });
  let url: string;
  try {
    url = await server.start();
  } catch (error) {
    release();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new ConfigError(
        `port ${port} is already in use on 127.0.0.1; choose another, or leave --port out`,
        '--port',
      );
    throw error;
  }
  io.out(
    "TunnelDesk is running in browser mode. Open this URL (it carries this run's secret; keep it private):",
  );
  io.out(url);
  if (options.open) {
    // The `open` package alone: the app's launchers load the contract, which can wait.
    try {
      const { default: open } = await import('open');
      await open(url);
    } catch (error) {
      io.err(
        `could not open the browser (${(error as Error).message}); open the URL above yourself`,
      );
    }
  }
  let started: WebApp;
  try {
    const { startWebApp } = await import('../web/web-app.js');
    started = startWebApp({ version: io.version, env: io.env, printLevel, err: io.err });
  } catch (error) {
    await server.close();
    release();
    throw error;
  }
  const { app, ipc } = started;
  appLog.logger = app.logger.child('web');
  server.attach(ipc);
  return {
    stop: async () => {
      await server.close();
      await app.shutdown();
      release();
    },
  };
}
