/**
 * Both forms of the atomic write, on a real file system: the content and mode after a
 * write, no temporary file left behind, and a failed write leaving the old file as it was.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync, type AtomicWriteOptions } from './atomic-file.js';

type Write = (file: string, data: string, options: AtomicWriteOptions) => Promise<void>;

const forms: [string, Write][] = [
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', async (file, data, options) => writeFileAtomicSync(file, data, options)],
];
/** File modes mean nothing on Windows. */
const posix = process.platform !== 'win32';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tunneldesk-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(forms)('%s', (_name, write) => {
  it('writes the content with the mode, in folders it makes, and leaves nothing else', async () => {
    const file = join(dir, 'made', 'on', 'the way', 'secrets.json');
    await write(file, '{"a":1}\n', { mode: 0o600, dirMode: 0o700 });
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(join(dir, 'made', 'on', 'the way'))).toEqual(['secrets.json']);
    if (posix) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'made')).mode & 0o077).toBe(0);
    }
  });

  it('replaces a file whole, with the new mode, and writes more than one buffer', async () => {
    const file = join(dir, 'settings.json');
    writeFileSync(file, 'the old content, longer than the new one\n');
    if (posix) chmodSync(file, 0o644);
    const big = 'é'.repeat(300_000);
    await write(file, 'new\n', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    await write(file, big, { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe(big);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('leaves the old file intact when the temporary file cannot be made', async () => {
    // A name so long that the temporary one beside it exceeds the file system's limit.
    const file = join(dir, `${'n'.repeat(240)}.json`);
    writeFileSync(file, 'old\n');
    await expect(write(file, 'new\n', { mode: 0o600 })).rejects.toMatchObject({
      code: 'ENAMETOOLONG',
    });
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual([`${'n'.repeat(240)}.json`]);
  });

  it('removes its temporary file and leaves what was there when the rename fails', async () => {
    // A non-empty folder where the file should be: the content is written, the rename fails.
    const file = join(dir, 'secrets.json');
    mkdirSync(file);
    writeFileSync(join(file, 'kept.txt'), 'kept\n');
    await expect(write(file, 'new\n', { mode: 0o600 })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['secrets.json']);
    expect(readFileSync(join(file, 'kept.txt'), 'utf8')).toBe('kept\n');
  });
});
