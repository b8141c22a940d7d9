/**
 * The repository's import graph, read from the sources as text (TypeScript's own
 * pre-processor finds every form of import): for the tests that hold the layer rules of
 * ARCHITECTURE.md and keep test code out of the product.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map(({ fileName: specifier }) => edge(path, specifier));
}

function edge(path: string, specifier: string): ImportEdge {
  return {
    specifier,
    target: specifier.startsWith('.')
      ? relative(REPO_ROOT, resolve(REPO_ROOT, dirname(path), specifier))
          .split(sep)
          .join('/')
      : null,
  };
}

/**
 * What the module at `path` loads when it is loaded: its static imports and re-exports that
 * carry a value (not `import type`, nor imports whose every name is a type), leaving out
 * `import()` calls, which load later, if ever.
 */
export function loadedImportsOf(path: string, text?: string): ImportEdge[] {
  const source = text ?? readFileSync(resolve(REPO_ROOT, path), 'utf8');
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier !== undefined &&
      !statement.isTypeOnly
    ) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers.map((specifier) => edge(path, specifier));
}

/**
 * The file an import's target names: `x.js` is compiled from `x.ts` unless it is JavaScript;
 * the renderer's imports name no extension (`./x` is `x.ts` or `x.tsx`).
 */
function sourceOf(target: string): string {
  const candidates = [
    target.replace(/\.js$/, '.ts'),
    target.replace(/\.js$/, '.tsx'),
    target,
    `${target}.ts`,
    `${target}.tsx`,
  ];
  return candidates.find((path) => existsSync(resolve(REPO_ROOT, path))) ?? target;
}

/**
 * Every module loading `entry` loads (root-relative paths of this repository's sources),
 * following loadedImportsOf; packages are listed by specifier.
 */
export function loadedWith(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string): void => {
    if (modules.has(path)) return;
    modules.add(path);
    for (const { specifier, target } of loadedImportsOf(path)) {
      if (target === null) packages.add(specifier);
      else if (!target.endsWith('.css')) visit(sourceOf(target));
    }
  };
  visit(entry);
  return { modules, packages };
}
