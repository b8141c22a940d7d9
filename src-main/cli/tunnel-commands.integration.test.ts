/**
 * `tunneldesk open`, `tunnels` and `close` run in-process through main(), against the local
 * service's management API through the real AWS SDK (credentials from a temporary HOME's
 * environment), with a device: a destination proxy of the library started from the
 * service's notify message, as a device's agent hears of a tunnel. Bytes go through real
 * sockets and are compared by hash. Then the sandbox, and every bad input of these commands:
 * one line, and nothing left open.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startLocalAws,
  useTempHome,
  type LocalAws,
  type TempHome,
} from '../aws/test-support/local-aws.js';
import {
  connect,
  echoRoundTrip,
  isPortFree,
  patternHash,
  sendAndHash,
  startEchoServer,
  startHashServer,
  waitFor,
  type Closable,
} from '../core/test-support/local-servers.js';
import { startDestinationProxy } from '../lib/index.js';
import type { CommandIo } from './io.js';
import { main } from './main.js';

let local: LocalAws;
let home: TempHome;
let caFile: string;
const cleanup: Closable[] = [];

beforeEach(async () => {
  home = useTempHome();
  process.env.AWS_ACCESS_KEY_ID = 'AKIDCLITEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'cli-test-secret';
  local = await startLocalAws();
  caFile = join(home.dir, 'service-ca.pem');
  writeFileSync(caFile, local.target.ca!);
});
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
  await local.close();
  home.restore();
});

interface Run {
  code: Promise<number>;
  out: string[];
  err: string[];
  interrupt(): void;
}

function start(argv: string[]): Run {
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Set<() => void>();
  const io: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: process.env,
    cwd: process.cwd(),
    version: '9.8.7',
    logSink: (record) => err.push(`log: ${record.message}`),
    onSignals: (handler) => handlers.add(handler),
    offSignals: (handler) => handlers.delete(handler),
  };
  return {
    code: main(argv, io),
    out,
    err,
    interrupt: () => handlers.forEach((h) => h()),
  };
}

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const started = start(argv);
  return { ...started, code: await started.code };
}

const endpoint = (): string[] => [
  '--endpoint-url',
  local.service.managementUrl,
  '--ca-bundle',
  caFile,
];

/** A device for every tunnel opened: a destination proxy with the notify message's token. */
function deviceFor(services: Record<string, number>): void {
  const unsubscribe = local.service.management.subscribe((notice) => {
    if (notice.kind !== 'notify') return;
    void startDestinationProxy({
      accessToken: notice.clientAccessToken,
      endpoint: `wss://127.0.0.1:${local.service.port}`,
      tls: { verify: false },
      services: Object.fromEntries(notice.services.map((id) => [id, services[id] ?? 1])),
      logLevel: 'off',
    }).then((device) => cleanup.push(device));
  });
  cleanup.push({ close: async () => unsubscribe() });
}

function openTunnelIds(): string[] {
  return local.service
    .listTunnels()
    .filter((tunnel) => tunnel.status === 'OPEN')
    .map((tunnel) => tunnel.id);
}

async function ready(runState: Run): Promise<void> {
  await waitFor(
    () => runState.out.length > 0 || runState.err.some((l) => !l.startsWith('log:')),
    20_000,
    'open to print',
  );
}

