/**
 * A V1 device (as older AWS IoT Device Client builds are) behind `tunneldesk open`: nothing
 * tells a source beforehand what the device speaks, so with the default protocol its streams
 * fail, and the source says why and names the switch; with `-y V1` bytes go through.
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
  patternHash,
  sendAndHash,
  startHashServer,
  waitFor,
  connect,
  lengthHeader,
  type Closable,
} from '../core/test-support/local-servers.js';
import { startV1Device } from '../core/test-support/v1-device.js';
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
  const hash = await startHashServer();
  cleanup.push(hash);
  // Every tunnel's device is a V1 device in front of the hash server.
  const unsubscribe = local.service.management.subscribe((notice) => {
    if (notice.kind !== 'notify') return;
    void startV1Device({
      url: `wss://127.0.0.1:${local.service.port}`,
      token: notice.clientAccessToken,
      targetPort: hash.port,
    }).then((device) => cleanup.push(device));
  });
  cleanup.push({ close: async () => unsubscribe() });
});
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
  await local.close();
  home.restore();
});

function start(argv: string[]): {
  code: Promise<number>;
  out: string[];
  err: string[];
  interrupt(): void;
} {
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Set<() => void>();
  const io: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: process.env,
    cwd: process.cwd(),
    version: '9.8.7',
    logSink: (record) => err.push(record.message),
    onSignals: (handler) => handlers.add(handler),
    offSignals: (handler) => handlers.delete(handler),
  };
  return { code: main(argv, io), out, err, interrupt: () => handlers.forEach((h) => h()) };
}

const endpoint = (): string[] => [
  '--endpoint-url',
  local.service.managementUrl,
  '--ca-bundle',
  caFile,
];

describe('tunneldesk open and a V1 device', () => {
  it('says the device speaks V1 and names -y V1 when its answers come without service ids', async () => {
    const opened = start([
      'open',
      'gateway-berlin-02',
      '--services',
      'SSH1,HTTP1',
      '--json',
      ...endpoint(),
    ]);
    await waitFor(() => opened.out.length > 0, 20_000, 'the ports');
    const { services } = JSON.parse(opened.out[0]!) as { services: { port: number }[] };
    const socket = await connect(services[0]!.port);
    socket.write(Buffer.concat([lengthHeader(4), Buffer.from('ping')]));
    await waitFor(
      () => opened.err.some((line) => line.includes('speaks protocol V1')),
      20_000,
      'the V1 warning',
    );
    const warnings = opened.err.filter((line) => line.includes('speaks protocol V1'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('-y V1');
    expect(warnings[0]).toContain("Device's protocol version: V1");
    socket.destroy();
    opened.interrupt();
    expect(await opened.code).toBe(0);
  });

  it('carries bytes to the V1 device with -y V1, and says nothing about V1', async () => {
    const opened = start([
      'open',
      'gateway-berlin-02',
      '--services',
      'SSH1',
      '-y',
      'V1',
      '--json',
      ...endpoint(),
    ]);
    await waitFor(() => opened.out.length > 0, 20_000, 'the ports');
    const { services } = JSON.parse(opened.out[0]!) as { services: { port: number }[] };
    expect(await sendAndHash(services[0]!.port, 1024 * 1024)).toBe(patternHash(1024 * 1024));
    expect(opened.err.filter((line) => line.includes('speaks protocol V1'))).toEqual([]);
    opened.interrupt();
    expect(await opened.code).toBe(0);
  });
});
