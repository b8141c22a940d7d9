/**
 * Writes a file so that a crash, a power cut or a full disk leaves either the old file or
 * the new one, never a mix or nothing: the content goes to a temporary file in the same
 * folder, is flushed to disk (fsync), and is renamed over the target; then the folder is
 * flushed where the platform allows it, so that the rename survives a power cut too. The
 * temporary file is created with 'wx' (never through a file or link someone else put
 * there) and with the final mode from the start. On failure it is removed, the old file is
 * untouched, and the error is thrown.
 *
 * Two forms of one procedure: the settings store saves synchronously (its callers expect
 * the new settings on disk when update() returns), the secret store asynchronously.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The file's mode, e.g. 0o600 for this user only. */
  readonly mode: number;
  /** The mode of folders created on the way (default: the process's usual 0o777 & ~umask). */
  readonly dirMode?: number;
}

/** A fresh name beside `file`, hidden, that no other writer (or process) picks. */
function temporaryPath(file: string): string {
  return join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: options.dirMode });
  const temporary = temporaryPath(file);
  try {
    const handle = await open(temporary, 'wx', options.mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a folder, and some file systems refuse to flush one: the file
    // itself is flushed and renamed, which is all they offer.
  }
}

export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: options.dirMode });
  const temporary = temporaryPath(file);
  try {
    const fd = openSync(temporary, 'wx', options.mode);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let written = 0; written < bytes.length;) {
        written += writeSync(fd, bytes, written, bytes.length - written);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do: the error below says what failed.
    }
    throw error;
  }
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // As above: not every platform can flush a folder.
  }
}
