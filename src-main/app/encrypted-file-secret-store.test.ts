/**
 * The encrypted secrets file, with an AES-256-GCM key standing in for safeStorage (which
 * needs Electron's runtime and an OS keychain, neither of which runs here): values survive
 * a new store on the same file, the file is this user's only and replaced atomically, holds
 * no value in clear text, and a damaged or foreign file is said once and counts as empty.
 */
import {
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
import { createLogger, LogLevel, type LogRecord } from '../core/log/logger.js';
import { EncryptedFileSecretStore, type Encryptor } from './encrypted-file-secret-store.js';
import { aesTestEncryptor } from './test-support/test-encryptor.js';

let dir: string;
let file: string;
let records: LogRecord[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tunneldesk-secrets-'));
  file = join(dir, 'user-data', 'secrets.json');
  records = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const log = () => createLogger({ level: LogLevel.Trace, sink: (record) => records.push(record) });
const warnings = () => records.filter((r) => r.level === LogLevel.Warn).map((r) => r.message);

function store(encryptor: Encryptor) {
  return new EncryptedFileSecretStore({ file, encryptor, log: log() });
}

/** Shaped like an access token, long and random, so a search for it cannot hit by chance. */
const TOKEN = `AQGAAXi${'q7Zk3Vw9'.repeat(40)}`;

describe('EncryptedFileSecretStore', () => {
  it('keeps values across a new store on the same file and key, and says it is persistent', async () => {
    const key = aesTestEncryptor();
    const first = store(key);
    expect(first.kind).toBe('os-keychain');
    await first.set('tunnel/a', TOKEN);
    await first.set('tunnel/b', 'second');
    await first.set('other', 'third');
    await first.delete('tunnel/b');

    const second = store(aesTestEncryptor(key.key));
    expect(await second.get('tunnel/a')).toBe(TOKEN);
    expect(await second.get('tunnel/b')).toBeUndefined();
    expect(await second.keys('tunnel/')).toEqual(['tunnel/a']);
    expect((await second.keys()).sort()).toEqual(['other', 'tunnel/a']);
    expect(warnings()).toEqual([]);
  });

  it('never writes a value in clear text, nor its base64', async () => {
    const secrets = store(aesTestEncryptor());
    await secrets.set('tunnel/a', TOKEN);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(10, 40));
    expect(text).not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 40));
    // Keys are not secret: they stay readable, the value is ciphertext.
    const shape = JSON.parse(text) as { format: string; version: number; values: object };
    expect(shape).toMatchObject({ format: 'tunneldesk-secrets', version: 1 });
    expect(Object.keys(shape.values)).toEqual(['tunnel/a']);
  });

  it.skipIf(process.platform === 'win32')('writes the file for this user only (0600)', async () => {
    const secrets = store(aesTestEncryptor());
    await secrets.set('tunnel/a', TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await secrets.set('tunnel/a', 'again');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces the file by a rename, leaving no temporary file, also when writes overlap', async () => {
    const key = aesTestEncryptor();
    const secrets = store(key);
    await Promise.all(Array.from({ length: 20 }, (_, i) => secrets.set(`tunnel/${i}`, `v${i}`)));
    await Promise.all([secrets.delete('tunnel/3'), secrets.set('tunnel/3', 'last')]);
    expect(readdirSync(join(dir, 'user-data'))).toEqual(['secrets.json']);
    const again = store(key);
    expect(await again.keys('tunnel/')).toHaveLength(20);
    // Operations run in the order they were asked for: the set after the delete wins.
    expect(await again.get('tunnel/3')).toBe('last');
  });

  it('rejects a failed write, leaves no temporary file, and keeps working', async () => {
    // A directory where the file should be: the rename over it fails.
    mkdirSync(file, { recursive: true });
    const secrets = store(aesTestEncryptor());
    await expect(secrets.set('tunnel/a', TOKEN)).rejects.toThrow(/^cannot save secrets to /);
    expect(readdirSync(join(dir, 'user-data'))).toEqual(['secrets.json']);
    expect(JSON.stringify(records)).not.toContain(TOKEN);
    rmSync(file, { recursive: true });
    await secrets.set('tunnel/b', 'fine');
    expect(await secrets.get('tunnel/b')).toBe('fine');
  });

  it('treats a damaged file as empty, says so once, and replaces it at the next save', async () => {
    mkdirSync(join(dir, 'user-data'));
    writeFileSync(file, `{"format":"tunneldesk-secrets","values":{"tunnel/a":"${TOKEN}`);
    const secrets = store(aesTestEncryptor());
    expect(await secrets.keys()).toEqual([]);
    expect(await secrets.get('tunnel/a')).toBeUndefined();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('is damaged');
    // JSON.parse's message would quote the file: the log does not.
    expect(warnings()[0]).not.toContain('AQGAAXi');
    await secrets.set('tunnel/b', 'new');
    expect(warnings()).toHaveLength(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('treats values sealed with another key as unreadable: said once, empty, never thrown', async () => {
    await store(aesTestEncryptor()).set('tunnel/a', TOKEN);
    records = [];
    const other = store(aesTestEncryptor());
    expect(await other.get('tunnel/a')).toBeUndefined();
    expect(await other.keys()).toEqual([]);
    expect(warnings()).toEqual([
      expect.stringMatching(/^1 of 1 saved secrets in .* cannot be decrypted/),
    ]);
    await other.set('tunnel/b', 'mine');
    expect(warnings()).toHaveLength(1);
  });

  it('ignores a JSON file of another shape, and an empty one', async () => {
    mkdirSync(join(dir, 'user-data'));
    for (const text of ['[]', '{"theme":"dark"}', '']) {
      writeFileSync(file, text);
      records = [];
      expect(await store(aesTestEncryptor()).keys()).toEqual([]);
      expect(warnings()).toHaveLength(1);
    }
  });

  it('seals a value again when the OS says its key changed', async () => {
    const key = aesTestEncryptor();
    await store(key).set('tunnel/a', TOKEN);
    const before = readFileSync(file, 'utf8');
    // safeStorage's shouldReEncrypt, as the Electron adapter passes it on.
    const rotated: Encryptor = {
      encrypt: key.encrypt,
      decrypt: async (data) => ({ text: (await key.decrypt(data)) as string, reEncrypt: true }),
    };
    expect(await store(rotated).get('tunnel/a')).toBe(TOKEN);
    const after = readFileSync(file, 'utf8');
    expect(after).not.toBe(before);
    expect(await store(key).get('tunnel/a')).toBe(TOKEN);
  });
});
