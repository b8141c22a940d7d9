// `npm start`: the Electron app, or browser mode where Electron cannot start (no binary,
// no display). Builds first when the build output is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The Electron executable, or why there is none. It reads the electron package's
 * path.txt rather than calling require('electron'): since Electron 45 that require
 * downloads the binary when it is missing, which must never happen as a side effect
 * (and cannot, on a machine without access to GitHub).
 *
 * @returns {{ path: string } | { reason: string }}
 */
export function findElectron(env = process.env) {
  let moduleDir;
  try {
    moduleDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(moduleDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  // The same override the electron package honours.
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || (relative ? join(moduleDir, 'dist') : '');
  if (!dist) return { reason: "Electron's binary was never downloaded (it comes from GitHub)" };
  const executable = join(dist, relative || 'electron');
  return existsSync(executable)
    ? { path: executable }
    : { reason: `Electron's binary is missing (${executable})` };
}

/** Why there is no screen to show a window on, if there is none (Linux without X or Wayland). */
export function displayProblem(platform = process.platform, env = process.env) {
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return undefined;
  return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
}

function buildIfMissing() {
  const built = ['out/main/main.js', 'out/renderer/index.html', 'dist/cli/main.js'];
  if (built.every((file) => existsSync(join(root, file)))) return;
  console.log('TunnelDesk is not built yet: running `npm run build` first.');
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], {
        cwd: root,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs a child until it exits, and exits with its code. */
function runToEnd(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  // Ctrl+C reaches the child from the terminal directly (same process group); forwarding
  // it too would be a second interrupt, which `tunneldesk web` takes as "stop now".
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`cannot start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function main() {
  buildIfMissing();
  const args = process.argv.slice(2);
  const electron = findElectron();
  const problem = 'reason' in electron ? electron.reason : displayProblem();
  if (problem !== undefined) {
    console.log(
      `Electron cannot start here: ${problem}; starting browser mode instead (\`npm run web\`).`,
    );
    runToEnd(process.execPath, [join(root, 'bin', 'tunneldesk.js'), 'web', ...args]);
    return;
  }
  runToEnd(electron.path, [join(root, 'out', 'main', 'main.js'), ...args]);
}

// Imported (by the e2e fixtures, for findElectron) it only defines; run, it starts the app.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
