/**
 * One record per session, and its view a pure function of the record: built twice with no
 * event between, a view is the same and nothing stored has changed. What building a view
 * once recorded (the ports bound, for a new token) is recorded when the ports are bound;
 * the device's state changes when the device watch answers. A real session on real ports,
 * its tunnel service unreachable (it keeps trying, its listeners stay bound).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelDetails } from '../aws/tunnels.js';
import { silentLogger } from '../core/log/logger.js';
import { unusedPort, waitFor } from '../core/test-support/local-servers.js';
import { plainSourceConfig, token } from '../core/test-support/tunnel-harness.js';
import { DeviceWatch } from './device-watch.js';
import { Session } from './session.js';
import {
  SessionRegistry,
  sessionView,
  type AwsTunnel,
  type SessionRecord,
} from './session-registry.js';

const HTTP_SSH = [
  { serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' },
  { serviceId: 'SSH1', port: 'auto' as const, bindAddress: '127.0.0.1' },
];

const DEVICE_JOINED: TunnelDetails = {
  tunnelId: 't-1',
  tunnelArn: 'arn:aws:iot:us-east-1:123456789012:tunnel/t-1',
  status: 'OPEN',
  description: null,
  createdAt: 1,
  lastUpdatedAt: 2,
  thingName: 'pump-station-07',
  services: ['HTTP1', 'SSH1'],
  source: { connected: true, lastUpdatedAt: 2 },
  destination: { connected: true, lastUpdatedAt: 3 },
  maxLifetimeMinutes: 60,
  tags: [],
};

const sessions: Session[] = [];
const watches: DeviceWatch[] = [];
afterEach(async () => {
  for (const watch of watches.splice(0)) watch.stop();
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

/** A registry that counts its change events, and a session opened on free local ports. */
async function start() {
  const counted = { changes: 0 };
  const registry = new SessionRegistry(() => counted.changes++);
  return { registry, session: await openSession(registry), counted };
}

async function openSession(registry: SessionRegistry, id = 's-1'): Promise<Session> {
  const session = await Session.open({
    id,
    kind: 'aws',
    name: 'pump-station-07',
    config: plainSourceConfig(
      await unusedPort(),
      token('source'),
      new Map(HTTP_SSH.map((m) => [m.serviceId, 0])),
    ),
    mappings: HTTP_SSH,
    logger: silentLogger,
    onChange: () => registry.changed(),
  });
  sessions.push(session);
  return session;
}

function tunnelOf(registry: SessionRegistry, tunnelId = 't-1'): AwsTunnel {
  const watch = new DeviceWatch({
    intervalMs: 60_000,
    describe: async () => DEVICE_JOINED,
    onChange: () => registry.changed(),
    log: silentLogger,
  });
  watches.push(watch);
  return {
    source: { kind: 'aws', region: 'us-east-1' },
    target: { kind: 'aws', region: 'us-east-1' },
    name: 'pump-station-07',
    thingName: 'pump-station-07',
    tunnelId,
    tunnelArn: `arn:aws:iot:us-east-1:123456789012:tunnel/${tunnelId}`,
    expiresAt: null,
    peerVersion: 'V3',
    mappings: HTTP_SSH,
    closeWithSession: false,
    endpoint: { host: '127.0.0.1', port: 1, secure: true, origin: 'test' },
    verifyTls: false,
    watch,
    replacing: false,
  };
}

/** What a record holds besides its session's sockets: the part a view could have changed. */
function stored(record: SessionRecord) {
  const { tunnel } = record;
  return {
    id: record.id,
    session: record.session,
    lastPorts: record.session.lastPorts(),
    tunnel: tunnel && {
      ...tunnel,
      watch: undefined,
      device: tunnel.watch.device,
      status: tunnel.watch.status,
    },
  };
}

describe('sessionView', () => {
  it('is the same view twice without an event between, and changes nothing stored', async () => {
    const { registry, session, counted } = await start();
    const record = registry.put(session, tunnelOf(registry));
    const before = stored(record);
    const changes = counted.changes;
    const first = sessionView(record);
    const second = sessionView(record);
    expect(second).toEqual(first);
    expect(stored(record)).toEqual(before);
    expect(counted.changes).toBe(changes);
    expect(registry.all()).toEqual([record]);
  });

  it('shows the tunnel and the device as the device watch last said, once it said it', async () => {
    const { registry, session, counted } = await start();
    const tunnel = tunnelOf(registry);
    const record = registry.put(session, tunnel);
    expect(sessionView(record)).toMatchObject({ kind: 'aws', device: null });
    const changes = counted.changes;
    tunnel.watch.start();
    await waitFor(() => tunnel.watch.device !== null, 5_000, 'the device watch to answer');
    // The watch's answer is the event: it changed the device and told the registry.
    expect(counted.changes).toBeGreaterThan(changes);
    expect(sessionView(record)).toMatchObject({
      device: { connected: true, lastUpdatedAt: 3 },
      tunnel: { tunnelId: 't-1', thingName: 'pump-station-07', status: 'OPEN', expiresAt: null },
    });
  });

  it('is the session as it is when the app did not open its tunnel (a token given by hand)', async () => {
    const { registry, session } = await start();
    const record = registry.put(session, undefined);
    expect(sessionView(record)).toEqual({ ...session.view(), reopen: null });
    expect(sessionView(record)).not.toHaveProperty('tunnel');
  });
});

describe('the ports a new token binds again', () => {
  it('are recorded as the listeners are bound and moved, before any view is built', async () => {
    const { session } = await start();
    // Bound at start: recorded then, though no view was ever built.
    const atStart = session.lastPorts();
    expect([...atStart.keys()]).toEqual(['HTTP1', 'SSH1']);
    for (const port of atStart.values()) expect(port).toBeGreaterThan(0);

    const moved = await unusedPort();
    await session.remap({ serviceId: 'HTTP1', port: moved, bindAddress: '127.0.0.1' });
    expect(session.lastPorts()).toEqual(new Map([...atStart, ['HTTP1', moved]]));

    // Closed, the listeners are gone from the view; the ports they had are kept.
    await session.close();
    expect(session.view().listeners.map((l) => l.port)).toEqual([null, null]);
    expect(session.lastPorts()).toEqual(new Map([...atStart, ['HTTP1', moved]]));
  });
});

describe('SessionRegistry', () => {
  it('keeps one record per session id: a new token replaces the session, not the record', async () => {
    const { registry, session, counted } = await start();
    const tunnel = tunnelOf(registry);
    const record = registry.put(session, tunnel);
    await session.close('token-replaced');
    const next = await openSession(registry);
    expect(registry.put(next, tunnel)).toBe(record);
    expect(record.session).toBe(next);
    expect(registry.all()).toHaveLength(1);
    expect(counted.changes).toBeGreaterThan(0);
  });

  it('finds the session on a tunnel, of the source asked about', async () => {
    const { registry, session } = await start();
    const record = registry.put(session, tunnelOf(registry, 't-9'));
    expect(registry.byTunnel('t-9')).toBe(record);
    expect(registry.byTunnel('t-9', { kind: 'aws', region: 'us-east-1' })).toBe(record);
    expect(registry.byTunnel('t-9', { kind: 'aws', region: 'eu-west-1' })).toBeUndefined();
    expect(registry.byTunnel('t-9', { kind: 'sandbox' })).toBeUndefined();
    registry.remove(record.id);
    expect(registry.byTunnel('t-9')).toBeUndefined();
    expect(() => registry.require(record.id)).toThrow(`no tunnel with id ${record.id}`);
  });
});
