/**
 * The adapter from safeStorage to the encrypted file, with a stand-in for safeStorage: the
 * real one needs Electron's runtime and an OS keychain (importing 'electron' in Node gives
 * neither), so these tests check what the adapter does with safeStorage's answers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aesTestEncryptor } from '../app/test-support/test-encryptor.js';
import { silentLogger } from '../core/log/logger.js';
import {
  safeStorageEncryptor,
  safeStorageSecretStore,
  SECRETS_FILE_NAME,
  type AsyncSafeStorage,
} from './safe-storage-secret-store.js';

let userData: string;
beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'tunneldesk-user-data-'));
});
afterEach(() => rmSync(userData, { recursive: true, force: true }));

/** safeStorage's async calls over an AES key; `rotated` makes it ask for re-encryption. */
function fakeSafeStorage(options: { rotated?: boolean } = {}) {
  const aes = aesTestEncryptor();
  const calls = { encrypt: 0, decrypt: 0 };
  const safeStorage: AsyncSafeStorage = {
    encryptStringAsync: async (text) => {
      calls.encrypt++;
      return aes.encrypt(text);
    },
    decryptStringAsync: async (data) => {
      calls.decrypt++;
      return { result: (await aes.decrypt(data)) as string, shouldReEncrypt: !!options.rotated };
    },
  };
  return { safeStorage, calls };
}

describe('the safeStorage secret store', () => {
  it('keeps values in userData/secrets.json, sealed by safeStorage', async () => {
    const { safeStorage, calls } = fakeSafeStorage();
    const make = safeStorageSecretStore(safeStorage, userData);
    const store = make(silentLogger);
    expect(store.kind).toBe('os-keychain');
    await store.set('tunnel/a', 'a-source-token-of-some-length');
    expect(calls.encrypt).toBe(1);
    expect(readFileSync(join(userData, SECRETS_FILE_NAME), 'utf8')).not.toContain('source-token');
    expect(await make(silentLogger).get('tunnel/a')).toBe('a-source-token-of-some-length');
    expect(calls.decrypt).toBe(1);
  });

  it("passes on safeStorage's shouldReEncrypt", async () => {
    const { safeStorage } = fakeSafeStorage({ rotated: true });
    const encryptor = safeStorageEncryptor(safeStorage);
    const sealed = await encryptor.encrypt('x');
    expect(await encryptor.decrypt(sealed)).toEqual({ text: 'x', reEncrypt: true });
  });
});
