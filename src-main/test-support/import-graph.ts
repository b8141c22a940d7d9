/**
 * The repository's import graph, read from the sources as text (TypeScript's own
 * pre-processor finds every form of import): for the tests that hold the layer rules of
 * ARCHITECTURE.md and keep test code out of the product.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;

/** Whether a path (relative to the root, `/`-separated) is test-only code. */
export function isTestOnly(path: string): boolean {
  return /(^|\/)test-support\//.test(path) || /\.test\.(ts|tsx)$/.test(path);
}

/** Every source file under a folder of the repository, as root-relative `/` paths. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(resolve(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => `${dir}/${name.split(sep).join('/')}`)
    .filter((path) => SOURCE.test(path) && !path.includes('/generated/'));
}

/** One import: the specifier as written, and for a relative one the root-relative target. */
export interface ImportEdge {
  readonly specifier: string;
  readonly target: string | null;
}

/** What the module at `path` (with `text`, read from disk when absent) imports. */
export function importsOf(path: string, text?: string): ImportEdge[] {
  const source = text ?? readFileSync(resolve(REPO_ROOT, path), 'utf8');
  return ts.preProcessFile(source, true, true).importedFiles.map(({ fileName: specifier }) => ({
    specifier,
    target: specifier.startsWith('.')
      ? relative(REPO_ROOT, resolve(REPO_ROOT, dirname(path), specifier))
          .split(sep)
          .join('/')
      : null,
  }));
}
