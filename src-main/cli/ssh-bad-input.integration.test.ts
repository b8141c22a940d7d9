/**
 * Every bad input of `tunneldesk ssh` and `connect --stdio` gets one clear line and leaves
 * nothing open: no control socket or lock, no process (the holder included), no tunnel it
 * opened. Real processes, the sandbox through the real AWS SDK, a real sshd, a real ssh.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedPort } from '../core/test-support/local-servers.js';
import { startSshd, sshUnavailable, type TestSshd } from './test-support/sshd.js';
import { runTool, type RunResult } from './test-support/ssh-run.js';

const BIN = join(import.meta.dirname, '../../bin/tunneldesk.js');
let sshd: TestSshd;
let runtimeDir: string;
let home: string;

beforeAll(async () => {
  const missing = sshUnavailable();
  if (missing) throw new Error(`cannot run the OpenSSH tests: ${missing}`);
  sshd = await startSshd();
  runtimeDir = mkdtempSync(join(tmpdir(), 'tunneldesk-xdg-'));
  home = mkdtempSync(join(tmpdir(), 'tunneldesk-home-'));
  mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
});
afterAll(async () => {
  await sshd?.close();
  rmSync(runtimeDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

/** A clean environment: this run's runtime dir and HOME, no AWS variables of the machine. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('AWS_')) clean[name] = value;
  }
  return {
    ...clean,
    XDG_RUNTIME_DIR: runtimeDir,
    HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}
const sandbox = (sshPort = sshd.port): string[] => [
  '--sandbox',
  '--sandbox-ssh-port',
  String(sshPort),
];
const tunneldesk = (args: string[], extra: Record<string, string> = {}): Promise<RunResult> =>
  runTool(process.execPath, [BIN, ...args], env(extra));

/** Processes still running with this run's runtime dir in their environment (holders). */
function ourProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(runtimeDir)) {
        found.push(Number(entry));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function controlFiles(): string[] {
  try {
    return readdirSync(join(runtimeDir, `tunneldesk-${process.getuid!()}`)).filter(
      (name) => !name.endsWith('.ended'),
    );
  } catch {
    return [];
  }
}

/** Nothing left: no socket, no lock, no process of ours (given a moment to exit). */
async function expectNothingLeft(): Promise<void> {
  for (let i = 0; i < 100 && (controlFiles().length > 0 || ourProcesses().length > 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(controlFiles()).toEqual([]);
  expect(ourProcesses()).toEqual([]);
}

/** The lines a command printed to stderr. */
const lines = (text: string): string[] => text.split('\n').filter(Boolean);

describe('bad input of tunneldesk ssh and connect --stdio', () => {
  it('an unknown thing: one line, exit 1, nothing left (ssh and connect)', async () => {
    const ssh = await tunneldesk(['ssh', 'no-such-thing', ...sandbox()]);
    expect(lines(ssh.stderr)).toEqual([
      expect.stringMatching(/^tunneldesk: no-such-thing: .*no-such-thing/),
    ]);
    expect(ssh.code).toBe(1);
    const connect = await tunneldesk(['connect', 'no-such-thing', '--stdio', ...sandbox()]);
    expect(lines(connect.stderr)).toEqual([
      expect.stringMatching(/^tunneldesk: no-such-thing: .*no-such-thing/),
    ]);
    expect(connect.code).toBe(1);
    await expectNothingLeft();
  });

  it('no credentials: one line naming the profile, exit 1', async () => {
    const result = await tunneldesk([
      'ssh',
      'kiosk-lobby',
      '--profile',
      'nobody',
      '--region',
      'eu-west-1',
      '--endpoint-url',
      'https://127.0.0.1:9',
    ]);
    expect(lines(result.stderr)).toEqual([
      expect.stringContaining('No AWS credentials found for profile "nobody"'),
    ]);
    expect(result.code).toBe(1);
    await expectNothingLeft();
  });

  it('an expired SSO session: one line with the aws sso login command', async () => {
    writeFileSync(
      join(home, '.aws', 'config'),
      [
        '[profile sso-dev]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = Operator',
        'region = eu-west-1',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`),
      JSON.stringify({
        accessToken: 'expired-sso-access-token',
        expiresAt: new Date(Date.now() - 3_600_000).toISOString(),
      }),
    );
    const result = await tunneldesk([
      'connect',
      'kiosk-lobby',
      '--stdio',
      '--profile',
      'sso-dev',
      '--region',
      'eu-west-1',
      '--endpoint-url',
      'https://127.0.0.1:9',
    ]);
    expect(lines(result.stderr)).toEqual([
      expect.stringContaining('aws sso login --profile sso-dev'),
    ]);
    expect(result.stderr).not.toContain('expired-sso-access-token');
    expect(result.code).toBe(1);
    await expectNothingLeft();
  });

  it('a thing with no SSH server behind the service: ssh fails, connect says why once', async () => {
    const closed = await unusedPort();
    const proxyCommand = [
      process.execPath,
      BIN,
      'connect',
      'kiosk-lobby',
      '--stdio',
      ...sandbox(closed),
    ].join(' ');
    const result = await runTool(
      'ssh',
      [...sshd.clientArgs, '-o', `ProxyCommand=${proxyCommand}`, 'kiosk-lobby', 'true'],
      env(),
    );
    expect(result.code).toBe(255);
    expect(lines(result.stderr).filter((line) => line.startsWith('tunneldesk'))).toEqual([
      'tunneldesk connect: kiosk-lobby closed the connection before sending anything: does the device run an SSH server behind service SSH1?',
    ]);
    await expectNothingLeft();
  });

  it('ssh not installed: one line, exit 127, nothing opened', async () => {
    const result = await tunneldesk(['ssh', 'kiosk-lobby', ...sandbox()], { PATH: '/nonexistent' });
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^tunneldesk ssh: ssh is not installed \(not on PATH\)/),
    ]);
    expect(result.code).toBe(127);
    await expectNothingLeft();
  });

  it('a tunnel that closes mid-session: ssh ends, one line says why, nothing left', async () => {
    const proxyCommand = [
      process.execPath,
      BIN,
      'connect',
      'kiosk-lobby',
      '--stdio',
      ...sandbox(),
    ].join(' ');
    const session = runTool(
      'ssh',
      [
        ...sshd.clientArgs,
        '-o',
        `ProxyCommand=${proxyCommand}`,
        `${sshd.user}@kiosk-lobby`,
        'echo up; sleep 60',
      ],
      env(),
    );
    // The holder's pid is in its lock, once the session is up.
    let holderPid = 0;
    for (let i = 0; i < 200 && holderPid === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const lock = controlFiles().find((name) => name.endsWith('.lock'));
      const socket = controlFiles().find((name) => name.endsWith('.sock'));
      if (lock && socket) {
        holderPid = Number(
          readFileSync(join(runtimeDir, `tunneldesk-${process.getuid!()}`, lock), 'utf8'),
        );
      }
    }
    expect(holderPid).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.kill(holderPid, 'SIGTERM');
    const result = await session;
    expect(result.stdout).toBe('up\n');
    expect(result.code).toBe(255);
    expect(lines(result.stderr).filter((line) => line.startsWith('tunneldesk'))).toEqual([
      'tunneldesk connect: the tunnel to kiosk-lobby was closed: its holder was stopped (Ctrl-C or a signal)',
    ]);
    await expectNothingLeft();
  }, 60_000);

  it('a second tunneldesk ssh to the same thing shares the tunnel; both get their exit codes', async () => {
    const run = (command: string): Promise<RunResult> =>
      tunneldesk([
        'ssh',
        `${sshd.user}@kiosk-lobby`,
        ...sandbox(),
        '--',
        ...sshd.clientArgs,
        command,
      ]);
    const first = run('sleep 3; echo first; exit 3');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await run('echo second; exit 4');
    expect(second.stdout).toBe('second\n');
    expect(second.code).toBe(4);
    const done = await first;
    expect(done.stdout).toBe('first\n');
    expect(done.code).toBe(3);
    await expectNothingLeft();
  }, 60_000);

  it('Ctrl-C while the tunnel is being found: one line, exit 130, nothing left (ssh and connect)', async () => {
    // An API endpoint that accepts and never answers: the command waits there.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      for (const command of [
        ['ssh', 'kiosk-lobby'],
        ['connect', 'kiosk-lobby', '--stdio'],
      ]) {
        const child = spawn(
          process.execPath,
          [BIN, ...command, '--region', 'eu-west-1', '--endpoint-url', `https://127.0.0.1:${port}`],
          {
            env: env({ AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test-secret' }),
            stdio: ['pipe', 'pipe', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        // The control-plane request has reached the silent endpoint.
        await new Promise<void>((resolve) => silent.once('connection', () => resolve()));
        child.kill('SIGINT');
        expect(await exited).toBe(130);
        expect(lines(stderr)).toEqual(['tunneldesk: interrupted; nothing is left open']);
        await expectNothingLeft();
      }
    } finally {
      silent.close();
    }
  }, 60_000);

  it('Ctrl-C to tunneldesk ssh while ssh runs: ssh decides; its code is ours, nothing left', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'ssh',
        `${sshd.user}@kiosk-lobby`,
        ...sandbox(),
        '--',
        ...sshd.clientArgs,
        'echo started; sleep 2; echo done; exit 6',
      ],
      { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('started')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await started;
    child.kill('SIGINT');
    expect(await exited).toBe(6);
    expect(stdout).toBe('started\ndone\n');
    expect(stderr).toBe('');
    await expectNothingLeft();
  }, 60_000);
});
