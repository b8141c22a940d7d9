/**
 * The import rules ARCHITECTURE.md states, held: each layer of main imports only the layers
 * below it; the renderer reaches main only through the IPC contract; the two proxy roles
 * share the multiplexer and the proxy session but never import each other.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, isTestOnly, loadedWith, sourceFiles } from './test-support/import-graph.js';

/** What each part of the product may import, besides itself and npm packages. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'src-main/core': [],
  'src-main/ipc': [],
  'src-main/types': [],
  'src-main/aws': ['src-main/core'],
  'src-main/lib': ['src-main/core'],
  'src-main/app': ['src-main/core', 'src-main/aws', 'src-main/ipc', 'src-main/lib'],
  'src-main/web': ['src-main/app', 'src-main/core', 'src-main/ipc'],
  'src-main/cli': [
    'src-main/app',
    'src-main/web',
    'src-main/core',
    'src-main/aws',
    'src-main/ipc',
    'src-main/lib',
  ],
  'src-main/electron': ['src-main/app', 'src-main/core', 'src-main/aws', 'src-main/ipc'],
  'src-renderer': ['src-main/ipc'],
};

/** Inside core: a lower part never imports a higher one. */
const CORE_NEVER: Record<string, readonly string[]> = {
  'src-main/core/protocol': ['mux', 'tunnel', 'proxy', 'source', 'destination', 'service'],
  'src-main/core/mux': ['proxy', 'source', 'destination', 'service'],
  'src-main/core/tunnel': ['proxy', 'source', 'destination', 'service'],
  'src-main/core/proxy': ['source', 'destination', 'service'],
  'src-main/core/source': ['destination', 'service'],
  'src-main/core/destination': ['source', 'service'],
};

const partOf = (path: string, parts: Iterable<string>): string | undefined =>
  [...parts].find((part) => path === part || path.startsWith(`${part}/`));

const productFiles = [...sourceFiles('src-main'), ...sourceFiles('src-renderer')].filter(
  (path) => !isTestOnly(path),
);

describe('the architecture', () => {
  it('holds its layers: every import of a product module goes down, never up', () => {
    expect(productFiles.length).toBeGreaterThan(100);
    const broken = productFiles.flatMap((path) => {
      const from = partOf(path, Object.keys(MAY_IMPORT));
      if (!from) return [];
      const allowed = [from, ...MAY_IMPORT[from]!];
      return importsOf(path)
        .filter(({ target }) => target !== null && !target.endsWith('.css'))
        .filter(({ target }) => partOf(target!, allowed) === undefined)
        .map(({ specifier }) => `${path} -> ${specifier}`);
    });
    expect(broken).toEqual([]);
  });

  it('keeps core in its order: codec, then link and mux, then the roles', () => {
    const broken = productFiles.flatMap((path) => {
      const from = partOf(path, Object.keys(CORE_NEVER));
      if (!from) return [];
      const never = CORE_NEVER[from]!.map((part) => `src-main/core/${part}`);
      return importsOf(path)
        .filter(({ target }) => target !== null && partOf(target, never) !== undefined)
        .map(({ specifier }) => `${path} -> ${specifier}`);
    });
    expect(broken).toEqual([]);
  });

  it('makes every proxy through the library: the CLI and the app never construct a role', () => {
    const roles = [
      'src-main/core/source/source-proxy.js',
      'src-main/core/destination/destination-agent.js',
      'src-main/core/proxy/proxy-session.js',
    ];
    const outside = productFiles
      .filter((path) => partOf(path, ['src-main/core', 'src-main/lib']) === undefined)
      .flatMap((path) =>
        importsOf(path)
          .filter(({ target }) => target !== null && roles.includes(target))
          .map(({ specifier }) => `${path} -> ${specifier}`),
      );
    expect(outside).toEqual([]);
    // And the library does use them: the rule above is not vacuous.
    expect(importsOf('src-main/lib/source.ts').map(({ target }) => target)).toContain(roles[0]);
  });

  it('starts the app without the AWS SDK, which it loads on first use', () => {
    for (const entry of ['src-main/web/web-app.ts', 'src-main/electron/main.ts']) {
      const { modules, packages } = loadedWith(entry);
      // The walk does reach the app and its AWS access: the rule below is not vacuous.
      expect(modules).toContain('src-main/app/aws-access.ts');
      expect([...packages].filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
      expect(modules).not.toContain('src-main/aws/control-plane.ts');
    }
    // The CLI's cloud commands do load it, as they need it at once.
    expect(loadedWith('src-main/cli/open-command.ts').packages).toContain('@aws-sdk/client-iot');
  });

  it('starts the app without the data path, which loads with the first tunnel', () => {
    for (const entry of ['src-main/web/web-app.ts', 'src-main/electron/main.ts']) {
      const { modules, packages } = loadedWith(entry);
      expect(modules).toContain('src-main/app/session.ts');
      expect(modules).toContain('src-main/app/sandbox.ts');
      for (const path of [
        'src-main/lib/source.ts',
        'src-main/lib/destination.ts',
        'src-main/core/mux/tunnel-mux.ts',
        'src-main/core/service/tunnel-service.ts',
      ]) {
        expect(modules).not.toContain(path);
      }
      expect([...packages].filter((name) => name.startsWith('protobufjs'))).toEqual([]);
    }
  });

  it('prints the URL of `tunneldesk web` before loading the app, the contract or the data path', () => {
    const { modules, packages } = loadedWith('src-main/cli/web-command.ts');
    expect(modules).toContain('src-main/web/web-server.ts');
    expect(modules).not.toContain('src-main/app/app.ts');
    expect(modules).not.toContain('src-main/ipc/contract.ts');
    expect(
      [...packages].filter((name) => ['zod', 'ws', 'protobufjs', 'serve-static'].includes(name)),
    ).toEqual([]);
  });

  it("starts the renderer without zod: main checks what it sends, and the source picker's check loads with its view", () => {
    const { modules, packages } = loadedWith('src-renderer/src/main.tsx');
    // The walk does reach the transports, the client and the home: the rule is not vacuous.
    for (const path of [
      'src-renderer/src/bridge/web-bridge.ts',
      'src-main/ipc/bridge.ts',
      'src-main/ipc/app-error.ts',
      'src-renderer/src/components/tunnels/TunnelsHome.tsx',
      // It once brought the contract's schemas for the source picker's check.
      'src-renderer/src/lib/aws-source.ts',
    ]) {
      expect(modules).toContain(path);
    }
    expect(packages).toContain('react');
    expect(packages).not.toContain('zod');
    for (const path of ['src-main/ipc/contract.ts', 'src-main/ipc/web-frames.ts']) {
      expect(modules).not.toContain(path);
    }
  });

  it('keeps Electron to the shell', () => {
    const outside = productFiles
      .filter((path) => !path.startsWith('src-main/electron/'))
      .flatMap((path) =>
        importsOf(path)
          .filter(({ specifier }) => specifier === 'electron')
          .map(() => path),
      );
    expect(outside).toEqual([]);
  });
});
