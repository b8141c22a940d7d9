/**
 * The app facade with real parts: sandbox tunnels through the in-process tunnel service,
 * real local ports, the device page fetched through the tunnel.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload, SessionView } from '../ipc/contract.js';
import { httpGet, isPortFree, waitFor } from '../core/test-support/local-servers.js';
import type { TunnelDeskApp } from './app.js';
import { appErrorOf, testApp } from './test-support/test-environment.js';

const apps: TunnelDeskApp[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.shutdown();
});

function start() {
  const made = testApp();
  apps.push(made.app);
  return made;
}

async function connected(app: TunnelDeskApp, id: string): Promise<SessionView> {
  await waitFor(
    () => app.listSessions().find((s) => s.id === id)?.state.kind === 'connected',
    10_000,
    'the tunnel to connect',
  );
  return app.listSessions().find((s) => s.id === id)!;
}

const HTTP_SSH = [
  { serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' },
  { serviceId: 'SSH1', port: 'auto' as const, bindAddress: '127.0.0.1' },
];

describe('TunnelDeskApp with the sandbox', () => {
  it('opens a sandbox tunnel with HTTP1 and SSH1 and serves the device page through HTTP1', async () => {
    const { app } = start();
    const opened = await app.openSandbox({ deviceName: 'pi-kitchen', services: HTTP_SSH });
    const session = await connected(app, opened.id);
    expect(session.kind).toBe('sandbox');
    expect(session.peerServices.sort()).toEqual(['HTTP1', 'SSH1']);
    const http1 = session.listeners.find((l) => l.serviceId === 'HTTP1')!;
    expect(http1.port).toBeGreaterThan(0);
    expect(http1.requested).toBe('auto');
    const bytesSeen: number[] = [];
    const unsubscribe = app.subscribe((name, payload) => {
      if (name === 'stats')
        bytesSeen.push(...(payload as EventPayload<'stats'>).sessions.map((s) => s.bytesIn));
    });
    const page = await httpGet(http1.port!, '/status');
    expect(page.status).toBe(200);
    expect(page.body).toContain('pi-kitchen');
    expect(page.body).toContain('served by the simulated device through the secure tunnel');
    // the live figures pushed a few times a second see the page's bytes
    await waitFor(() => bytesSeen.some((b) => b >= page.body.length), 5_000, 'bytes in the stats');
    unsubscribe();
  });

  it('gives every tunnel fresh tokens: none appears in views or logs', async () => {
    const { app } = start();
    const a = await app.openSandbox({ services: HTTP_SSH });
    await connected(app, a.id);
    const text = JSON.stringify(app.listSessions()) + JSON.stringify(app.getLogs());
    expect(text).not.toMatch(/sandbox-(src|dst)-[A-Za-z0-9_-]{20,}/);
  });

  it('closes a tunnel: every listener is gone and the state says why', async () => {
    const { app } = start();
    const opened = await app.openSandbox({ services: HTTP_SSH });
    const session = await connected(app, opened.id);
    const ports = session.listeners.map((l) => l.port!);
    await app.closeSession({ sessionId: opened.id });
    const closed = app.listSessions().find((s) => s.id === opened.id)!;
    expect(closed.state).toMatchObject({ kind: 'closed', fatal: false });
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
    await app.forgetSession({ sessionId: opened.id });
    expect(app.listSessions()).toEqual([]);
  });

  it('refuses a port already in use, names it, and leaves nothing open', async () => {
    const { app } = start();
    const busy = net.createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      const error = await appErrorOf(() =>
        app.openSandbox({
          services: [
            { serviceId: 'HTTP1', port: busyPort, bindAddress: '127.0.0.1' },
            { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
          ],
        }),
      );
      expect(error.code).toBe('port-in-use');
      expect(error.message).toContain(`port ${busyPort} is already in use`);
      expect(app.listSessions()).toEqual([]);
    } finally {
      busy.close();
    }
  });

  it('moves one service to another port; only its listener restarts', async () => {
    const { app } = start();
    const opened = await app.openSandbox({ services: HTTP_SSH });
    const before = await connected(app, opened.id);
    const oldHttp = before.listeners.find((l) => l.serviceId === 'HTTP1')!.port!;
    const ssh = before.listeners.find((l) => l.serviceId === 'SSH1')!.port!;
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const newPort = (probe.address() as net.AddressInfo).port;
    // a port in use: refused, the old listener keeps serving
    const error = await appErrorOf(() =>
      app.updateMapping({
        sessionId: opened.id,
        mapping: { serviceId: 'HTTP1', port: newPort, bindAddress: '127.0.0.1' },
      }),
    );
    expect(error.code).toBe('port-in-use');
    expect((await httpGet(oldHttp)).status).toBe(200);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const moved = await app.updateMapping({
      sessionId: opened.id,
      mapping: { serviceId: 'HTTP1', port: newPort, bindAddress: '127.0.0.1' },
    });
    expect(moved.port).toBe(newPort);
    expect(moved.requested).toBe(newPort);
    expect((await httpGet(newPort)).body).toContain('device status');
    expect(await isPortFree(oldHttp)).toBe(true);
    const after = app.listSessions().find((s) => s.id === opened.id)!;
    expect(after.listeners.find((l) => l.serviceId === 'SSH1')!.port).toBe(ssh);
  });

  it('refuses a bad mapping with the message of the CLI', async () => {
    const { app } = start();
    expect(await app.checkMapping({ serviceId: 'SSH1', port: '70000', bindAddress: '' })).toEqual({
      ok: false,
      field: 'port',
      message:
        '"SSH1=70000": port 70000 is out of range; a port is 1 to 65535 (0 picks a free port)',
    });
    expect(await app.checkMapping({ serviceId: 'SSH 1', port: '22', bindAddress: '' })).toMatchObject({
      ok: false,
      field: 'serviceId',
    });
    expect(await app.checkMapping({ serviceId: 'SSH1', port: 'auto', bindAddress: 'a b' })).toMatchObject(
      {
        ok: false,
        field: 'bindAddress',
      },
    );
    expect(app.checkMapping({ serviceId: 'SSH1', port: ' 3333 ', bindAddress: '' })).toEqual({
      ok: true,
      mapping: { serviceId: 'SSH1', port: 3333, bindAddress: '127.0.0.1' },
    });
    const twice = await appErrorOf(() =>
      app.openSandbox({
        services: [
          { serviceId: 'HTTP1', port: 5555, bindAddress: '127.0.0.1' },
          { serviceId: 'SSH1', port: 5555, bindAddress: '127.0.0.1' },
        ],
      }),
    );
    expect(twice.message).toMatch(/port 5555 is given to both "HTTP1" and "SSH1"/);
    expect(twice.field).toBe('services[1].port');
  });

  it('imports and exports the reference .ini mapping files', async () => {
    const { app } = start();
    expect(
      app.parseMappingFile({ fileName: 'SSHSource.ini', text: '# ops\nHTTP1 = 5555\nSSH1 = 0\n' }),
    ).toEqual([
      { serviceId: 'HTTP1', port: 5555, bindAddress: '127.0.0.1' },
      { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
    ]);
    const bad = await appErrorOf(() =>
      app.parseMappingFile({ fileName: 'x.ini', text: 'SSH1 = 99999\n' }),
    );
    expect(bad.message).toMatch(/^x\.ini:1: .*out of range/);
    const opened = await app.openSandbox({ services: HTTP_SSH });
    const session = await connected(app, opened.id);
    const exported = app.exportMappingFile({ sessionId: opened.id });
    const ports = session.listeners.map((l) => `${l.serviceId} = ${l.port}`);
    for (const line of ports) expect(exported.text).toContain(line);
    // what we export, we (and the reference) read back
    expect(app.parseMappingFile({ fileName: exported.fileName, text: exported.text }).length).toBe(
      2,
    );
  });

  it('launches only for ports it serves, with a checked user name and no token', async () => {
    const { app, launched } = start();
    const opened = await app.openSandbox({ deviceName: 'pi 17', services: HTTP_SSH });
    const session = await connected(app, opened.id);
    const http1 = session.listeners.find((l) => l.serviceId === 'HTTP1')!.port!;
    const ssh1 = session.listeners.find((l) => l.serviceId === 'SSH1')!.port!;
    const { url, openedBy } = await app.openInBrowser({
      sessionId: opened.id,
      serviceId: 'HTTP1',
      scheme: 'http',
    });
    expect(url).toBe(`http://127.0.0.1:${http1}/`);
    // Browser mode: the page opens the URL in the operator's browser; main opens nothing.
    expect(openedBy).toBe('renderer');
    expect(launched.urls).toEqual([]);
    const ssh = await app.openSsh({ sessionId: opened.id, serviceId: 'SSH1', user: 'pi' });
    expect(ssh.command).toBe(`ssh -p ${ssh1} -o HostKeyAlias=pi-17 pi@127.0.0.1`);
    expect(launched.programs[0]).toEqual({
      program: '/usr/bin/x-terminal-emulator',
      args: ['-e', 'ssh', '-p', String(ssh1), '-o', 'HostKeyAlias=pi-17', 'pi@127.0.0.1'],
    });
    expect(app.getSettings().sshUsers['pi 17']).toBe('pi');
    const injected = await appErrorOf(() =>
      app.getSshCommand({ sessionId: opened.id, serviceId: 'SSH1', user: '-oProxyCommand=x' }),
    );
    expect(injected.field).toBe('user');
    const unknown = await appErrorOf(() =>
      app.openInBrowser({ sessionId: opened.id, serviceId: 'NOPE', scheme: 'http' }),
    );
    expect(unknown.code).toBe('not-found');
  });

  it('says when the device side has nothing listening on SSH (the stream is reset)', async () => {
    const { app } = start();
    const sshd = net.connect(22, '127.0.0.1');
    const hasSsh = await new Promise<boolean>((resolve) => {
      sshd.once('connect', () => resolve(true));
      sshd.once('error', () => resolve(false));
    });
    sshd.destroy();
    const opened = await app.openSandbox({ services: HTTP_SSH });
    const session = await connected(app, opened.id);
    const ssh1 = session.listeners.find((l) => l.serviceId === 'SSH1')!.port!;
    const client = net.connect(ssh1, '127.0.0.1');
    const data: Buffer[] = [];
    client.on('data', (chunk: Buffer) => data.push(chunk));
    if (hasSsh) {
      await waitFor(() => data.length > 0, 5_000, 'the SSH banner');
      expect(Buffer.concat(data).toString()).toMatch(/^SSH-2\.0/);
    } else {
      await once(client, 'close');
      await waitFor(
        () => app.getLogs().some((l) => /cannot connect to 127\.0\.0\.1:22/.test(l.message)),
        5_000,
        'the device to say why',
      );
    }
    client.destroy();
  });
});
