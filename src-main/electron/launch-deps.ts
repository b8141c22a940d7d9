/**
 * LaunchDeps for the Electron shell: the browser through shell.openExternal, terminals
 * through launchers.ts. openExternal checks the URL again here, because shell.openExternal
 * would hand any scheme (file:, smb:, a custom handler) to the OS.
 */
import type { Shell } from 'electron';
import { checkLocalUrl, findOnPath, spawnDetached, type LaunchDeps } from '../app/launchers.js';

/** The launchers of the Electron app. */
export function electronLaunchDeps(
  shell: Pick<Shell, 'openExternal'>,
  platform: NodeJS.Platform = process.platform,
): LaunchDeps {
  return {
    platform,
    env: process.env,
    openExternal: async (url) => {
      await shell.openExternal(checkLocalUrl(url));
    },
    spawnDetached,
    findProgram: (name) => findOnPath(name),
  };
}
