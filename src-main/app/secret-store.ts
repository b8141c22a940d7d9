/**
 * Where the app keeps secrets it needs later (the source token and client token of a
 * tunnel it opened, to reconnect after a restart). The Electron shell provides a store
 * that encrypts with `safeStorage` (the OS keychain) and keeps the ciphertext in a file;
 * browser mode and the CLI have none, so secrets live in memory and die with the process
 * (AppInfo.secretStorage says which, and the UI says so).
 */

/** A small key-value store of secret strings. Keys are not secret; values are. */
export interface SecretStore {
  /** `os-keychain` when values survive a restart, encrypted by the OS; `memory` otherwise. */
  readonly kind: 'os-keychain' | 'memory';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** The keys that start with `prefix` (all keys without one). */
  keys(prefix?: string): Promise<string[]>;
}

/** Secrets in memory only: nothing is written anywhere. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  private readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async keys(prefix = ''): Promise<string[]> {
    return [...this.values.keys()].filter((key) => key.startsWith(prefix));
  }
}
