/**
 * Build configuration of the desktop app, read by electron-vite (`electron-vite build
 * --config electron.config.ts`): the bundles of the Electron main process, the preload
 * script and the React renderer. The electron-builder packaging settings are below.
 * `tunneldesk` the command (proxy, service, web) is compiled separately by `tsc -p
 * tsconfig.build.json`; browser mode serves the renderer built here (out/renderer).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

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
      // A sandboxed preload cannot require node_modules: bundle zod and the contract in.
      externalizeDeps: false,
      lib: { entry: resolve(root, 'src-main/electron/preload.ts') },
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});

/** electron-builder settings (`npm run dist`); see scripts/dist.mjs. */
export const packaging = {
  appId: 'dev.tunneldesk.app',
  productName: 'TunnelDesk',
  directories: { output: 'release', buildResources: 'assets' },
  files: ['out/**', 'package.json'],
  linux: { target: ['AppImage', 'deb'], category: 'Network', icon: 'assets/icon.svg' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
} as const;
