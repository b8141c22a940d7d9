/**
 * The app's settings: one JSON file, validated against the contract's schema when read
 * (a hand-edited or corrupt file falls back to defaults and says so), written atomically.
 * Without a file (tests) settings live in memory.
 */
import { readFileSync } from 'node:fs';
import { describeSchemaError, Settings } from '../ipc/contract.js';
import type { Logger } from '../core/log/logger.js';
import { writeFileAtomicSync } from './atomic-file.js';

export const DEFAULT_SETTINGS: Settings = { theme: 'system', sshUsers: {}, browserSchemes: {} };

export class SettingsStore {
  private current: Settings;

  constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
  ) {
    this.current = this.load();
  }

  get(): Settings {
    return this.current;
  }

  update(change: Partial<Settings>): Settings {
    this.current = Settings.parse({ ...this.current, ...change });
    this.save();
    return this.current;
  }

  private load(): Settings {
    if (!this.file) return DEFAULT_SETTINGS;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return DEFAULT_SETTINGS;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      this.log.warn(
        `settings file ${this.file} is not JSON (${(error as Error).message}); using defaults`,
      );
      return DEFAULT_SETTINGS;
    }
    const parsed =
      typeof data === 'object' && data !== null && !Array.isArray(data)
        ? Settings.safeParse({ ...DEFAULT_SETTINGS, ...data })
        : Settings.safeParse(data);
    if (parsed.success) return parsed.data;
    // The message names the field (`theme: Invalid option: ...`), never the file's values.
    this.log.warn(
      `settings file ${this.file} is not valid (${describeSchemaError(parsed.error).message}); using defaults`,
    );
    return DEFAULT_SETTINGS;
  }

  private save(): void {
    if (!this.file) return;
    try {
      writeFileAtomicSync(this.file, JSON.stringify(this.current, null, 2) + '\n', {
        mode: 0o600,
      });
    } catch (error) {
      this.log.error(`cannot save settings to ${this.file}: ${(error as Error).message}`);
    }
  }
}