describe('tunneldesk open / tunnels / close through the AWS SDK', () => {
  it('opens a tunnel with two services, carries bytes, lists it, and closes it on Ctrl-C', async () => {
    const hash = await startHashServer();
    const echo = await startEchoServer();
    cleanup.push(hash, echo);
    deviceFor({ SSH1: hash.port, HTTP1: echo.port });
    const opened = start([
      'open',
      'pump-station-07',
      '--services',
      'SSH1,HTTP1',
      '--timeout',
      '30',
      '--json',
      ...endpoint(),
    ]);
    await ready(opened);
    const announced = JSON.parse(opened.out[0]!) as {
      tunnelId: string;
      services: { serviceId: string; host: string; port: number }[];
    };
    expect(announced.services.map((s) => [s.serviceId, s.host])).toEqual([
      ['SSH1', '127.0.0.1'],
      ['HTTP1', '127.0.0.1'],
    ]);
    const ssh = announced.services.find((s) => s.serviceId === 'SSH1')!.port;
    const http = announced.services.find((s) => s.serviceId === 'HTTP1')!.port;
    expect(await sendAndHash(ssh, 4 * 1024 * 1024)).toBe(patternHash(4 * 1024 * 1024));
    const socket = await connect(http);
    const sent = Buffer.from('through the tunnel and back');
    expect((await echoRoundTrip(socket, sent)).equals(sent)).toBe(true);
    socket.destroy();

    const listed = await run(['tunnels', 'pump-station-07', '--json', ...endpoint()]);
    expect(listed.code).toBe(0);
    const tunnels = JSON.parse(listed.out.join('\n')) as Record<string, unknown>[];
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]).toMatchObject({
      tunnelId: announced.tunnelId,
      thingName: 'pump-station-07',
      services: ['SSH1', 'HTTP1'],
      sourceConnected: true,
      destinationConnected: true,
      maxLifetimeMinutes: 30,
    });
    const table = await run(['tunnels', ...endpoint()]);
    expect(table.out[0]).toMatch(
      /^TUNNEL ID\s+THING\s+SERVICES\s+SOURCE\s+DEVICE\s+AGE\s+EXPIRES$/,
    );
    expect(table.out[1]).toContain(announced.tunnelId);
    expect(table.out[1]).toContain('SSH1,HTTP1');

    opened.interrupt();
    expect(await opened.code).toBe(0);
    expect(opened.err).toContain(`closed tunnel ${announced.tunnelId}`);
    expect(openTunnelIds()).toEqual([]);
    expect(await isPortFree(ssh)).toBe(true);
    expect(await isPortFree(http)).toBe(true);
    const none = await run(['tunnels', ...endpoint()]);
    expect(none.out).toEqual([`no open tunnels (${new URL(local.service.managementUrl).origin})`]);
  });

  it('leaves the tunnel open with --keep, and tunneldesk close closes it', async () => {
    deviceFor({});
    const opened = start(['open', 'kiosk-lobby', '--services', 'HTTP1', '--keep', ...endpoint()]);
    await ready(opened);
    expect(opened.out[0]).toMatch(
      /^tunnel \S+ to kiosk-lobby is open; Ctrl-C stops here and leaves it open$/,
    );
    expect(opened.out[1]).toMatch(/^SERVICE\s+LOCAL ADDRESS$/);
    expect(opened.out[2]).toMatch(/^HTTP1\s+127\.0\.0\.1:\d+$/);
    const [tunnelId] = openTunnelIds();
    opened.interrupt();
    expect(await opened.code).toBe(0);
    expect(opened.err).toContain(
      `left tunnel ${tunnelId} open (--keep); close it with: tunneldesk close ${tunnelId}`,
    );
    expect(openTunnelIds()).toEqual([tunnelId]);

    const closed = await run(['close', tunnelId!, ...endpoint()]);
    expect(closed).toMatchObject({ code: 0, out: [`closed tunnel ${tunnelId} to kiosk-lobby`] });
    expect(openTunnelIds()).toEqual([]);
    const again = await run(['close', tunnelId!, '--json', ...endpoint()]);
    expect(JSON.parse(again.out.join(''))).toEqual({ tunnelId, closed: true, wasOpen: false });
  });

  it('says when the tunnel is closed from elsewhere, and exits 1', async () => {
    deviceFor({});
    const opened = start(['open', 'kiosk-lobby', '--services', 'HTTP1', ...endpoint()]);
    await ready(opened);
    const [tunnelId] = openTunnelIds();
    expect((await run(['close', tunnelId!, ...endpoint()])).code).toBe(0);
    expect(await opened.code).toBe(1);
    const lines = opened.err.filter((line) => !line.startsWith('log:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tunneldesk open: /);
  });
});

describe('tunneldesk open --sandbox', () => {
  it("carries the SSH service to the port given for the sandbox's sshd", async () => {
    const hash = await startHashServer();
    cleanup.push(hash);
    const opened = start([
      'open',
      'gateway-berlin-01',
      '--services',
      'SSH1',
      '--sandbox',
      '--sandbox-ssh-port',
      String(hash.port),
      '--json',
    ]);
    await ready(opened);
    const { services } = JSON.parse(opened.out[0]!) as { services: { port: number }[] };
    expect(await sendAndHash(services[0]!.port, 1024 * 1024)).toBe(patternHash(1024 * 1024));
    opened.interrupt();
    expect(await opened.code).toBe(0);
    expect(await isPortFree(services[0]!.port)).toBe(true);
  });
});

