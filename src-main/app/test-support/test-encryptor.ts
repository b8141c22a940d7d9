/**
 * For tests: an Encryptor with a key of its own (AES-256-GCM, node:crypto) standing in for
 * Electron's safeStorage, which needs Electron's runtime and the OS keychain, neither of
 * which runs in a test here. Like safeStorage, it refuses data sealed with another key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Encryptor } from '../encrypted-file-secret-store.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals with `key` (32 bytes; a fresh random one when absent): iv, tag, then ciphertext. */
export function aesTestEncryptor(key: Buffer = randomBytes(32)): Encryptor & { key: Buffer } {
  return {
    key,
    encrypt: async (text) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
    },
    decrypt: async (data) => {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(data.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
