import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectControl,
  controlDir,
  controlPaths,
  listenControl,
  takeLock,
} from './control-socket.js';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'tunneldesk-control-test-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('the control socket', () => {
  it("lives in a 0700 directory of this user's, one path per key", () => {
    const env = { XDG_RUNTIME_DIR: base };
    const dir = controlDir(env);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const a = controlPaths('sandbox|kiosk-lobby|SSH1', env);
    const b = controlPaths('sandbox|kiosk-lobby|SSH2', env);
    expect(a.socket.startsWith(dir)).toBe(true);
    expect(a.socket).not.toBe(b.socket);
    expect(controlPaths('sandbox|kiosk-lobby|SSH1', env)).toEqual(a);
  });

  it('tightens a directory that others could read', () => {
    const env = { XDG_RUNTIME_DIR: base };
    const dir = controlDir(env);
    spawnSync('chmod', ['0755', dir]);
    controlDir(env);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("gives the lock to one taker; a dead holder's lock is taken over", () => {
    const lock = join(base, 'x.lock');
    const first = takeLock(lock);
    expect(first.taken).toBe(true);
    expect(takeLock(lock)).toEqual({ taken: false, pid: process.pid });
    if (first.taken) first.release();
    expect(existsSync(lock)).toBe(false);
    // A pid that has exited: its lock is stale.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(lock, String(gone));
    const second = takeLock(lock);
    expect(second.taken).toBe(true);
    if (second.taken) second.release();
  });

  it('listens with mode 0600 over a stale socket file, and carries bytes', async () => {
    const { socket: path } = controlPaths('k', { XDG_RUNTIME_DIR: base });
    writeFileSync(path, 'stale');
    expect(await connectControl(path)).toBeUndefined();
    const server = await listenControl(path, (client) => client.pipe(client));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const client = (await connectControl(path))!;
    const echoed = new Promise<string>((resolve) => client.once('data', (d) => resolve(String(d))));
    client.write('ping');
    expect(await echoed).toBe('ping');
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
