/**
 * A SecretStore that survives a restart: every value is sealed by an Encryptor (in the
 * Electron app, safeStorage, i.e. a key the OS keychain holds) and kept base64 in one JSON
 * file. Keys are not secret and stay readable; no value is ever written in clear text.
 *
 * No Electron here: the shell adapts safeStorage to Encryptor (electron/
 * safe-storage-secret-store.ts), so this file and its format are tested in plain Node.
 *
 * The file is written atomically (atomic-file.ts: a flushed temporary file in the same
 * folder, then a rename), mode 0600, in a folder made 0700. A file that cannot be read, parsed or decrypted is reported once in the log and
 * treated as empty, never a crash: the worst case is a tunnel that cannot be reconnected
 * after a restart, which the operator can open again. The next save replaces it.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../core/log/logger.js';
import { writeFileAtomic } from './atomic-file.js';
import type { SecretStore } from './secret-store.js';

/** What decrypting gives: the text, and whether the OS would rather have it sealed anew. */
export interface Decrypted {
  readonly text: string;
  /** The key was rotated (or a better one became available): seal the value again. */
  readonly reEncrypt: boolean;
}

/** Seals and opens values; safeStorage in the app, a stand-in key in tests. */
export interface Encryptor {
  encrypt(text: string): Promise<Buffer>;
  /** Rejects when the data was sealed with another key, or is damaged. */
  decrypt(data: Buffer): Promise<string | Decrypted>;
}

export interface EncryptedFileOptions {
  readonly file: string;
  readonly encryptor: Encryptor;
  readonly log: Logger;
}

/** Tells our file apart from any other JSON file that happens to sit at that path. */
const FORMAT = 'tunneldesk-secrets';
const VERSION = 1;

interface FileShape {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  /** Key to base64 ciphertext. */
  readonly values: Record<string, string>;
}

export class EncryptedFileSecretStore implements SecretStore {
  /** Persistent and encrypted; the shell builds it only over the OS keychain's encryption. */
  readonly kind = 'os-keychain';
  /** Values in clear, for this process only (the sessions hold the same tokens anyway). */
  private readonly plain = new Map<string, string>();
  /** The same values sealed, as the file holds them: a save re-encrypts nothing. */
  private readonly sealed = new Map<string, string>();
  private loaded: Promise<void> | undefined;
  /** Every operation runs after the previous one: saves never interleave, reads see writes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EncryptedFileOptions) {}

  get(key: string): Promise<string | undefined> {
    return this.exclusive(async () => this.plain.get(key));
  }

  set(key: string, value: string): Promise<void> {
    return this.exclusive(async () => {
      const sealed = (await this.options.encryptor.encrypt(value)).toString('base64');
      this.plain.set(key, value);
      this.sealed.set(key, sealed);
      await this.save();
    });
  }

  delete(key: string): Promise<void> {
    return this.exclusive(async () => {
      if (!this.sealed.has(key)) return;
      this.plain.delete(key);
      this.sealed.delete(key);
      await this.save();
    });
  }

  keys(prefix = ''): Promise<string[]> {
    return this.exclusive(async () => [...this.plain.keys()].filter((k) => k.startsWith(prefix)));
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.loaded ??= this.load();
      await this.loaded;
      return run();
    });
    // A failed operation rejects for its caller only; the next one still runs.
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Reads the file once; whatever is wrong with it is said once, and it counts as empty. */
  private async load(): Promise<void> {
    const { file, log } = this.options;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      // No file yet is the normal first start.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        log.warn(
          `cannot read the saved secrets in ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): starting without them`,
        );
      }
      return;
    }
    const values = parseFile(text);
    if (!values) {
      // JSON.parse's own message quotes the file: it is not repeated here.
      log.warn(
        `the saved secrets file ${file} is damaged (not ${FORMAT} JSON): saved tunnels are ignored, and the file is replaced at the next save`,
      );
      return;
    }
    let unreadable = 0;
    let stale = 0;
    for (const [key, base64] of Object.entries(values)) {
      try {
        const opened = await this.options.encryptor.decrypt(Buffer.from(base64, 'base64'));
        const { text: value, reEncrypt } =
          typeof opened === 'string' ? { text: opened, reEncrypt: false } : opened;
        this.plain.set(key, value);
        this.sealed.set(key, reEncrypt ? await this.reseal(value, base64) : base64);
        if (reEncrypt) stale++;
      } catch {
        unreadable++;
      }
    }
    if (unreadable > 0) {
      log.warn(
        `${unreadable} of ${Object.keys(values).length} saved secrets in ${file} cannot be decrypted ` +
          `(saved by another user or OS keychain, or damaged): they are ignored, and replaced at the next save`,
      );
    }
    if (stale > 0) {
      log.info(
        `the OS keychain's key changed: ${stale} saved secrets sealed again with the new one`,
      );
      await this.save().catch((error: unknown) => {
        log.warn(`cannot save the secrets sealed again: ${(error as Error).message}`);
      });
    }
  }

  /** The value sealed with the current key; the old ciphertext if that fails (it still opens). */
  private async reseal(value: string, previous: string): Promise<string> {
    try {
      return (await this.options.encryptor.encrypt(value)).toString('base64');
    } catch {
      return previous;
    }
  }

  /** Atomically: a crash leaves the old file or the new one. 0600: this user only. */
  private async save(): Promise<void> {
    const { file } = this.options;
    const shape: FileShape = {
      format: FORMAT,
      version: VERSION,
      values: Object.fromEntries(this.sealed),
    };
    try {
      await writeFileAtomic(file, `${JSON.stringify(shape, null, 2)}\n`, {
        mode: 0o600,
        dirMode: 0o700,
      });
    } catch (error) {
      throw new Error(
        `cannot save secrets to ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/** The file's values, or undefined when it is not our format. */
function parseFile(text: string): Record<string, string> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const shape = data as Partial<FileShape>;
  if (shape.format !== FORMAT || shape.version !== VERSION) return undefined;
  const values = shape.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  const entries = Object.entries(values as Record<string, unknown>);
  if (!entries.every(([, value]) => typeof value === 'string')) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}
