/**
 * Whether stored secrets would really be protected by the OS. On Linux without a keyring
 * Electron falls back to "basic_text", a key built into Chromium: encryption is then
 * "available" but protects nothing, so the app must not claim the keychain.
 */
export interface SafeStorageFacts {
  readonly platform: NodeJS.Platform;
  /** safeStorage.isAsyncEncryptionAvailable(), after 'ready'. */
  readonly encryptionAvailable: boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux; ignored elsewhere. */
  readonly linuxBackend?: string;
}

/** What AppInfo.secretStorage reports. */
export function secretStorageKind(facts: SafeStorageFacts): 'os-keychain' | 'memory' {
  if (!facts.encryptionAvailable) return 'memory';
  if (facts.platform === 'linux') {
    return facts.linuxBackend === undefined ||
      facts.linuxBackend === 'basic_text' ||
      facts.linuxBackend === 'unknown'
      ? 'memory'
      : 'os-keychain';
  }
  return 'os-keychain';
}
