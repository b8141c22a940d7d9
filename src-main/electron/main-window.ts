/**
 * The one app window: created with the options of window.ts, held to the app's page by
 * harden.ts, and loaded from the built renderer on disk.
 */
import { BrowserWindow } from 'electron';
import type { Logger } from '../core/log/logger.js';
import { hardenWebContents } from './harden.js';
import type { AppPaths } from './paths.js';
import { windowOptions } from './window.js';

/** Creates, guards and loads the window; it shows itself once its first paint is ready. */
export function createMainWindow(
  paths: AppPaths,
  options: { readonly development: boolean; readonly log: Logger },
): BrowserWindow {
  const window = new BrowserWindow(windowOptions(paths.preload, { devTools: options.development }));
  // Guards go on before the first load, so not even the first navigation escapes them.
  hardenWebContents(window.webContents, paths.appUrl, options.log);
  window.once('ready-to-show', () => window.show());
  window.loadFile(paths.rendererIndex).catch((error: unknown) => {
    options.log.error(`cannot load the app's page: ${(error as Error).message}`);
    // Shown anyway: an empty window that stays is clearer than none at all.
    if (!window.isDestroyed()) window.show();
  });
  return window;
}

/** Brings the window to the front, as a second launch of the app does. */
export function focusWindow(window: BrowserWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
