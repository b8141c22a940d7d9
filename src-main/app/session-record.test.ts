/**
 * A closed tunnel's record, as main keeps it for the view: when it closed, its final
 * totals (so a reloaded page still has them), its services in the operator's order, and
 * "Clear closed" forgetting closed tunnels only. Real sandbox tunnels, real bytes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload, SessionView } from '../ipc/contract.js';
import { httpGet, waitFor } from '../core/test-support/local-servers.js';
import type { TunnelDeskApp } from './app.js';
import { testApp } from './test-support/test-environment.js';

const apps: TunnelDeskApp[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.shutdown();
});

function start(): TunnelDeskApp {
  const { app } = testApp();
  apps.push(app);
  return app;
}

const view = (app: TunnelDeskApp, id: string): SessionView =>
  app.listSessions().find((s) => s.id === id)!;

async function connected(app: TunnelDeskApp, id: string): Promise<SessionView> {
  await waitFor(() => view(app, id)?.state.kind === 'connected', 10_000, 'the tunnel to connect');
  return view(app, id);
}

describe("a closed tunnel's record", () => {
  it('says when it closed and keeps its final totals in the view', async () => {
    const app = start();
    const opened = await app.openSandbox({
      deviceName: 'pi-17',
      services: [
        { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
        { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
      ],
    });
    const live = await connected(app, opened.id);
    expect(live.closedAt).toBeNull();
    expect(live.finalStats).toBeNull();
    const http1 = live.listeners.find((l) => l.serviceId === 'HTTP1')!;
    const page = await httpGet(http1.port!, '/status');
    expect(page.status).toBe(200);
    let counted = 0;
    const stop = app.subscribe((name, payload) => {
      if (name !== 'stats') return;
      const stats = (payload as EventPayload<'stats'>).sessions.find(
        (s) => s.sessionId === opened.id,
      );
      if (stats) counted = stats.bytesIn;
    });
    await waitFor(() => counted >= page.body.length, 10_000, 'the bytes to be counted');
    stop();

    const before = Date.now();
    await app.closeSession({ sessionId: opened.id });
    const closed = view(app, opened.id);
    expect(closed.state.kind).toBe('closed');
    expect(closed.closedAt).toBeGreaterThanOrEqual(before);
    expect(closed.closedAt).toBeGreaterThanOrEqual(closed.createdAt);
    const totals = closed.finalStats!;
    expect(totals.bytesIn).toBeGreaterThanOrEqual(page.body.length);
    expect(totals.bytesInPerSecond).toBe(0);
    // The operator's order (SSH1 first, as mapped), in the figures and in the listeners.
    expect(totals.services.map((s) => s.serviceId)).toEqual(['SSH1', 'HTTP1']);
    expect(closed.listeners.map((l) => l.serviceId)).toEqual(['SSH1', 'HTTP1']);
    expect(totals.services.find((s) => s.serviceId === 'HTTP1')!.connectionsOpened).toBe(1);
    expect(totals.services.every((s) => s.openConnections === 0)).toBe(true);
    expect(app.connections({ sessionId: opened.id, offset: 0, limit: 50 }).rows).toEqual([]);
  });

  it('keeps a moved service in its row', async () => {
    const app = start();
    const opened = await app.openSandbox({
      services: [
        { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
        { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
      ],
    });
    await connected(app, opened.id);
    await app.updateMapping({
      sessionId: opened.id,
      mapping: { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
    });
    expect(view(app, opened.id).listeners.map((l) => l.serviceId)).toEqual(['HTTP1', 'SSH1']);
  });

  it('"Clear closed" forgets the closed tunnels and leaves the open ones', async () => {
    const app = start();
    const services = [{ serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' }];
    const a = await app.openSandbox({ deviceName: 'a', services });
    const b = await app.openSandbox({ deviceName: 'b', services });
    const c = await app.openSandbox({ deviceName: 'c', services });
    await app.closeSession({ sessionId: a.id });
    await app.closeSession({ sessionId: c.id });
    expect(await app.forgetClosedSessions()).toEqual({ forgotten: 2 });
    expect(app.listSessions().map((s) => s.id)).toEqual([b.id]);
    expect(view(app, b.id).state.kind).not.toBe('closed');
    expect(await app.forgetClosedSessions()).toEqual({ forgotten: 0 });
  });
});
