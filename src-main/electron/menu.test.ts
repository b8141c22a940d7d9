/** The app menu: the standard edit roles everywhere; reload and DevTools only in development. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, type MenuOptions } from './menu.js';

function roles(options: MenuOptions): string[] {
  const found: string[] = [];
  const walk = (items: MenuItemConstructorOptions[]) => {
    for (const item of items) {
      if (item.role) found.push(item.role);
      if (Array.isArray(item.submenu)) walk(item.submenu);
    }
  };
  walk(menuTemplate(options));
  return found;
}

const linux = { platform: 'linux', development: false, productName: 'TunnelDesk' } as const;

describe('menuTemplate', () => {
  it('has File, Edit, View, Window and Help', () => {
    expect(menuTemplate(linux).map((item) => item.label ?? item.role)).toEqual([
      'File',
      'Edit',
      'View',
      'windowMenu',
      'help',
    ]);
  });

  it('has quit, the clipboard roles, zoom and about', () => {
    expect(roles(linux)).toEqual(
      expect.arrayContaining([
        'quit',
        'undo',
        'redo',
        'cut',
        'copy',
        'paste',
        'selectAll',
        'resetZoom',
        'zoomIn',
        'zoomOut',
        'about',
      ]),
    );
  });

  it('has no reload and no DevTools in the installed app', () => {
    expect(roles(linux)).not.toContain('reload');
    expect(roles(linux)).not.toContain('forceReload');
    expect(roles(linux)).not.toContain('toggleDevTools');
  });

  it('has reload and DevTools in development', () => {
    expect(roles({ ...linux, development: true })).toEqual(
      expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']),
    );
  });

  it('follows macOS: an app menu first, and File closes the window (Quit is in the app menu)', () => {
    const mac = menuTemplate({ ...linux, platform: 'darwin' });
    expect(mac[0]).toMatchObject({ role: 'appMenu', label: 'TunnelDesk' });
    expect(roles({ ...linux, platform: 'darwin' })).not.toContain('quit');
  });
});
