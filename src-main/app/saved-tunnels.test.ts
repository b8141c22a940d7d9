/**
 * Tunnels saved across a restart, through the real app facade: an AWS tunnel opened by one
 * app (the local tunnel service standing in for AWS, as it outlives an app the way AWS
 * does), the app shut down, a new app on the same encrypted secrets file offers it,
 * reconnects it with the saved token and client token, and the device page comes through
 * HTTP1 again. A tunnel closed meanwhile, or a token rotated elsewhere, is said so and
 * forgotten.
 *
 * The secrets file is sealed by an AES-256-GCM key standing in for Electron's safeStorage,
 * which needs Electron's runtime and an OS keychain (neither runs here).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startLocalAws,
  useTempHome,
  type LocalAws,
  type TempHome,
} from '../aws/test-support/local-aws.js';
import { DestinationAgent } from '../core/destination/destination-agent.js';
import { LogLevel, silentLogger } from '../core/log/logger.js';
import {
  httpGet,
  startHttpServer,
  waitFor,
  type RunningServer,
} from '../core/test-support/local-servers.js';
import { requests, type SessionView } from '../ipc/contract.js';
import type { TunnelDeskApp } from './app.js';
import { EncryptedFileSecretStore } from './encrypted-file-secret-store.js';
import { storedTunnelKey, type StoredTunnel } from './saved-tunnels.js';
import { aesTestEncryptor } from './test-support/test-encryptor.js';
import { appErrorOf, localAwsEndpoints, testApp } from './test-support/test-environment.js';

const AWS = { kind: 'aws', region: 'us-east-1' } as const;
const HTTP1 = [{ serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' }];
/** Every access token the local service issues starts so; none may reach a file or a screen. */
const TOKEN_START = 'AQGAAXi';

let home: TempHome;
let local: LocalAws;
let page: RunningServer;
let dir: string;
const key = aesTestEncryptor();
const apps: TunnelDeskApp[] = [];
const devices: DestinationAgent[] = [];

beforeEach(async () => {
  home = useTempHome();
  // The default credential chain finds these; the local service wants a signature, not a key.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTRESTORE';
  process.env.AWS_SECRET_ACCESS_KEY = 'restore-test-secret-key';
  local = await startLocalAws();
  page = await startHttpServer();
  dir = mkdtempSync(join(tmpdir(), 'tunneldesk-user-data-'));
});

afterEach(async () => {
  while (apps.length) await apps.pop()!.shutdown();
  while (devices.length) await devices.pop()!.close();
  await page.close();
  await local.close();
  rmSync(dir, { recursive: true, force: true });
  home.restore();
});

const secretsFile = () => join(dir, 'secrets.json');

/** An app as the Electron shell makes it after each start: the same file, the same key. */
function startApp(): TunnelDeskApp {
  const { app } = testApp({
    secretStore: (log) =>
      new EncryptedFileSecretStore({ file: secretsFile(), encryptor: key, log }),
    awsEndpoints: localAwsEndpoints(local),
    deviceWatchIntervalMs: 50,
    awsRetry: { fixedDelayMs: 5 },
  });
  apps.push(app);
  return app;
}

/** Stops an app as quitting does (its tunnel stays open in "AWS"). */
async function quit(app: TunnelDeskApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.shutdown();
}

/** The device's side, as the IoT Device Client would run it: HTTP1 to its status page. */
async function startDevice(destinationToken: string): Promise<void> {
  const agent = new DestinationAgent(
    {
      mode: 'destination',
      accessToken: destinationToken,
      // With a client token, so that the device stays through the operator's restart.
      clientToken: randomUUID(),
      clientTokenGenerated: true,
      endpoint: { host: '127.0.0.1', port: local.service.port, secure: true, origin: 'test' },
      tls: { verify: false },
      mappings: {
        mode: 'destination',
        targets: new Map([['HTTP1', { kind: 'tcp', host: '127.0.0.1', port: page.port }]]),
      },
      mappingFiles: [],
      peerVersion: 'V3',
      logLevel: LogLevel.Info,
    },
    { logger: silentLogger },
  );
  devices.push(agent);
  await agent.start();
}

