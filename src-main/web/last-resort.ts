/**
 * Browser mode's last resort. `tunneldesk web` is one process carrying every tunnel the
 * operator opened and the UI that shows them: an exception nobody caught (in a timer or a
 * socket callback deep in a tunnel) or a promise rejected with nobody waiting would, by
 * Node's default, end it, and every tunnel with it. Here it is logged as an error (the Logs
 * view shows it) and the process carries on: one broken session is a smaller harm than all
 * of them gone. The boundaries catch their own errors first (each request, upgrade and IPC
 * message in web-server.ts); this is for what escapes the rest. Only the `web` command
 * installs it: `tunneldesk proxy` keeps Node's default, since whoever runs a headless proxy
 * restarts it, and the Electron shell has its own handling.
 */
import type { EventEmitter } from 'node:events';
import type { WebLog } from './web-server.js';

/** Logs uncaught exceptions and unhandled rejections instead of exiting; returns the remover. */
export function keepRunningOnUncaught(log: WebLog, target: EventEmitter = process): () => void {
  const describe = (error: unknown): string =>
    error instanceof Error ? (error.stack ?? error.message) : String(error);
  const onException = (error: unknown): void => {
    log.error(`uncaught exception (browser mode keeps running): ${describe(error)}`);
  };
  const onRejection = (reason: unknown): void => {
    log.error(`unhandled promise rejection (browser mode keeps running): ${describe(reason)}`);
  };
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
