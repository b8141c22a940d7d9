/**
 * The main window's options, as data: the security settings that follow from "the
 * renderer is untrusted" (context isolation, sandbox, no Node integration, no webviews,
 * web security on) in one place a test can read, with no Electron import.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { PRODUCT_NAME } from './paths.js';

/** What varies between a development run and the installed app. */
export interface WindowVariant {
  /** DevTools exist only in development; the installed app has none to open. */
  readonly devTools: boolean;
}

/** The BrowserWindow options of the one app window. */
export function windowOptions(
  preloadPath: string,
  variant: WindowVariant = { devTools: false },
): BrowserWindowConstructorOptions {
  return {
    title: PRODUCT_NAME,
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    // Shown on 'ready-to-show', so the operator never sees an empty white frame.
    show: false,
    backgroundColor: '#0f2a3d',
    webPreferences: {
      preload: preloadPath,
      // The page and the preload live in separate JavaScript worlds; only contextBridge crosses.
      contextIsolation: true,
      // The renderer process is an OS sandbox without Node; the preload gets only what Electron allows.
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: variant.devTools,
    },
  };
}
