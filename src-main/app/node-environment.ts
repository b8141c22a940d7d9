/**
 * What the app needs from the platform when it runs in plain Node (browser mode): the
 * default browser through the `open` package, terminals through spawn, settings under the
 * user's configuration directory. The Electron shell provides its own equivalents.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import open from 'open';
import { checkLocalUrl, findOnPath, spawnDetached, type LaunchDeps } from './launchers.js';

export function nodeLaunchDeps(): LaunchDeps {
  return {
    platform: process.platform,
    env: process.env,
    openExternal: async (url) => {
      await open(checkLocalUrl(url));
    },
    spawnDetached,
    findProgram: (name) => findOnPath(name),
  };
}

/** Where settings live: $XDG_CONFIG_HOME/tunneldesk, ~/Library/Application Support/TunnelDesk, %APPDATA%\TunnelDesk. */
export function defaultSettingsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') {
    return join(
      env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'),
      'TunnelDesk',
      'settings.json',
    );
  }
  if (process.platform === 'darwin') {
    return join(homedir(), 'Library', 'Application Support', 'TunnelDesk', 'settings.json');
  }
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'tunneldesk', 'settings.json');
}
