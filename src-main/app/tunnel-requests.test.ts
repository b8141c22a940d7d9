/**
 * The app's AWS requests through the facade, with real parts: the sandbox's management
 * API through the real SDK clients (the very path AWS tunnels take), the simulated device
 * joining, the device page fetched through the HTTP1 port, tunnels described, listed,
 * closed and given a new source token; and AWS failures named for the operator, from a
 * temporary HOME (no AWS is ever reached: credentials fail before any request).
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requests, type SessionView } from '../ipc/contract.js';
import { httpGet, waitFor } from '../core/test-support/local-servers.js';
import { useTempHome, type TempHome } from '../aws/test-support/local-aws.js';
import type { TunnelDeskApp } from './app.js';
import { dispatch } from './dispatch.js';
import { appErrorOf, testApp } from './test-support/test-environment.js';

const apps: TunnelDeskApp[] = [];
let home: TempHome;
beforeEach(() => {
  home = useTempHome();
});
afterEach(async () => {
  while (apps.length) await apps.pop()!.shutdown();
  home.restore();
});

function start(): TunnelDeskApp {
  const { app } = testApp({ deviceWatchIntervalMs: 50, awsRetry: { fixedDelayMs: 5 } });
  apps.push(app);
  return app;
}

function view(app: TunnelDeskApp, id: string): SessionView {
  return app.listSessions().find((s) => s.id === id)!;
}

async function until(
  app: TunnelDeskApp,
  id: string,
  check: (s: SessionView) => boolean,
  what: string,
) {
  await waitFor(() => check(view(app, id)), 10_000, what);
  return view(app, id);
}

const SANDBOX = { kind: 'sandbox' } as const;
const HTTP_SSH = [
  { serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' },
  { serviceId: 'SSH1', port: 'auto' as const, bindAddress: '127.0.0.1' },
];

describe('openTunnel on the sandbox, through the AWS SDK', () => {
  it('lists the sandbox things, opens a tunnel, sees the device join, and browses its page', async () => {
    const app = start();
    const things = await app.listThings({
      source: SANDBOX,
      attribute: { name: 'site', value: 'berlin' },
    });
    expect(things.things.map((t) => t.thingName)).toEqual([
      'gateway-berlin-01',
      'gateway-berlin-02',
      'kiosk-lobby',
    ]);
    const identity = await app.getIdentity({ source: SANDBOX });
    expect(identity.account).toBe('123456789012');

    const opened = await app.openTunnel({
      source: SANDBOX,
      thingName: 'gateway-berlin-01',
      services: HTTP_SSH,
      description: 'firmware check',
      tags: [{ key: 'ticket', value: 'OPS-1' }],
      maxLifetimeMinutes: 30,
    });
    expect(opened.destinationAccessToken.length).toBeGreaterThan(400);
    expect(opened.session).toMatchObject({
      kind: 'sandbox',
      name: 'gateway-berlin-01',
      tunnel: {
        source: SANDBOX,
        tunnelId: opened.tunnelId,
        thingName: 'gateway-berlin-01',
        status: 'OPEN',
      },
    });
    expect(opened.expiresAt).toBeGreaterThan(Date.now() + 29 * 60_000);

    const session = await until(
      app,
      opened.session.id,
      (s) => s.state.kind === 'connected' && s.device?.connected === true,
      'the source to connect and the device to join',
    );
    expect(session.peerServices.sort()).toEqual(['HTTP1', 'SSH1']);
    const http1 = session.listeners.find((l) => l.serviceId === 'HTTP1')!.port!;
    const page = await httpGet(http1, '/status');
    expect(page.status).toBe(200);
    expect(page.body).toContain('gateway-berlin-01');
    expect(page.body).toContain('served by the simulated device through the secure tunnel');

    const described = await app.describeTunnel({ source: SANDBOX, tunnelId: opened.tunnelId });
    expect(described).toMatchObject({
      status: 'OPEN',
      thingName: 'gateway-berlin-01',
      services: ['HTTP1', 'SSH1'],
      description: 'firmware check',
      maxLifetimeMinutes: 30,
      tags: [{ key: 'ticket', value: 'OPS-1' }],
      source: { connected: true },
      destination: { connected: true },
      sessionId: opened.session.id,
    });
    // What the renderer receives passes the contract it validates against.
    requests.openTunnel.output.parse(opened);
    requests.describeTunnel.output.parse(described);
    requests.listSessions.output.parse(app.listSessions());
    requests.listThings.output.parse(things);
    // The services used are offered next time for this thing.
    expect(app.getServiceDefaults({ thingName: 'gateway-berlin-01' })).toEqual(HTTP_SSH);
  });

  it('keeps every token out of views, events and logs; the device token is given once', async () => {
    const app = start();
    const pushed: unknown[] = [];
    app.subscribe((name, payload) => pushed.push({ name, payload }));
    const opened = await app.openTunnel({
      source: SANDBOX,
      thingName: 'kiosk-lobby',
      services: HTTP_SSH,
    });
    await until(app, opened.session.id, (s) => s.device?.connected === true, 'the device');
    const seen =
      JSON.stringify(app.listSessions()) +
      JSON.stringify(app.getLogs()) +
      JSON.stringify(pushed) +
      JSON.stringify(await app.listTunnels({ source: SANDBOX }));
    expect(seen).not.toContain(opened.destinationAccessToken);
    // Tokens are long random strings: no run of 100 token characters reaches any screen.
    expect(seen).not.toMatch(/AQGAAXi[A-Za-z0-9_-]{100,}/);
  });

  it('lists tunnels with closed ones hidden, and closes one with its session', async () => {
    const app = start();
    const a = await app.openTunnel({
      source: SANDBOX,
      thingName: 'kiosk-lobby',
      services: HTTP_SSH,
    });
    const b = await app.openTunnel({
      source: SANDBOX,
      thingName: 'kiosk-lobby',
      services: HTTP_SSH,
    });
    await until(app, a.session.id, (s) => s.state.kind === 'connected', 'a to connect');
    await app.closeTunnel({ source: SANDBOX, tunnelId: a.tunnelId });
    const closed = view(app, a.session.id);
    expect(closed.state.kind).toBe('closed');
    expect(closed.tunnel?.status).toBe('CLOSED');
    const open = await app.listTunnels({ source: SANDBOX, thingName: 'kiosk-lobby' });
    expect(open.tunnels.map((t) => [t.tunnelId, t.sessionId])).toEqual([
      [b.tunnelId, b.session.id],
    ]);
    const all = await app.listTunnels({
      source: SANDBOX,
      thingName: 'kiosk-lobby',
      includeClosed: true,
    });
    expect(all.tunnels.map((t) => t.status)).toEqual(['OPEN', 'CLOSED']);
    await app.closeTunnel({ source: SANDBOX, tunnelId: b.tunnelId, delete: true });
    const gone = await appErrorOf(() =>
      app.describeTunnel({ source: SANDBOX, tunnelId: b.tunnelId }),
    );
    expect(gone.code).toBe('not-found');
    expect(gone.message).toBe(`Tunnel ${b.tunnelId} was not found (the sandbox).`);
  });

  it('gets a new source token and reconnects in one step, on the same local ports', async () => {
    const app = start();
    const opened = await app.openTunnel({
      source: SANDBOX,
      thingName: 'pump-station-07',
      services: HTTP_SSH,
    });
    const before = await until(
      app,
      opened.session.id,
      (s) => s.state.kind === 'connected',
      'connect',
    );
    const ports = before.listeners.map((l) => l.port);
    const after = await app.rotateSourceToken({ sessionId: opened.session.id });
    expect(after.id).toBe(opened.session.id);
    expect(after.listeners.map((l) => l.port)).toEqual(ports);
    const reconnected = await until(
      app,
      opened.session.id,
      (s) => s.state.kind === 'connected' && s.device?.connected === true,
      'the new connection',
    );
    expect(reconnected.tunnel?.status).toBe('OPEN');
    expect(app.listSessions()).toHaveLength(1);
    const page = await httpGet(ports[0]!);
    expect(page.body).toContain('pump-station-07');
  });

  it('refuses a new token for a session the app did not open, and a V1 tunnel of two services', async () => {
    const app = start();
    const error = await appErrorOf(() => app.rotateSourceToken({ sessionId: 'nope' }));
    expect(error.code).toBe('not-found');
    const v1 = await appErrorOf(() =>
      app.openTunnel({
        source: SANDBOX,
        thingName: 'kiosk-lobby',
        services: HTTP_SSH,
        peerVersion: 'V1',
      }),
    );
    expect(v1.code).toBe('invalid-mapping');
  });

  it('offers the services kept for a thing type, and SSH1 otherwise', () => {
    const app = start();
    app.updateSettings({
      tunnelDefaults: {
        byThing: {},
        byThingType: { Kiosk: [{ serviceId: 'VNC1', port: 5900, bindAddress: '127.0.0.1' }] },
      },
    });
    expect(app.getServiceDefaults({ thingName: 'kiosk-9', thingTypeName: 'Kiosk' })).toEqual([
      { serviceId: 'VNC1', port: 5900, bindAddress: '127.0.0.1' },
    ]);
    expect(app.getServiceDefaults({ thingName: 'kiosk-9' })).toEqual([
      { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
    ]);
  });
});

describe('AWS profiles and their failures, through the facade', () => {
  it('lists profiles and says how to configure credentials when there are none', async () => {
    const app = start();
    expect(await app.listProfiles()).toEqual([]);
    const error = await appErrorOf(() =>
      app.getIdentity({ source: { kind: 'aws', region: 'eu-west-1' } }),
    );
    expect(error.code).toBe('no-credentials');
    expect(error.message).toContain('`aws configure`');
    expect(error.message).toContain('`aws configure sso`');
    expect(error.message).toContain('AWS_ACCESS_KEY_ID');
    // Over a transport it is a Reply with the stable code, as the renderer receives it.
    const reply = await dispatch(app, requests.listThings.channel, {
      source: { kind: 'aws', profile: 'nope', region: 'eu-west-1' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'no-credentials', field: null } });
    const badRegion = await dispatch(app, requests.getIdentity.channel, {
      source: { kind: 'aws', region: 'Europe' },
    });
    expect(badRegion).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', field: 'source.region' },
    });
  });

  it('gives the exact aws sso login command for an expired SSO session', async () => {
    home.writeAws(
      'config',
      '[profile ops-sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Operator\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
    );
    home.writeAws(
      `sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`,
      JSON.stringify({
        accessToken: 'x'.repeat(40),
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
      }),
    );
    const app = start();
    expect(await app.listProfiles()).toEqual([
      { name: 'ops-sso', kind: 'sso', region: 'eu-west-1', detail: '111122223333 / Operator' },
    ]);
    const error = await appErrorOf(() =>
      app.listThings({ source: { kind: 'aws', profile: 'ops-sso', region: 'eu-west-1' } }),
    );
    expect(error.code).toBe('sso-expired');
    expect(error.message).toContain('Sign in again with: aws sso login --profile ops-sso');
  });
});
