/**
 * The saved tunnels on the Tunnels home, against the real app through the in-process
 * bridge: tunnels opened by one app (the local tunnel service standing in for AWS, which
 * outlives an app as AWS does) are offered by the next one, reconnected in one click, or
 * forgotten; a tunnel closed meanwhile is said so. Where tokens live in memory only, the
 * section is not there at all.
 *
 * The store that outlives the app here is a plain map: what is under test is the list, not
 * the encryption (the encrypted file has its own tests in main).
 */
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TunnelDeskApp, type AppEnvironment } from '../../../../src-main/app/app.js';
import { localAwsEndpoints } from '../../../../src-main/app/test-support/test-environment.js';
import { inProcessBridge } from '../../../../src-main/app/in-process-bridge.js';
import {
  startLocalAws,
  useTempHome,
  type LocalAws,
  type TempHome,
} from '../../../../src-main/aws/test-support/local-aws.js';
import { createClient } from '../../../../src-main/ipc/bridge.js';
import { useSessionsStore } from '../../stores/sessions-store';
import { useUiStore } from '../../stores/ui-store';
import '../../test-support/node-realm';
import { newTestApp, resetStores, spyOn, stubLayout } from '../../test-support/harness';
import { App } from '../shell/App';

type SecretStore = ReturnType<NonNullable<AppEnvironment['secretStore']>>;

