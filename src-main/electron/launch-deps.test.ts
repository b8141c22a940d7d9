/**
 * The Electron launchers: shell.openExternal sees only http(s) URLs on 127.0.0.1 or [::1],
 * whatever reaches it. A plain object stands in for Electron's shell.
 */
import { describe, expect, it } from 'vitest';
import { electronLaunchDeps } from './launch-deps.js';

function standInShell() {
  const opened: string[] = [];
  return {
    opened,
    shell: {
      openExternal: async (url: string) => {
        opened.push(url);
      },
    },
  };
}

describe('electronLaunchDeps', () => {
  it('opens a local http(s) URL', async () => {
    const { shell, opened } = standInShell();
    const deps = electronLaunchDeps(shell, 'linux');
    await deps.openExternal('http://127.0.0.1:5555/');
    await deps.openExternal('https://[::1]:8443/');
    expect(opened).toEqual(['http://127.0.0.1:5555/', 'https://[::1]:8443/']);
  });

  it.each([
    'https://example.com/',
    'file:///etc/passwd',
    'smb://127.0.0.1/share',
    'javascript:alert(1)',
    'http://127.0.0.1/',
    'http://localhost:5555/',
    'not a url',
  ])('refuses %s without calling the shell', async (url) => {
    const { shell, opened } = standInShell();
    await expect(electronLaunchDeps(shell, 'linux').openExternal(url)).rejects.toMatchObject({
      code: 'launch-failed',
    });
    expect(opened).toEqual([]);
  });

  it('reports the platform it was given', () => {
    expect(electronLaunchDeps(standInShell().shell, 'darwin').platform).toBe('darwin');
  });
});
