/**
 * The settings file is input too: a hand-edited or damaged file falls back to defaults and
 * the log names the field that was wrong (never the file's values).
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
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, LogLevel, type LogRecord } from '../core/log/logger.js';
import { DEFAULT_SETTINGS, SettingsStore } from './settings-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function load(text: string): { settings: unknown; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-settings-'));
  dirs.push(dir);
  const file = join(dir, 'settings.json');
  writeFileSync(file, text);
  const records: LogRecord[] = [];
  const store = new SettingsStore(
    file,
    createLogger({ level: LogLevel.Debug, sink: (r) => records.push(r) }),
  );
  return { settings: store.get(), warnings: records.map((r) => r.message) };
}

describe('SettingsStore', () => {
  it('reads a valid file', () => {
    const { settings, warnings } = load('{"theme":"dark"}');
    expect(settings).toMatchObject({ theme: 'dark' });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['{"theme":"purple"}', 'theme: '],
    ['{"sshUsers":{"pi":17}}', 'sshUsers.pi: '],
    ['{"browserSchemes":{"pi/HTTP1":"ftp"}}', 'browserSchemes.pi/HTTP1: '],
    ['{"tunnelDefaults":{"byThing":{},"byThingType":{},"extra":1}}', 'tunnelDefaults.extra: '],
    ['{"colour":"blue"}', 'colour: not a field'],
    ['[1,2]', 'input: '],
  ])('falls back to defaults on %s, naming the field', (text, field) => {
    const { settings, warnings } = load(text);
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`is not valid (${field}`);
    expect(warnings[0]).toMatch(/using defaults$/);
  });

  it('saves an update atomically: the whole file, this user only, nothing left beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-settings-'));
    dirs.push(dir);
    const file = join(dir, 'settings.json');
    const store = new SettingsStore(file, createLogger({ level: LogLevel.Off }));
    store.update({ theme: 'dark' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ theme: 'dark' });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('logs a save that fails and keeps the settings in memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-settings-'));
    dirs.push(dir);
    const file = join(dir, 'settings.json');
    mkdirSync(file);
    const records: LogRecord[] = [];
    const store = new SettingsStore(
      file,
      createLogger({ level: LogLevel.Debug, sink: (r) => records.push(r) }),
    );
    expect(store.update({ theme: 'light' })).toMatchObject({ theme: 'light' });
    expect(records.map((r) => r.message)).toEqual([
      expect.stringMatching(/^cannot save settings to .*settings\.json: /),
    ]);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('says when the file is not JSON at all', () => {
    const { settings, warnings } = load('{"theme": dark');
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(warnings[0]).toMatch(/is not JSON \(.*\); using defaults$/);
  });
});
