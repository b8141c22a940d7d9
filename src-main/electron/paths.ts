/**
 * Where the shell's pieces are, from the directory of the bundled main script. The layout
 * is electron-vite's (out/main, out/preload, out/renderer) and is the same inside the
 * packaged app.asar, so one rule serves `npm start` and the installed app.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The name the operator sees, and the folder name of the app's user data. */
export const PRODUCT_NAME = 'TunnelDesk';

/** The files the shell loads. */
export interface AppPaths {
  /** The sandboxed preload (CommonJS: a sandboxed preload cannot load ES modules). */
  readonly preload: string;
  /** The renderer's page. */
  readonly rendererIndex: string;
  /** The page as a file URL: the only URL the window may show or take IPC from. */
  readonly appUrl: string;
  readonly packageJson: string;
}

/** The paths, given the directory of out/main/main.js. */
export function appPaths(mainDir: string): AppPaths {
  const rendererIndex = join(mainDir, '..', 'renderer', 'index.html');
  return {
    preload: join(mainDir, '..', 'preload', 'preload.cjs'),
    rendererIndex,
    appUrl: pathToFileURL(rendererIndex).href,
    packageJson: join(mainDir, '..', '..', 'package.json'),
  };
}

/**
 * The app's version from its package.json. `npm start` runs `electron out/main/main.js`,
 * and Electron reads no package.json for a file argument, so app.getVersion() would give
 * Electron's own version there.
 */
export function readPackageVersion(packageJson: string): string {
  try {
    const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
