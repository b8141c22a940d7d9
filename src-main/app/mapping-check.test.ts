/**
 * checkMapping for a new tunnel's row: besides the CLI's rules, whether the port is taken
 * on that address, and by whom (a service of an open tunnel, or another program), with real
 * listeners on 127.0.0.1.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from './app.js';
import { testApp } from './test-support/test-environment.js';

const apps: TunnelDeskApp[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.shutdown();
  for (const server of servers.splice(0)) server.close();
});

describe('a port already in use, as you type', () => {
  it("names the tunnel and service that hold it, on the same or an 'every address' bind", async () => {
    const { app } = testApp();
    apps.push(app);
    const opened = await app.openSandbox({
      deviceName: 'pi-17',
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    const port = opened.listeners[0]!.port!;
    const row = { serviceId: 'WEB', port: String(port), bindAddress: '127.0.0.1' };
    expect(await app.checkMapping({ ...row, inUse: true })).toEqual({
      ok: false,
      field: 'port',
      message: `port ${port} on 127.0.0.1 is in use by HTTP1 of tunnel "pi-17"; choose another port, or auto`,
    });
    expect(await app.checkMapping({ ...row, bindAddress: '0.0.0.0', inUse: true })).toMatchObject({
      ok: false,
      message: expect.stringContaining('HTTP1 of tunnel "pi-17"'),
    });
    // Without inUse (an existing tunnel's own row): only the CLI's rules.
    expect(await app.checkMapping(row)).toMatchObject({ ok: true });
    // Once the tunnel is closed, the port is free again.
    await app.closeSession({ sessionId: opened.id });
    expect(await app.checkMapping({ ...row, inUse: true })).toMatchObject({ ok: true });
  });

  it('says another program holds it, and that a free port is fine', async () => {
    const { app } = testApp();
    apps.push(app);
    const server = net.createServer();
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const row = { serviceId: 'SSH1', port: String(port), bindAddress: '127.0.0.1', inUse: true };
    expect(await app.checkMapping(row)).toEqual({
      ok: false,
      field: 'port',
      message: `port ${port} on 127.0.0.1 is in use by another program on this machine; choose another port, or auto`,
    });
    server.close();
    await once(server, 'close');
    expect(await app.checkMapping(row)).toEqual({
      ok: true,
      mapping: { serviceId: 'SSH1', port, bindAddress: '127.0.0.1' },
    });
    expect(await app.checkMapping({ ...row, port: 'auto' })).toMatchObject({ ok: true });
  });
});
