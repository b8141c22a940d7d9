/**
 * A real OpenSSH server for tests: `/usr/sbin/sshd -D -e` on a free port of 127.0.0.1, as
 * the current user, with a throwaway host key and one authorized client key, in a temp dir.
 * `sshOptions` are the client's options to reach it (the key, no known_hosts file).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { unusedPort } from '../../core/test-support/local-servers.js';

export const SSHD = '/usr/sbin/sshd';

/** Why sshd cannot run here, or undefined when it can. */
export function sshUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
  for (const tool of ['ssh', 'scp', 'ssh-keygen']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is missing (apt-get install openssh-client)`;
    }
  }
  return undefined;
}

export interface TestSshd {
  readonly port: number;
  readonly dir: string;
  readonly user: string;
  /** `-o` options (as separate argv items) and `-i` for the client. */
  readonly clientArgs: string[];
  /** The same options as ssh_config lines, for a config file. */
  readonly configLines: string[];
  readonly log: string[];
  close(): Promise<void>;
}

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-sshd-'));
  chmodSync(dir, 0o700);
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, execFileSync('cat', [`${clientKey}.pub`]));
  chmodSync(authorized, 0o600);
  const port = await unusedPort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `HostKey ${hostKey}`,
      'ListenAddress 127.0.0.1',
      `AuthorizedKeysFile ${authorized}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'StrictModes no',
      'UsePAM no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // sshd wants its privilege separation directory even when it runs unprivileged.
  if (!existsSync('/run/sshd') && process.getuid?.() === 0) {
    execFileSync('mkdir', ['-p', '/run/sshd']);
  }
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config, '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) if (line) log.push(line);
      if (/Server listening on/.test(chunk.toString())) resolve();
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`sshd exited (${code}) before listening:\n${log.join('\n')}`)),
    );
  });
  await ready;
  const user = userInfo().username;
  const options = [
    `IdentityFile ${clientKey}`,
    'IdentitiesOnly yes',
    `UserKnownHostsFile ${join(dir, 'known_hosts')}`,
    'StrictHostKeyChecking accept-new',
    'BatchMode yes',
    'LogLevel ERROR',
  ];
  return {
    port,
    dir,
    user,
    log,
    configLines: options,
    clientArgs: options.flatMap((line) => ['-o', line.replace(' ', '=')]),
    async close() {
      if (child.exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
