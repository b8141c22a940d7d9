// Generates the static protobufjs code for proto/Message.proto.
// The output is build output (git-ignored): `npm ci` runs this through `prepare`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src-main/core/protocol/generated');
const bin = (name) => join(root, 'node_modules/.bin', name);
mkdirSync(outDir, { recursive: true });

const js = join(outDir, 'message.js');
execFileSync(
  bin('pbjs'),
  [
    '-t',
    'static-module',
    '-w',
    'es6',
    '--no-create',
    '--no-verify',
    '--no-convert',
    '--no-delimited',
    '--no-typeurl',
    '-o',
    js,
    join(root, 'proto/Message.proto'),
  ],
  { stdio: 'inherit' },
);
execFileSync(bin('pbts'), ['-o', join(outDir, 'message.d.ts'), js], { stdio: 'inherit' });

// pbts emits `import Long = require("long")` for 64-bit fields; the schema has none,
// and the line is invalid in an ES module declaration file.
const dts = join(outDir, 'message.d.ts');
writeFileSync(dts, readFileSync(dts, 'utf8').replace(/^import Long = require\("long"\);\n/m, ''));
