import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '@testing-library/react';
import type { TunnelDeskApp } from '../../../src-main/app/app.js';
import type { TunnelDeskApi } from '../../../src-main/ipc/contract.js';
import { useConnectionStore } from '../stores/connection-store';
import { useLogsStore } from '../stores/logs-store';
import { useSessionsStore } from '../stores/sessions-store';
import { useSettingsStore } from '../stores/settings-store';
import { useStatsStore } from '../stores/stats-store';
import '../test-support/node-realm';
import { startTestApp } from '../test-support/harness';
import { connectStores } from './use-push-events';

let app: TunnelDeskApp;
let api: TunnelDeskApi;
let disconnect: () => void = () => {};

beforeEach(() => {
  ({ app, api } = startTestApp());
});

afterEach(async () => {
  disconnect();
  await app.shutdown();
});

describe('connectStores', () => {
  it('seeds every store from main', async () => {
    app.logger.info('seeded line');
    await api.openSandbox({
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    disconnect = connectStores(api);
    await waitFor(() => expect(useConnectionStore.getState().appInfo?.version).toBe('test'));
    await waitFor(() => expect(useSessionsStore.getState().sessions).toHaveLength(1));
    expect(useSessionsStore.getState().loaded).toBe(true);
    await waitFor(() => expect(useSettingsStore.getState().settings?.theme).toBe('system'));
    expect(useLogsStore.getState().entries.some((e) => e.message === 'seeded line')).toBe(true);
  });

  it('maps every push to its store', async () => {
    disconnect = connectStores(api);
    await waitFor(() => expect(useSessionsStore.getState().loaded).toBe(true));

    const session = await api.openSandbox({
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    await waitFor(() =>
      expect(useSessionsStore.getState().sessions.map((s) => s.id)).toEqual([session.id]),
    );
    await waitFor(() => expect(useStatsStore.getState().live[session.id]).toBeDefined());

    app.logger.warn('a pushed line');
    await waitFor(() =>
      expect(useLogsStore.getState().entries.some((e) => e.message === 'a pushed line')).toBe(true),
    );

    app.updateSettings({ theme: 'dark' });
    await waitFor(() => expect(useSettingsStore.getState().settings?.theme).toBe('dark'));

    await api.forgetSession({ sessionId: session.id });
    await waitFor(() => expect(useSessionsStore.getState().sessions).toEqual([]));
    expect(useStatsStore.getState().live[session.id]).toBeUndefined();
  });

  it("settles the live view when the last tunnel closes (main's one empty batch)", async () => {
    disconnect = connectStores(api);
    const batches: number[] = [];
    const stop = api.onStats((snapshot) => batches.push(snapshot.sessions.length));
    const session = await api.openSandbox({
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    await fetch(`http://127.0.0.1:${session.listeners[0]!.port!}/`).then((r) => r.text());
    await waitFor(() =>
      expect(useStatsStore.getState().live[session.id]?.totals.bytesIn).toBeGreaterThan(0),
    );
    await api.closeSession({ sessionId: session.id });
    await waitFor(() => expect(batches.at(-1)).toBe(0));
    // Once, not every tick: nothing is live any more.
    await new Promise((resolve) => setTimeout(resolve, 350));
    stop();
    expect(batches.filter((count) => count === 0)).toHaveLength(1);
    const live = useStatsStore.getState().live[session.id]!;
    expect(live.services.every((service) => service.openConnections === 0)).toBe(true);
    expect(live.totals.bytesInPerSecond).toBe(0);
    expect(live.totals.bytesIn).toBeGreaterThan(0);
  });

  it('stops updating the stores once disconnected', async () => {
    connectStores(api)();
    app.logger.warn('after the end');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(useLogsStore.getState().entries.some((e) => e.message === 'after the end')).toBe(false);
  });
});
