// `npm run dist` (after `npm run build`): packages the built app with electron-builder.
// The settings are the `packaging` export of electron.config.ts, loaded through Vite's
// module runner (Node 20 cannot import TypeScript; electron-builder's own `--config`
// loader would take the file's default export, which is electron-vite's configuration).
//
//   npm run dist                    this platform's targets (Linux: AppImage and deb)
//   npm run dist -- --linux --win   named platforms (--mac, --linux, --win); --dir unpacked
//   npm run dist -- --x64 --arm64   architectures (default: this machine's)
//
// electron-builder downloads the Electron release of every target platform from GitHub.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'electron-builder';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FLAGS = new Set([
  '--linux',
  '--mac',
  '--win',
  '--dir',
  '--x64',
  '--arm64',
  '--ia32',
  '--armv7l',
]);

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !FLAGS.has(arg));
if (unknown.length > 0) {
  console.error(`dist: unknown option ${unknown[0]}; use ${[...FLAGS].join(', ')}`);
  process.exit(2);
}
if (!existsSync(join(root, 'out', 'main', 'main.js'))) {
  console.error(
    'dist: the app is not built (out/main/main.js is missing): run `npm run build` first',
  );
  process.exit(1);
}

const { module } = await runnerImport(join(root, 'electron.config.ts'));
const has = (flag) => args.includes(flag);
try {
  const artifacts = await build({
    projectDir: root,
    config: module.packaging,
    publish: 'never',
    // An empty list means "the targets in the configuration"; absent, the platform is skipped.
    mac: has('--mac') ? [] : undefined,
    linux: has('--linux') ? [] : undefined,
    win: has('--win') ? [] : undefined,
    dir: has('--dir'),
    x64: has('--x64'),
    arm64: has('--arm64'),
    ia32: has('--ia32'),
    armv7l: has('--armv7l'),
  });
  for (const artifact of artifacts) console.log(artifact);
} catch (error) {
  console.error(`dist: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
