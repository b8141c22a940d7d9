/**
 * Build configuration of the desktop app. Packaging (electron-builder) is here; the
 * bundling of main, preload and renderer joins it with the desktop app (issue 4).
 * `tunneldesk` the command needs none of this: it is compiled by `tsc -p tsconfig.build.json`.
 */
export const packaging = {
  appId: 'dev.tunneldesk.app',
  productName: 'TunnelDesk',
  directories: { output: 'release', buildResources: 'assets' },
  files: ['out/**', 'package.json'],
  linux: { target: ['AppImage', 'deb'], category: 'Network', icon: 'assets/icon.svg' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
} as const;
