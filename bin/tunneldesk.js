#!/usr/bin/env node
// The `tunneldesk` command. The TypeScript sources are compiled to dist/ and the command is
// bundled into dist/cli/ by `npm ci` (the `prepare` script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('tunneldesk is not built yet: run `npm run build` (npm ci does it) and try again.');
  process.exit(1);
}
const { run } = await import(entry.href);
run();
