/**
 * The AWS layer's calls with the real SDK clients against the local service's management
 * API over HTTPS: tunnels opened, watched, listed (closed ones hidden unless asked),
 * closed and rotated; things searched and paged; and every failure the service can be
 * made to produce, in the operator's words with its stable code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../core/test-support/local-servers.js';
import { RawPeer } from '../core/test-support/raw-peer.js';
import { createClients, type AwsClients } from './clients.js';
import { AwsError } from './errors.js';
import { describeThing, listThings } from './things.js';
import { startLocalAws, type LocalAws } from './test-support/local-aws.js';
import {
  closeTunnel,
  describeTunnel,
  listTunnels,
  openTunnel,
  rotateSourceToken,
} from './tunnels.js';

let local: LocalAws;
let clients: AwsClients;
const peers: RawPeer[] = [];
beforeEach(async () => {
  local = await startLocalAws();
  clients = createClients(local.target, { retry: { maxAttempts: 3, fixedDelayMs: 5 } });
});
afterEach(async () => {
  while (peers.length) await peers.pop()!.close();
  clients.destroy();
  await local.close();
});

async function failure(run: () => Promise<unknown>): Promise<AwsError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError);
    return error as AwsError;
  }
  throw new Error('expected an AwsError');
}

describe('tunnels through the SDK', () => {
  it('opens, sees the device connect, rotates the source token, and closes', async () => {
    const opened = await openTunnel(clients, {
      thingName: 'pump-station-07',
      services: ['SSH1', 'HTTP1'],
      description: 'valve check',
      tags: [{ key: 'ticket', value: 'OPS-9' }],
      maxLifetimeMinutes: 60,
    });
    expect(opened.tunnelArn).toContain(opened.tunnelId);
    const before = await describeTunnel(clients, opened.tunnelId);
    expect(before).toMatchObject({
      status: 'OPEN',
      thingName: 'pump-station-07',
      services: ['SSH1', 'HTTP1'],
      description: 'valve check',
      maxLifetimeMinutes: 60,
      tags: [{ key: 'ticket', value: 'OPS-9' }],
      destination: { connected: false },
      source: { connected: false },
    });

    const device = await RawPeer.connect({
      url: local.service.url,
      mode: 'destination',
      token: opened.destinationAccessToken,
      version: 'V3',
    });
    peers.push(device);
    const after = await describeTunnel(clients, opened.tunnelId);
    expect(after.destination.connected).toBe(true);
    expect(after.destination.lastUpdatedAt).toBeGreaterThanOrEqual(before.createdAt!);

    const fresh = await rotateSourceToken(clients, opened.tunnelId);
    expect(fresh).not.toBe(opened.sourceAccessToken);
    const source = await RawPeer.connect({
      url: local.service.url,
      mode: 'source',
      token: fresh,
      version: 'V3',
    });
    peers.push(source);
    expect((await describeTunnel(clients, opened.tunnelId)).source.connected).toBe(true);

    await closeTunnel(clients, opened.tunnelId);
    await device.closed;
    expect((await describeTunnel(clients, opened.tunnelId)).status).toBe('CLOSED');
    await closeTunnel(clients, opened.tunnelId, { delete: true });
    const gone = await failure(() => describeTunnel(clients, opened.tunnelId));
    expect(gone.code).toBe('not-found');
    expect(gone.message).toBe(`Tunnel ${opened.tunnelId} was not found (the local service).`);
  });

  it("lists a thing's tunnels with closed ones hidden unless asked for", async () => {
    const open = () => openTunnel(clients, { thingName: 'kiosk-lobby', services: ['SSH1'] });
    const closed = await open();
    const live = await open();
    await openTunnel(clients, { thingName: 'sensor-hub-lab', services: ['SSH1'] });
    await closeTunnel(clients, closed.tunnelId);
    const openOnes = await listTunnels(clients, { thingName: 'kiosk-lobby' });
    expect(openOnes.tunnels.map((t) => t.tunnelId)).toEqual([live.tunnelId]);
    const all = await listTunnels(clients, { thingName: 'kiosk-lobby', includeClosed: true });
    expect(all.tunnels.map((t) => [t.tunnelId, t.status])).toEqual([
      [live.tunnelId, 'OPEN'],
      [closed.tunnelId, 'CLOSED'],
    ]);
  });

  it('reads past pages of only closed tunnels, so that an open one further on is found', async () => {
    const first = await openTunnel(clients, { thingName: 'kiosk-lobby', services: ['SSH1'] });
    for (let i = 0; i < 3; i++) {
      const later = await openTunnel(clients, { thingName: 'kiosk-lobby', services: ['SSH1'] });
      await closeTunnel(clients, later.tunnelId);
    }
    const page = await listTunnels(clients, { thingName: 'kiosk-lobby', maxResults: 1 });
    expect(page.tunnels.map((t) => t.tunnelId)).toEqual([first.tunnelId]);
    expect(page.nextToken).toBeNull();
  });
});

describe('things through the SDK', () => {
  it('searches by name prefix across pages, by thing type and by attribute', async () => {
    for (let i = 1; i <= 6; i++) {
      local.service.management.things.add({ thingName: `rover-${i}`, thingTypeName: 'Rover' });
    }
    const prefixed = await listThings(clients, { namePrefix: 'gateway', maxResults: 1 });
    expect(prefixed.things.map((t) => t.thingName)).toEqual([
      'gateway-berlin-01',
      'gateway-berlin-02',
    ]);
    const rovers = await listThings(clients, { thingType: 'Rover', maxResults: 4 });
    expect(rovers.things).toHaveLength(4);
    expect(rovers.nextToken).not.toBeNull();
    const rest = await listThings(clients, {
      thingType: 'Rover',
      maxResults: 4,
      nextToken: rovers.nextToken!,
    });
    expect(rest.things.map((t) => t.thingName)).toEqual(['rover-5', 'rover-6']);
    expect(rest.nextToken).toBeNull();
    const lyon = await listThings(clients, { attribute: { name: 'site', value: 'lyon' } });
    expect(lyon.things).toEqual([
      {
        thingName: 'pump-station-07',
        thingTypeName: 'PumpController',
        thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/pump-station-07',
        attributes: { site: 'lyon', firmware: '1.9.0' },
      },
    ]);
    expect((await describeThing(clients, 'kiosk-lobby')).thingTypeName).toBe('Kiosk');
  });
});

describe('failures, in the operator words', () => {
  it('thing not found', async () => {
    const error = await failure(() => describeThing(clients, 'no-such-thing'));
    expect(error.code).toBe('not-found');
    expect(error.message).toBe('Thing "no-such-thing" was not found (the local service).');
  });

  it('tunnel limit reached, said at once rather than after retries', async () => {
    local.service.management.failNext('OpenTunnel', 'LimitExceededException');
    const error = await failure(() =>
      openTunnel(clients, { thingName: 'kiosk-lobby', services: ['SSH1'] }),
    );
    expect(error.code).toBe('tunnel-limit');
    expect(error.message).toMatch(/^The limit of open tunnels is reached/);
    // Only one failure was planned: had the SDK retried, the call would have succeeded.
    expect(
      (await openTunnel(clients, { thingName: 'kiosk-lobby', services: ['SSH1'] })).tunnelId,
    ).toBeDefined();
  });

  it('access denied, naming the action', async () => {
    local.service.management.failNext('OpenTunnel', 'AccessDeniedException');
    const open = await failure(() =>
      openTunnel(clients, { thingName: 'kiosk-lobby', services: ['SSH1'] }),
    );
    expect(open.code).toBe('access-denied');
    expect(open.action).toBe('iot:OpenTunnel');
    expect(open.message).toBe(
      'AWS denied iot:OpenTunnel (the local service). Ask an administrator for a policy that allows iot:OpenTunnel.',
    );
    local.service.management.failNext('ListThings', 'UnauthorizedException', {
      message: 'not allowed',
    });
    const list = await failure(() => listThings(clients, {}));
    expect(list.action).toBe('iot:ListThings');
  });

  it('throttling: retried with backoff, then said with the attempts made', async () => {
    local.service.management.failNext('ListTunnels', 'ThrottlingException', { times: 2 });
    expect((await listTunnels(clients, {})).tunnels).toEqual([]);
    local.service.management.failNext('DescribeThing', 'TooManyRequestsException', { times: 3 });
    const error = await failure(() => describeThing(clients, 'kiosk-lobby'));
    expect(error.code).toBe('throttled');
    expect(error.message).toBe(
      'AWS is throttling iot:DescribeThing (the local service): still refused after 3 attempts with backoff. Wait a moment and try again.',
    );
  });

  it('expired credentials, a refused parameter, and an unreachable endpoint', async () => {
    local.service.management.failNext('CloseTunnel', 'ExpiredTokenException');
    expect((await failure(() => closeTunnel(clients, 'abc'))).code).toBe('credentials-rejected');
    const invalid = await failure(() =>
      openTunnel(clients, { thingName: 'kiosk-lobby', services: ['SSH1'], maxLifetimeMinutes: 0 }),
    );
    expect(invalid.code).toBe('invalid-request');
    const port = local.service.port;
    await local.close();
    await waitFor(() => true);
    const unreachable = createClients(
      { ...local.target, endpoint: `https://127.0.0.1:${port}` },
      { retry: { maxAttempts: 1 } },
    );
    try {
      expect((await failure(() => listTunnels(unreachable, {}))).code).toBe('network');
    } finally {
      unreachable.destroy();
    }
  });
});
