/** The app claims the OS keychain only where secrets would really be protected by it. */
import { describe, expect, it } from 'vitest';
import { secretStorageKind } from './secret-storage.js';

describe('secretStorageKind', () => {
  it('is the keychain on macOS and Windows when encryption is available', () => {
    expect(secretStorageKind({ platform: 'darwin', encryptionAvailable: true })).toBe(
      'os-keychain',
    );
    expect(secretStorageKind({ platform: 'win32', encryptionAvailable: true })).toBe('os-keychain');
  });

  it('is memory when encryption is not available', () => {
    expect(secretStorageKind({ platform: 'darwin', encryptionAvailable: false })).toBe('memory');
  });

  it('is the keychain on Linux only with a real secret store', () => {
    const linux = { platform: 'linux', encryptionAvailable: true } as const;
    expect(secretStorageKind({ ...linux, linuxBackend: 'gnome_libsecret' })).toBe('os-keychain');
    expect(secretStorageKind({ ...linux, linuxBackend: 'kwallet6' })).toBe('os-keychain');
    expect(secretStorageKind({ ...linux, linuxBackend: 'basic_text' })).toBe('memory');
    expect(secretStorageKind({ ...linux, linuxBackend: 'unknown' })).toBe('memory');
    expect(secretStorageKind(linux)).toBe('memory');
  });
});
