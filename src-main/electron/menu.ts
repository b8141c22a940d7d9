/**
 * The application menu as data. Reload and DevTools exist only in development: in the
 * installed app a reload would drop the renderer's state for nothing, and DevTools would
 * hand anyone at the keyboard a console inside the app.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu depends on. */
export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  readonly development: boolean;
  readonly productName: string;
}

/** The menu template for Menu.buildFromTemplate. */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const developmentItems: MenuItemConstructorOptions[] = options.development
    ? [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
      ]
    : [];
  return [
    // macOS puts About and Quit in the menu named after the app.
    ...(mac ? [{ role: 'appMenu' as const, label: options.productName }] : []),
    { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        ...developmentItems,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ role: 'about', label: `About ${options.productName}` }],
    },
  ];
}