describe('bad input: one line, exit code, nothing left open', () => {
  it.each([
    [['open', 'pump-station-07'], 2, /required option '-s, --services <list>' not specified/],
    [
      ['open', 'pump-station-07', '--services', 'SSH1,,HTTP1'],
      2,
      /--services: "SSH1,,HTTP1" has an empty item/,
    ],
    [['open', 'pump-station-07', '--services', 'SSH1,SSH1'], 2, /service "SSH1" is given twice/],
    [
      ['open', 'pump-station-07', '--services', 'A,B,C,D'],
      2,
      /4 services given; a tunnel carries 1 to 3/,
    ],
    [['open', 'pump-station-07', '--services', 'SSH 1'], 2, /--services: .*letters, digits/],
    [['open', 'pump-station-07', '--services', 'SSH1=99999'], 2, /port 99999 is out of range/],
    [
      ['open', 'pump-station-07', '--services', 'SSH1', '--timeout', '0'],
      2,
      /--timeout: "0" is not a lifetime; give whole minutes from 1 to 720/,
    ],
    [
      ['open', 'pump-station-07', '--services', 'SSH1', '--timeout', '721'],
      2,
      /--timeout: "721" is not a lifetime/,
    ],
    [
      ['open', 'pump-station-07', '--services', 'SSH1', '-y', 'V4'],
      2,
      /-y: "V4" is not a protocol version/,
    ],
    [
      ['open', 'pump-station-07', '--services', 'SSH1,HTTP1', '-y', 'V1'],
      2,
      /a V1 device client carries one service/,
    ],
    [['open', 'bad thing', '--services', 'SSH1'], 2, /"bad thing" is not a thing name/],
    [
      ['open', 'x', '--services', 'SSH1', '--sandbox', '--endpoint-url', 'http://127.0.0.1:1'],
      2,
      /--sandbox runs its own local service/,
    ],
    [
      ['open', 'x', '--services', 'SSH1', '--sandbox-ssh-port', '22'],
      2,
      /--sandbox-ssh-port: is for --sandbox only/,
    ],
    [
      ['open', 'x', '--services', 'SSH1', '--endpoint-url', 'localhost:8443'],
      2,
      /--endpoint-url: "localhost:8443" is not an http\(s\) URL/,
    ],
    [['tunnels', '--sandbox'], 2, /a sandbox lives only as long as the command that starts it/],
    [['tunnels', 'a', 'b'], 2, /too many arguments/],
    [['close'], 2, /missing required argument 'tunnel-id'/],
    [['close', 'no/such'], 2, /"no\/such" is not a tunnel id/],
  ])('%j', async (argv, code, message) => {
    const result = await run(argv as string[]);
    expect(result.code).toBe(code);
    expect(result.err[0]).toMatch(message);
    expect(result.out).toEqual([]);
    expect(openTunnelIds()).toEqual([]);
  });

  it('names an unknown thing and opens no tunnel', async () => {
    const result = await run(['open', 'no-such-thing', '--services', 'SSH1', ...endpoint()]);
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(/^tunneldesk open: Thing "no-such-thing" was not found/);
    expect(openTunnelIds()).toEqual([]);
  });

  it('says there are no credentials, and an SSO session to renew', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const none = await run(['tunnels', ...endpoint()]);
    expect(none.code).toBe(1);
    expect(none.err).toHaveLength(1);
    expect(none.err[0]).toMatch(/^tunneldesk tunnels: No AWS credentials found\./);
    home.writeAws(
      'config',
      '[profile corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n' +
        'sso_account_id = 111122223333\nsso_role_name = Operator\n',
    );
    const sso = await run([
      'open',
      'kiosk-lobby',
      '--services',
      'SSH1',
      '--profile',
      'corp',
      ...endpoint(),
    ]);
    expect(sso.code).toBe(1);
    expect(sso.err).toEqual([
      'tunneldesk open: The AWS SSO session of profile "corp" has expired or was never started. Sign in again with: aws sso login --profile corp',
    ]);
    expect(openTunnelIds()).toEqual([]);
  });

  it('closes the tunnel it opened when a port is taken, and names the port', async () => {
    const taken = await startEchoServer();
    cleanup.push(taken);
    const result = await run([
      'open',
      'kiosk-lobby',
      '--services',
      `HTTP1=${taken.port}`,
      ...endpoint(),
    ]);
    expect(result.code).toBe(2);
    expect(result.err.some((line) => line.includes(String(taken.port)))).toBe(true);
    expect(result.err.some((line) => /^closed tunnel /.test(line))).toBe(true);
    expect(openTunnelIds()).toEqual([]);
  });

  it('closes a tunnel not found: one line, exit 1', async () => {
    const result = await run(['close', 'no-such-tunnel', ...endpoint()]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      expect.stringMatching(/^tunneldesk close: Tunnel no-such-tunnel was not found/),
    ]);
  });

  it('Ctrl-C while the tunnel is being opened closes it once opened (exit 130)', async () => {
    // Ctrl-C arrives while OpenTunnel is being answered: the tunnel exists, the command has
    // not heard of it yet.
    const unsubscribe = local.service.management.subscribe((notice) => {
      if (notice.kind === 'notify') opened.interrupt();
    });
    cleanup.push({ close: async () => unsubscribe() });
    const opened = start(['open', 'kiosk-lobby', '--services', 'HTTP1', ...endpoint()]);
    expect(await opened.code).toBe(130);
    expect(opened.err).toEqual([expect.stringMatching(/^closed tunnel /)]);
    expect(opened.out).toEqual([]);
    expect(openTunnelIds()).toEqual([]);
  });
});
