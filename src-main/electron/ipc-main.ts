/**
 * The only place main touches ipcMain and webContents.send: one handler per request of
 * the contract, each behind the sender check of ipc-policy.ts, and the app's events
 * forwarded to the window on their contract channels.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import type { TunnelDeskApp } from '../app/app.js';
import { checkEvent } from '../app/dispatch.js';
import type { Logger } from '../core/log/logger.js';
import { events, requests } from '../ipc/contract.js';
import { handleIpcRequest, shouldSendEvent, type TrustedWindow } from './ipc-policy.js';

/**
 * Handles every request channel of the contract. `trusted` is asked on every request, so
 * a re-created window is trusted and a closed one is not. Returns the unregister function.
 */
export function registerRequestHandlers(
  app: TunnelDeskApp,
  trusted: () => TrustedWindow | undefined,
  log: Logger,
): () => void {
  const channels = Object.values(requests).map((spec) => spec.channel);
  for (const channel of channels) {
    ipcMain.handle(channel, (event, input: unknown) =>
      handleIpcRequest(app, channel, event, input, trusted(), log),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/**
 * Sends the app's events to the window, if it shows the app, each checked against the
 * contract first (`checkEvent`). Returns the unsubscribe function.
 */
export function forwardAppEvents(
  app: TunnelDeskApp,
  window: () => BrowserWindow | undefined,
  appUrl: string,
  log: Logger,
): () => void {
  return app.subscribe((name, payload) => {
    const target = window();
    if (!target) return;
    const destroyed = target.isDestroyed() || target.webContents.isDestroyed();
    const state = destroyed
      ? { destroyed, visible: false, minimized: false, url: '' }
      : {
          destroyed,
          visible: target.isVisible(),
          minimized: target.isMinimized(),
          url: target.webContents.getURL(),
        };
    if (!shouldSendEvent(name, state, appUrl) || !checkEvent(name, payload, log)) return;
    target.webContents.send(events[name].channel, payload);
  });
}
