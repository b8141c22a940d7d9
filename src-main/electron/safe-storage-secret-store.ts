/**
 * The Electron app's secret store: values sealed by safeStorage (a key the OS keychain
 * keeps: Keychain on macOS, DPAPI on Windows, libsecret or KWallet on Linux) in one file
 * under userData. This file only adapts safeStorage to the Encryptor that
 * encrypted-file-secret-store.ts takes; the file and its format live there, tested in Node.
 *
 * Built only where secretStorageKind() says 'os-keychain': safeStorage's "basic_text"
 * fallback on Linux would seal with a key built into Chromium, which protects nothing.
 */
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { EncryptedFileSecretStore, type Encryptor } from '../app/encrypted-file-secret-store.js';
import type { SecretStore } from '../app/secret-store.js';
import type { Logger } from '../core/log/logger.js';

/** The file's name in userData. */
export const SECRETS_FILE_NAME = 'secrets.json';

/** The asynchronous safeStorage calls (the synchronous ones are deprecated in Electron 45). */
export type AsyncSafeStorage = Pick<SafeStorage, 'encryptStringAsync' | 'decryptStringAsync'>;

export function safeStorageEncryptor(safeStorage: AsyncSafeStorage): Encryptor {
  return {
    encrypt: (text) => safeStorage.encryptStringAsync(text),
    decrypt: async (data) => {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(data);
      return { text: result, reEncrypt: shouldReEncrypt };
    },
  };
}

/** The app's secretStore: given the app's log, a store in `userData`/secrets.json. */
export function safeStorageSecretStore(
  safeStorage: AsyncSafeStorage,
  userDataDir: string,
): (log: Logger) => SecretStore {
  return (log) =>
    new EncryptedFileSecretStore({
      file: join(userDataDir, SECRETS_FILE_NAME),
      encryptor: safeStorageEncryptor(safeStorage),
      log,
    });
}
