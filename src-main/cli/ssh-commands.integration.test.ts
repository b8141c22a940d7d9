/**
 * `tunneldesk connect --stdio` as ssh's ProxyCommand and `tunneldesk ssh`, through the
 * built-in sandbox (its management API through the real AWS SDK, its simulated device)
 * to a real OpenSSH server: remote commands, 20 MB each way with scp, byte-exact, and
 * several sessions at once sharing one tunnel. Needs the build and /usr/sbin/sshd
 * (.ci/run installs it); when sshd cannot run the tests fail saying why, never skip.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, sshUnavailable, type TestSshd } from './test-support/sshd.js';
import { runTool } from './test-support/ssh-run.js';

const BIN = join(import.meta.dirname, '../../bin/tunneldesk.js');
let sshd: TestSshd;
let work: string;
/** A private XDG_RUNTIME_DIR, so that the control sockets of this run are ours to inspect. */
let runtimeDir: string;

beforeAll(async () => {
  const missing = sshUnavailable();
  if (missing) throw new Error(`cannot run the OpenSSH tests: ${missing}`);
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'tunneldesk-ssh-test-'));
  runtimeDir = mkdtempSync(join(tmpdir(), 'tunneldesk-xdg-'));
});
afterAll(async () => {
  await sshd?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(runtimeDir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ XDG_RUNTIME_DIR: runtimeDir });
const sandboxFlags = (): string[] => ['--sandbox', '--sandbox-ssh-port', String(sshd.port)];
const proxyCommand = (thing: string): string =>
  [process.execPath, BIN, 'connect', thing, '--stdio', ...sandboxFlags()].join(' ');
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The control sockets left in the runtime directory (none once every holder ended). */
function controlFiles(): string[] {
  try {
    return readdirSync(join(runtimeDir, `tunneldesk-${process.getuid!()}`));
  } catch {
    return [];
  }
}

async function waitForNoHolder(): Promise<void> {
  for (let i = 0; i < 100 && controlFiles().length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(controlFiles()).toEqual([]);
}

describe('ssh through tunneldesk connect --stdio (sandbox)', () => {
  it('runs a remote command through ProxyCommand, then leaves nothing open', async () => {
    const result = await runTool(
      'ssh',
      [
        ...sshd.clientArgs,
        '-o',
        `ProxyCommand=${proxyCommand('kiosk-lobby')}`,
        '-o',
        'HostKeyAlias=kiosk-lobby',
        `${sshd.user}@kiosk-lobby`,
        'echo hello from $((40+2))',
      ],
      env(),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hello from 42\n');
    expect(result.code).toBe(0);
    await waitForNoHolder();
  });

  it('copies 20 MB each way with scp, byte-exact, beside an open ssh session', async () => {
    const upload = randomBytes(20 * 1024 * 1024);
    const local = join(work, 'up.bin');
    writeFileSync(local, upload);
    const options = [...sshd.clientArgs, '-o', `ProxyCommand=${proxyCommand('kiosk-lobby')}`];
    const remote = join(work, 'remote.bin');
    const back = join(work, 'back.bin');
    // An ssh session that stays while the copies run: the three share one tunnel.
    const session = runTool(
      'ssh',
      [...options, `${sshd.user}@kiosk-lobby`, 'sleep 4; echo still here'],
      env(),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [up, other] = await Promise.all([
      runTool('scp', ['-q', ...options, local, `${sshd.user}@kiosk-lobby:${remote}`], env()),
      runTool(
        'ssh',
        [...options, `${sshd.user}@kiosk-lobby`, `head -c 1000000 /dev/zero | sha256sum`],
        env(),
      ),
    ]);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(other.stdout).toContain(sha256(Buffer.alloc(1_000_000)));
    expect(sha256(readFileSync(remote))).toBe(sha256(upload));
    const down = await runTool(
      'scp',
      ['-q', ...options, `${sshd.user}@kiosk-lobby:${remote}`, back],
      env(),
    );
    expect(down.code).toBe(0);
    expect(sha256(readFileSync(back))).toBe(sha256(upload));
    const first = await session;
    expect(first.stdout).toBe('still here\n');
    expect(first.code).toBe(0);
    await waitForNoHolder();
  }, 120_000);
});

describe('tunneldesk ssh (sandbox)', () => {
  it('runs a remote command and returns its exit code (exit 7 → 7)', async () => {
    const result = await runTool(
      process.execPath,
      [
        BIN,
        'ssh',
        `${sshd.user}@kiosk-lobby`,
        ...sandboxFlags(),
        '--',
        ...sshd.clientArgs,
        'echo on the device; exit 7',
      ],
      env(),
    );
    expect(result.stdout).toBe('on the device\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(7);
    await waitForNoHolder();
  });
});
