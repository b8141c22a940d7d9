/**
 * `tunneldesk ssh` against the local service's management API through the real AWS SDK
 * (`--endpoint-url` + `--ca-bundle`, credentials from the environment), with a destination
 * proxy standing in for the device's agent (it hears of each tunnel as a device does) and a
 * real sshd: the tunnel it opened is closed when ssh exits; `--keep` leaves it open and the
 * next session reuses it (a new source token); a tunnel closed mid-session ends ssh with one
 * line. Needs the build and /usr/sbin/sshd.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../aws/test-support/local-aws.js';
import { DestinationAgent } from '../core/destination/destination-agent.js';
import { LogLevel, silentLogger } from '../core/log/logger.js';
import { startSshd, sshUnavailable, type TestSshd } from './test-support/sshd.js';
import { runTool, type RunResult } from './test-support/ssh-run.js';

const BIN = join(import.meta.dirname, '../../bin/tunneldesk.js');
let sshd: TestSshd;
let local: LocalAws;
let dir: string;
let caFile: string;
const devices: DestinationAgent[] = [];

beforeAll(async () => {
  const missing = sshUnavailable();
  if (missing) throw new Error(`cannot run the OpenSSH tests: ${missing}`);
  sshd = await startSshd();
  local = await startLocalAws();
  dir = mkdtempSync(join(tmpdir(), 'tunneldesk-ssh-aws-'));
  caFile = join(dir, 'service-ca.pem');
  writeFileSync(caFile, local.target.ca!);
  // The device's agent: it hears of each new tunnel (as on the MQTT notify topic) and
  // connects its destination side to this test's sshd.
  local.service.management.subscribe((notice) => {
    if (notice.kind !== 'notify') return;
    const agent = new DestinationAgent(
      {
        mode: 'destination',
        accessToken: notice.clientAccessToken,
        clientToken: randomUUID(),
        clientTokenGenerated: true,
        endpoint: { host: '127.0.0.1', port: local.service.port, secure: true, origin: 'test' },
        tls: { verify: false },
        mappings: {
          mode: 'destination',
          targets: new Map(
            notice.services.map((id) => [id, { kind: 'tcp', host: '127.0.0.1', port: sshd.port }]),
          ),
        },
        mappingFiles: [],
        peerVersion: 'V3',
        logLevel: LogLevel.Off,
      },
      { logger: silentLogger },
    );
    devices.push(agent);
    void agent.start();
  });
});
afterAll(async () => {
  await Promise.all(devices.map((agent) => agent.close()));
  await local?.close();
  await sshd?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  XDG_RUNTIME_DIR: dir,
  HOME: dir,
  AWS_ACCESS_KEY_ID: 'AKIDSSHTEST',
  AWS_SECRET_ACCESS_KEY: 'ssh-test-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
});
const awsFlags = (): string[] => [
  '--endpoint-url',
  local.service.managementUrl,
  '--ca-bundle',
  caFile,
  '--region',
  'us-east-1',
];
const ssh = (extra: string[], command: string): Promise<RunResult> =>
  runTool(
    process.execPath,
    [
      BIN,
      'ssh',
      `${sshd.user}@kiosk-lobby`,
      ...awsFlags(),
      ...extra,
      '--',
      ...sshd.clientArgs,
      command,
    ],
    env(),
  );
const tunnelsOf = (status: 'OPEN' | 'CLOSED'): string[] =>
  local.service.management.tunnels
    .list('kiosk-lobby', 100)
    .items.filter((tunnel) => tunnel.status === status)
    .map((tunnel) => tunnel.tunnelId);

describe('tunneldesk ssh through the real AWS SDK (local service)', () => {
  it('opens a tunnel, runs the command, returns its code and closes the tunnel it opened', async () => {
    const before = tunnelsOf('CLOSED').length;
    const result = await ssh([], 'echo via aws; exit 5');
    expect(result.stdout).toBe('via aws\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(5);
    expect(tunnelsOf('OPEN')).toEqual([]);
    expect(tunnelsOf('CLOSED')).toHaveLength(before + 1);
  });

  it('--keep leaves it open; the next session reuses it, then closes nothing it did not open', async () => {
    const kept = await ssh(['--keep'], 'true');
    expect(kept.code).toBe(0);
    const open = tunnelsOf('OPEN');
    expect(open).toHaveLength(1);
    const again = await ssh([], 'echo reused');
    expect(again.stdout).toBe('reused\n');
    expect(again.code).toBe(0);
    // Reused, not opened: still the one tunnel, still open.
    expect(tunnelsOf('OPEN')).toEqual(open);
    local.service.management.tunnels.close(open[0]!, false);
  });

  it('a tunnel closed mid-session ends ssh, and connect says why in one line', async () => {
    const session = ssh([], 'echo up; sleep 60');
    let open: string[] = [];
    for (let i = 0; i < 200 && open.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = tunnelsOf('OPEN').filter(
        (id) =>
          local.service.management.tunnels.describe(id).sourceConnectionState.status ===
          'CONNECTED',
      );
    }
    expect(open).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    local.service.management.tunnels.close(open[0]!, false);
    const result = await session;
    expect(result.stdout).toBe('up\n');
    expect(result.code).toBe(255);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('tunneldesk'))).toEqual([
      expect.stringMatching(
        /^tunneldesk connect: the tunnel to kiosk-lobby (ended|dropped): .*clos/,
      ),
    ]);
  }, 60_000);
});
