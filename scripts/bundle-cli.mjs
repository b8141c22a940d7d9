// Bundles the `tunneldesk` command (dist/src-main/cli/main.js, which tsc wrote) into
// dist/cli/, the modules bin/tunneldesk.js runs. One file per command (main.ts loads each
// command's modules only when it runs, and the bundle keeps those dynamic imports as chunks),
// instead of a few hundred files for Node to find, read and link one by one: `tunneldesk
// web` prints its address in about half the time, and every `tunneldesk connect` that ssh
// starts as its ProxyCommand starts faster too. The library (`import … from 'tunneldesk'`)
// stays as tsc wrote it.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist/cli');
rmSync(outDir, { recursive: true, force: true });
await build({
  input: join(root, 'dist/src-main/cli/main.js'),
  platform: 'node',
  // ws loads these native helpers if they are installed; they stay packages, found at run time.
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warn',
  output: { dir: outDir, format: 'esm', sourcemap: true },
});