const AWS = { kind: 'aws', region: 'us-east-1' } as const;
const HTTP1 = [{ serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' }];
const HOME = { view: 'tunnels', sessionId: null };
let home: TempHome;
let local: LocalAws;
let kept: Map<string, string>;
let restoreLayout: () => void;
const apps: TunnelDeskApp[] = [];

beforeEach(async () => {
  // A HOME of its own, and credentials the local service accepts: no AWS is ever reached.
  home = useTempHome();
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTSAVEDLIST';
  process.env.AWS_SECRET_ACCESS_KEY = 'saved-list-test-secret-key';
  resetStores();
  restoreLayout = stubLayout();
  local = await startLocalAws();
  kept = new Map();
  window.location.hash = '#/tunnels';
});

afterEach(async () => {
  cleanup();
  restoreLayout();
  while (apps.length) await apps.pop()!.shutdown();
  await local.close();
  home.restore();
});

/** Kept across apps, as the OS keychain's file is across restarts. */
function keychainStore(): SecretStore {
  return {
    kind: 'os-keychain',
    get: async (key) => kept.get(key),
    set: async (key, value) => void kept.set(key, value),
    delete: async (key) => void kept.delete(key),
    keys: async (prefix = '') => [...kept.keys()].filter((key) => key.startsWith(prefix)),
  };
}

function startApp(persistent = true): TunnelDeskApp {
  const { app } = newTestApp({
    ...(persistent ? { secretStore: keychainStore } : {}),
    awsEndpoints: localAwsEndpoints(local),
    deviceWatchIntervalMs: 100,
    awsRetry: { fixedDelayMs: 5 },
  });
  apps.push(app);
  return app;
}

async function quit(app: TunnelDeskApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.shutdown();
}

const rows = () => screen.queryAllByTestId('saved-tunnel');
const rowOf = (thingName: string) =>
  rows().find((row) => within(row).queryByRole('heading', { name: thingName }))!;

describe('saved tunnels', () => {
  it('offers the tunnels of the last run, reconnects one in a click, and says a closed one cannot', async () => {
    const first = startApp();
    const pump = await first.openTunnel({
      source: AWS,
      thingName: 'pump-station-07',
      services: HTTP1,
    });
    const kiosk = await first.openTunnel({
      source: AWS,
      thingName: 'kiosk-lobby',
      services: HTTP1,
    });
    await quit(first);
    local.service.management.tunnels.close(kiosk.tunnelId, false);

    const second = startApp();
    const spy = spyOn(createClient(inProcessBridge(second)));
    const user = userEvent.setup();
    render(<App api={spy.api} />);
    const section = await screen.findByTestId('saved-tunnels');
    expect(within(section).getByRole('heading', { level: 2 }).textContent).toBe('Saved tunnels');
    await waitFor(() => expect(rows()).toHaveLength(2));
    const row = rowOf('pump-station-07');
    expect(row.dataset.tunnelId).toBe(pump.tunnelId);
    expect(row.textContent).toContain('AWS (environment credentials) in us-east-1');
    expect(row.textContent).toContain('HTTP1127.0.0.1:any port');
    expect(within(row).getByTestId('saved-tunnel-age').textContent).toMatch(
      /^saved \d+ s ago · closes in 11 h 5\d min$/,
    );
    // No token reaches the page, nor the answers it got.
    expect(document.body.innerHTML).not.toContain('AQGAAXi');

    await user.click(
      within(row).getByRole('button', { name: 'Reconnect the saved tunnel to pump-station-07' }),
    );
    await waitFor(() => expect(useUiStore.getState().route).not.toEqual(HOME));
    expect(spy.calls.filter((c) => c.name === 'reconnectSavedTunnel')).toEqual([
      { name: 'reconnectSavedTunnel', input: { tunnelId: pump.tunnelId } },
    ]);
    const session = useSessionsStore
      .getState()
      .sessions.find((s) => s.tunnel?.tunnelId === pump.tunnelId)!;
    expect(useUiStore.getState().route).toEqual({ view: 'tunnels', sessionId: session.id });
    await waitFor(
      () =>
        expect(second.listSessions().find((s) => s.id === session.id)?.state.kind).toBe(
          'connected',
        ),
      { timeout: 10_000 },
    );

    // Back home: the reconnected one is a tunnel now, not a saved one.
    window.location.hash = '#/tunnels';
    await waitFor(() => expect(rows().map((r) => r.dataset.tunnelId)).toEqual([kiosk.tunnelId]));
    await user.click(
      within(rowOf('kiosk-lobby')).getByRole('button', {
        name: 'Reconnect the saved tunnel to kiosk-lobby',
      }),
    );
    const error = await screen.findByTestId('saved-tunnel-error');
    expect(error.dataset.code).toBe('tunnel-closed');
    expect(error.textContent).toContain('The tunnel has closed');
    expect(error.textContent).toContain(`Tunnel ${kiosk.tunnelId} to "kiosk-lobby" has closed`);
    await waitFor(() => expect(rows()).toHaveLength(0));
    // The message stays until the next action, though its row is gone.
    expect(screen.getByTestId('saved-tunnels')).toBeTruthy();
  });

  it('forgets a saved tunnel in a click, leaving the tunnel itself open', async () => {
    const first = startApp();
    const pump = await first.openTunnel({
      source: AWS,
      thingName: 'pump-station-07',
      services: HTTP1,
    });
    await quit(first);

    const second = startApp();
    const user = userEvent.setup();
    render(<App api={createClient(inProcessBridge(second))} />);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.click(
      screen.getByRole('button', { name: 'Forget the saved tunnel to pump-station-07' }),
    );
    await waitFor(() => expect(screen.queryByTestId('saved-tunnels')).toBeNull());
    expect(await second.listSavedTunnels()).toEqual([]);
    expect(local.service.management.tunnels.describe(pump.tunnelId).status).toBe('OPEN');
  });

  it('is not there, nor asked for, where tokens live in memory only', async () => {
    const app = startApp(false);
    await app.openTunnel({ source: AWS, thingName: 'pump-station-07', services: HTTP1 });
    const spy = spyOn(createClient(inProcessBridge(app)));
    render(<App api={spy.api} />);
    await waitFor(() =>
      expect(screen.getByTestId('app-info').textContent).toContain('secrets: memory only'),
    );
    await waitFor(() => expect(screen.getAllByTestId('session-card')).toHaveLength(1));
    expect(screen.queryByTestId('saved-tunnels')).toBeNull();
    expect(spy.calls.some((c) => c.name === 'listSavedTunnels')).toBe(false);
  });
});
