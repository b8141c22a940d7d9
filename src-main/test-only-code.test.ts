/**
 * Nothing of the tests ships. The rule: test helpers live in folders named `test-support/`,
 * tests in `*.test.ts(x)` files. No product module imports either (nor a test framework),
 * and the product build, tsconfig.build.json (what `tunneldesk` runs from, dist/), leaves
 * them out. The Electron bundles take only what main.ts, preload.ts and the renderer's
 * index.html import, so the import rule keeps them clean as well. Benchmarks (bench/) may
 * use test-support: they build apart, to dist-bench/ (tsconfig.bench.json), and ship nowhere.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  importsOf,
  isTestOnly,
  REPO_ROOT as root,
  sourceFiles,
} from './test-support/import-graph.js';

/** Packages only tests use: a product module importing one would not even run without them. */
const TEST_PACKAGES = ['vitest', '@testing-library/', 'fast-check', '@playwright/test', 'jsdom'];

/** What a product module at `path` imports that is test-only, as "path -> specifier" lines. */
function testOnlyImports(path: string, text?: string): string[] {
  return importsOf(path, text)
    .filter(({ specifier, target }) =>
      target !== null
        ? isTestOnly(target)
        : TEST_PACKAGES.some((name) => specifier === name || specifier.startsWith(name)),
    )
    .map(({ specifier }) => `${path} -> ${specifier}`);
}

describe('test-only code', () => {
  it('is imported by no product module of main or the renderer', () => {
    const product = [...sourceFiles('src-main'), ...sourceFiles('src-renderer')].filter(
      (path) => !isTestOnly(path),
    );
    expect(product.length).toBeGreaterThan(100);
    const found = product.flatMap((path) => testOnlyImports(path));
    expect(found).toEqual([]);
  });

  it('is recognised in every form an import can take', () => {
    const text = [
      "import { a } from './test-support/a.js';",
      "export { b } from '../core/test-support/b.js';",
      "const c = await import('../app/x.test.ts');",
      "import { it } from 'vitest';",
      "import type { T } from '../../src-main/aws/test-support/local-aws.js';",
      "import { fine } from './log/logger.js';",
    ].join('\n');
    expect(testOnlyImports('src-main/app/y.ts', text)).toEqual([
      'src-main/app/y.ts -> ./test-support/a.js',
      'src-main/app/y.ts -> ../core/test-support/b.js',
      'src-main/app/y.ts -> ../app/x.test.ts',
      'src-main/app/y.ts -> vitest',
      'src-main/app/y.ts -> ../../src-main/aws/test-support/local-aws.js',
    ]);
  });

  it('is left out of the product build (tsconfig.build.json)', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const files = execFileSync(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\n')
      .map((line) => relative(root, line.trim()).split(sep).join('/'))
      .filter((path) => path !== '' && !path.startsWith('node_modules/') && !path.startsWith('..'));
    // The list is the real one: the command and the app are in it.
    expect(files).toContain('src-main/cli/main.ts');
    expect(files).toContain('src-main/web/web-server.ts');
    expect(files.filter((path) => path.startsWith('bench/'))).toEqual([]);
    expect(files.filter(isTestOnly)).toEqual([]);
  });
});
