/**
 * The heavy half of `tunneldesk web`: the app (every tunnel, the sandbox, the AWS access)
 * and its IPC endpoint. cli/web-command.ts loads this module only after the server listens
 * and the URL is printed, so the browser starts while Node reads and compiles it.
 */
import { TunnelDeskApp } from '../app/app.js';
import { defaultSettingsFile, nodeLaunchDeps } from '../app/node-environment.js';
import { formatRecord, type LogLevel } from '../core/log/logger.js';
import { WebIpc } from './web-ipc.js';

export interface WebAppOptions {
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  /** Records at this level or more severe are printed (to stderr, through `err`). */
  readonly printLevel: LogLevel;
  readonly err: (line: string) => void;
}

export interface WebApp {
  readonly app: TunnelDeskApp;
  readonly ipc: WebIpc;
}

export function startWebApp(options: WebAppOptions): WebApp {
  const app = new TunnelDeskApp({
    runtime: 'web',
    version: options.version,
    settingsFile: options.env.TUNNELDESK_SETTINGS_FILE ?? defaultSettingsFile(options.env),
    launch: nodeLaunchDeps(),
    logTee: (record) => {
      if (record.level <= options.printLevel) options.err(formatRecord(record));
    },
  });
  return { app, ipc: new WebIpc(app) };
}
