/**
 * Build configuration of the desktop app, read by electron-vite (`electron-vite build
 * --config electron.config.ts`): the bundles of the Electron main process, the preload
 * script and the React renderer. The electron-builder packaging settings are below.
 * `tunneldesk` the command (proxy, service, web) is compiled separately by `tsc -p
 * tsconfig.build.json`; browser mode serves the renderer built here (out/renderer).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

/**
 * Writes `NAME.br` and `NAME.gz` beside each built script and style sheet: browser mode
 * serves them to browsers that take them (src-main/web/compressed-assets.ts), so the first
 * page load of a fresh process does not wait for compression.
 */
function precompress(): Plugin {
  const brotli = promisify(zlib.brotliCompress);
  const gzip = promisify(zlib.gzip);
  return {
    name: 'tunneldesk-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? resolve(root, 'out/renderer');
      const files = Object.keys(bundle).filter((name) => /\.(js|css)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const plain = await readFile(join(dir, name));
          const quality = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 };
          await writeFile(join(dir, `${name}.br`), await brotli(plain, { params: quality }));
          await writeFile(join(dir, `${name}.gz`), await gzip(plain, { level: 9 }));
        }),
      );
    },
  };
}

/**
 * Builds src-renderer/src/bridge/early-socket.ts as an entry of its own and puts its script
 * tag before the app's in index.html: module scripts run in document order, each as soon as
 * it is loaded, so this small one opens browser mode's WebSocket while the app's code is
 * still loading (see the module for why).
 */
function earlySocketFirst(): Plugin {
  return {
    name: 'tunneldesk-early-socket',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const chunk = Object.values(context.bundle ?? {}).find(
          (output) => output.type === 'chunk' && output.isEntry && output.name === EARLY_SOCKET,
        );
        const appScript = html.indexOf('<script type="module"');
        if (!chunk || appScript === -1) {
          throw new Error(`${EARLY_SOCKET}: the entry or the app's script tag is missing`);
        }
        const tag = `<script type="module" crossorigin src="./${chunk.fileName}"></script>\n    `;
        return html.slice(0, appScript) + tag + html.slice(appScript);
      },
    },
  };
}

const EARLY_SOCKET = 'early-socket';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(root, 'src-main/electron/main.ts') },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require node_modules: bundle what it imports (the bridge
      // and the contract's channel tables; no zod, see src-main/ipc/bridge.ts).
      externalizeDeps: false,
      lib: { entry: resolve(root, 'src-main/electron/preload.ts') },
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react(), precompress(), earlySocketFirst()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves bundles unminified; browser mode fetches them over HTTP.
      minify: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'src-renderer/index.html'),
          [EARLY_SOCKET]: resolve(root, 'src-renderer/src/bridge/early-socket.ts'),
        },
      },
    },
  },
});

/** Placeholders until the project has a public home: deb packages must name both. */
const HOMEPAGE = 'https://tunneldesk.dev';
const MAINTAINER = 'TunnelDesk maintainers <maintainers@tunneldesk.dev>';
const DESCRIPTION =
  'Reach IoT devices through AWS IoT Secure Tunneling: one tunnel, several services, a local port each.';

/**
 * electron-builder settings, used by `npm run dist` (scripts/dist.mjs passes this object
 * to electron-builder's API: its own `--config` loader would take the default export
 * above, which is electron-vite's). Icons for every platform are derived from
 * assets/icon.png (512x512, rendered from assets/icon.svg).
 */
export const packaging = {
  appId: 'dev.tunneldesk.app',
  productName: 'TunnelDesk',
  copyright: 'Copyright TunnelDesk contributors, Apache-2.0',
  directories: { output: 'release', buildResources: 'assets' },
  // The production dependencies (ws, protobufjs, zod, ...) are added by electron-builder;
  // main's bundle imports them. Sources, tests and the CLI's dist/ stay out.
  files: ['out/**', 'package.json'],
  // package.json has no "main" (the `tunneldesk` command needs none): the app's entry is
  // electron-vite's output. homepage and author are what Linux packages require.
  extraMetadata: {
    main: 'out/main/main.js',
    homepage: HOMEPAGE,
    author: { name: 'TunnelDesk maintainers', email: 'maintainers@tunneldesk.dev' },
  },
  icon: 'assets/icon.png',
  // The one native module, bufferutil (ws's optional speed-up), ships N-API prebuilds that
  // Electron loads as they are. A rebuild would fetch Electron's headers and cannot target
  // another platform (a Windows installer built on Linux).
  npmRebuild: false,
  // Hardening of the packaged binary (Electron's security checklist). NODE_OPTIONS stays
  // on: it carries NODE_EXTRA_CA_CERTS, which operators behind TLS-inspecting proxies need.
  electronFuses: {
    runAsNode: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    // The renderer is loaded from file://, which needs the privileges this fuse keeps.
    grantFileProtocolExtraPrivileges: true,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Network',
    // Not `tunneldesk`: that is the command-line tool's name, which /usr/bin must keep.
    executableName: 'tunneldesk-desktop',
    maintainer: MAINTAINER,
    synopsis: 'AWS IoT Secure Tunneling desktop client',
    description: DESCRIPTION,
  },
  deb: { packageCategory: 'net', priority: 'optional' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  publish: null,
} as const;
