import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config/proxy-config.js';
import { AppError } from '../ipc/contract.js';
import { appErrorFrom } from './mapping-rules.js';

describe('a core ConfigError as the UI shows it', () => {
  it('names the setting instead of the CLI flag the core put as its `where`', () => {
    const error = appErrorFrom(
      new ConfigError(
        '"/tmp/none" does not exist; give a directory or file of PEM CA certificates',
        '-c/--capath',
      ),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error.message).toBe(
      'CA file or folder: "/tmp/none" does not exist; give a directory or file of PEM CA certificates',
    );
    expect(appErrorFrom(new ConfigError('bad service list', '-s')).message).toBe(
      'Services: bad service list',
    );
  });

  it('keeps a `where` that is no flag (a mapping file and its line)', () => {
    expect(appErrorFrom(new ConfigError('line 3: no "=" in it', 'ports.ini')).message).toBe(
      'ports.ini: line 3: no "=" in it',
    );
  });

  it('keeps the code: a port in use stays port-in-use', () => {
    const error = appErrorFrom(new ConfigError('port 22 is in use', undefined, 'port-in-use'));
    expect((error as AppError).code).toBe('port-in-use');
  });
});