async function until(app: TunnelDeskApp, id: string, check: (s: SessionView) => boolean) {
  const view = () => app.listSessions().find((s) => s.id === id)!;
  await waitFor(() => check(view()), 10_000, `session ${id}`);
  return view();
}

const connected = (s: SessionView) => s.state.kind === 'connected' && s.device?.connected === true;
const http1Port = (s: SessionView) => s.listeners.find((l) => l.serviceId === 'HTTP1')!.port!;

/** Opens a tunnel to pump-station-07 from `app`, with its device connected. */
async function openWithDevice(app: TunnelDeskApp) {
  const opened = await app.openTunnel({
    source: AWS,
    thingName: 'pump-station-07',
    services: HTTP1,
    maxLifetimeMinutes: 60,
  });
  await startDevice(opened.destinationAccessToken);
  const session = await until(app, opened.session.id, connected);
  return { opened, session };
}

describe('saved tunnels across a restart', () => {
  it('reconnects a tunnel after a restart with its saved tokens, and browses HTTP1 again', async () => {
    const first = startApp();
    expect(first.getAppInfo().secretStorage).toBe('os-keychain');
    const { opened, session } = await openWithDevice(first);
    expect((await httpGet(http1Port(session), '/status')).body).toContain('device status');
    // A tunnel with a session in this run is that session, not a saved tunnel.
    expect(await first.listSavedTunnels()).toEqual([]);
    await quit(first);

    // Only ciphertext on disk: no token, not even its well-known start.
    expect(readFileSync(secretsFile(), 'utf8')).not.toContain(TOKEN_START);

    const second = startApp();
    const saved = await second.listSavedTunnels();
    expect(saved).toEqual([
      {
        tunnelId: opened.tunnelId,
        thingName: 'pump-station-07',
        source: AWS,
        services: HTTP1,
        savedAt: expect.any(Number),
        expiresAt: opened.expiresAt,
      },
    ]);
    requests.listSavedTunnels.output.parse(saved);
    expect(JSON.stringify(saved)).not.toContain(TOKEN_START);

    const view = await second.reconnectSavedTunnel({ tunnelId: opened.tunnelId });
    requests.reconnectSavedTunnel.output.parse(view);
    expect(view).toMatchObject({
      kind: 'aws',
      name: 'pump-station-07',
      tunnel: { tunnelId: opened.tunnelId, tunnelArn: opened.tunnelArn, status: 'OPEN' },
    });
    const again = await until(second, view.id, connected);
    const fetched = await httpGet(http1Port(again), '/status');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toContain('device status');
    expect(await second.listSavedTunnels()).toEqual([]);
    // A second click answers with the same session.
    expect((await second.reconnectSavedTunnel({ tunnelId: opened.tunnelId })).id).toBe(view.id);
    expect(JSON.stringify(second.getLogs())).not.toContain(TOKEN_START);
    expect(second.getLogs().map((l) => l.message)).toContain(
      '1 tunnel(s) saved before the restart can be reconnected from the Tunnels view',
    );
  });

  it('says a tunnel closed meanwhile cannot be reconnected, and forgets it', async () => {
    const first = startApp();
    const { opened } = await openWithDevice(first);
    await quit(first);
    local.service.management.tunnels.close(opened.tunnelId, false);

    const second = startApp();
    expect((await second.listSavedTunnels()).map((t) => t.tunnelId)).toEqual([opened.tunnelId]);
    const error = await appErrorOf(() =>
      second.reconnectSavedTunnel({ tunnelId: opened.tunnelId }),
    );
    expect(error.code).toBe('tunnel-closed');
    expect(error.message).toContain(`Tunnel ${opened.tunnelId} to "pump-station-07" has closed`);
    expect(error.message).toContain('Open a new tunnel to the device.');
    expect(second.listSessions()).toEqual([]);
    expect(await second.listSavedTunnels()).toEqual([]);
    // Forgotten in the file too: the next start has nothing to offer.
    await quit(second);
    expect(await startApp().listSavedTunnels()).toEqual([]);
  });

  it('forgets a token the service refuses, and a new token is saved again', async () => {
    const first = startApp();
    const { opened } = await openWithDevice(first);
    await quit(first);
    // Someone rotated the source token elsewhere: the saved one is refused (HTTP 403).
    local.service.management.tunnels.rotate(opened.tunnelId, 'SOURCE', undefined);

    const second = startApp();
    const view = await second.reconnectSavedTunnel({ tunnelId: opened.tunnelId });
    const failed = await until(second, view.id, (s) => s.state.kind === 'closed');
    expect(failed.state).toMatchObject({
      kind: 'closed',
      fatal: true,
      cause: { kind: 'token-refused', status: 403 },
    });
    await waitFor(() => second.getLogs().some((l) => l.message.includes('refused its token')));
    await quit(second);
    const third = startApp();
    expect(await third.listSavedTunnels()).toEqual([]);
    await quit(third);

    // "Get a new token" on that session saves the new one for the next restart.
    const fourth = startApp();
    const other = await openWithDevice(fourth);
    const rotated = await fourth.rotateSourceToken({ sessionId: other.session.id });
    await until(fourth, rotated.id, connected);
    await quit(fourth);
    expect((await startApp().listSavedTunnels()).map((t) => t.tunnelId)).toEqual([
      other.opened.tunnelId,
    ]);
  });

  it('forgets the record when the tunnel is closed from the app or found closed', async () => {
    const app = startApp();
    const a = await openWithDevice(app);
    const b = await openWithDevice(app);
    await app.closeTunnel({ source: AWS, tunnelId: a.opened.tunnelId });
    local.service.management.tunnels.close(b.opened.tunnelId, false);
    await until(app, b.session.id, (s) => s.tunnel?.status === 'CLOSED');
    const store = new EncryptedFileSecretStore({
      file: secretsFile(),
      encryptor: key,
      log: silentLogger,
    });
    await waitFor(() => app.getLogs().filter((l) => l.message.includes('forgot')).length === 2);
    await quit(app);
    expect(await store.keys('tunnel/')).toEqual([]);
  });

  it('forgets a saved tunnel on request, and one past its lifetime by itself', async () => {
    const first = startApp();
    const { opened } = await openWithDevice(first);
    await quit(first);
    const store = new EncryptedFileSecretStore({
      file: secretsFile(),
      encryptor: key,
      log: silentLogger,
    });
    const expired: StoredTunnel = {
      ...(JSON.parse((await store.get(storedTunnelKey(opened.tunnelId)))!) as StoredTunnel),
      tunnelId: 'expired-tunnel',
      expiresAt: Date.now() - 1_000,
    };
    await store.set(storedTunnelKey('expired-tunnel'), JSON.stringify(expired));

    const second = startApp();
    expect((await second.listSavedTunnels()).map((t) => t.tunnelId)).toEqual([opened.tunnelId]);
    await second.forgetSavedTunnel({ tunnelId: opened.tunnelId });
    expect(await second.listSavedTunnels()).toEqual([]);
    // The tunnel itself is untouched: forgetting is about this app's copy of the token.
    expect(local.service.management.tunnels.describe(opened.tunnelId).status).toBe('OPEN');
    const missing = await appErrorOf(() =>
      second.reconnectSavedTunnel({ tunnelId: opened.tunnelId }),
    );
    expect(missing.code).toBe('not-found');
  });

  it('offers nothing where tokens live in memory only', async () => {
    const { app } = testApp();
    apps.push(app);
    expect(app.getAppInfo().secretStorage).toBe('memory');
    expect(await app.listSavedTunnels()).toEqual([]);
  });
});
