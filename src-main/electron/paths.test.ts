/** The shell finds its pieces from out/main, the same in a checkout and inside app.asar. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appPaths, readPackageVersion } from './paths.js';

describe('appPaths', () => {
  const paths = appPaths(join('/opt', 'app.asar', 'out', 'main'));

  it("finds electron-vite's preload and renderer beside out/main", () => {
    expect(paths.preload).toBe(join('/opt', 'app.asar', 'out', 'preload', 'preload.cjs'));
    expect(paths.rendererIndex).toBe(join('/opt', 'app.asar', 'out', 'renderer', 'index.html'));
    expect(paths.packageJson).toBe(join('/opt', 'app.asar', 'package.json'));
  });

  it('gives the renderer page as a file URL', () => {
    expect(fileURLToPath(paths.appUrl)).toBe(paths.rendererIndex);
  });
});

describe('readPackageVersion', () => {
  it("reads the app's version", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-paths-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '1.2.3' }));
    expect(readPackageVersion(join(dir, 'package.json'))).toBe('1.2.3');
    rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to 0.0.0 rather than failing to start', () => {
    expect(readPackageVersion(join(tmpdir(), 'no-such-dir', 'package.json'))).toBe('0.0.0');
  });
});
