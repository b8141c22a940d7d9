/**
 * Stopping the command at any moment, as a user does (Ctrl-C is SIGINT; service managers
 * send SIGTERM): `tunneldesk proxy` in source mode with listeners and live connections, and
 * `tunneldesk web` with an open sandbox tunnel. Each exits at once with 0, its connections
 * end, every port it had is free, and no process of it remains. Also: a spent access token
 * is a clear message and exit code 1. Needs the build (`npm run build`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DestinationAgent } from '../core/destination/destination-agent.js';
import { TunnelService } from '../core/service/tunnel-service.js';
import {
  connect,
  echoRoundTrip,
  isPortFree,
  startEchoServer,
  unusedPort,
  waitFor,
  type Closable,
} from '../core/test-support/local-servers.js';
import {
  descendants,
  isAlive,
  startTunneldesk,
  type Proc,
} from '../core/test-support/processes.js';
import { RawPeer } from '../core/test-support/raw-peer.js';
import { captureSecret } from '../core/test-support/log-capture.mjs';
import { debugLogger, plainDestinationConfig, token } from '../core/test-support/tunnel-harness.js';
import { WEB_IPC_PATH, WebServerFrame } from '../ipc/web-frames.js';
import { requests, SessionView } from '../ipc/contract.js';

const cleanup: Closable[] = [];
const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  while (cleanup.length) await cleanup.pop()!.close();
});
function run(args: string[], env: Record<string, string> = {}): Proc {
  const proc = startTunneldesk(args, env);
  procs.push(proc);
  return proc;
}

/** Sends the signal; resolves with the exit code and how long the exit took. */
async function stopWith(
  proc: Proc,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; ms: number }> {
  const start = Date.now();
  proc.child.kill(signal);
  const code = await proc.exited;
  return { code, ms: Date.now() - start };
}

describe('stopping the command', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops a source proxy with live connections: they end, its ports are free, nothing remains',
    async (signal) => {
      const echo = await startEchoServer();
      cleanup.push(echo);
      const [src, dst] = [token('src'), token('dst')];
      const service = new TunnelService({
        tls: 'plain',
        tunnels: [
          { id: 'sig', sourceToken: src, destinationToken: dst, services: ['ECHO1', 'HTTP1'] },
        ],
      });
      await service.start();
      cleanup.push(service);
      const destination = new DestinationAgent(
        plainDestinationConfig(service.port, dst, { ECHO1: echo.port, HTTP1: echo.port }),
        { logger: debugLogger() },
      );
      await destination.start();
      cleanup.push(destination);
      const [echoPort, httpPort] = [await unusedPort(), await unusedPort()];
      const proxy = run(
        [
          'proxy',
          '-e',
          `ws://127.0.0.1:${service.port}`,
          '-s',
          `ECHO1=${echoPort},HTTP1=${httpPort}`,
        ],
        { AWSIOT_TUNNEL_ACCESS_TOKEN: src },
      );
      await proxy.waitFor(new RegExp(`^HTTP1 127\\.0\\.0\\.1:${httpPort}$`));
      await waitFor(() => service.describeTunnel('sig').destination.connected, 5_000, 'the device');
      const clients = [await connect(echoPort), await connect(echoPort), await connect(httpPort)];
      for (const client of clients) {
        expect((await echoRoundTrip(client, Buffer.from('live'))).toString()).toBe('live');
      }
      const ended = clients.map((client) => once(client, 'close'));
      const children = descendants(proxy.child.pid!);

      const { code, ms } = await stopWith(proxy, signal);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(2_000);
      await Promise.all(ended);
      expect(await isPortFree(echoPort)).toBe(true);
      expect(await isPortFree(httpPort)).toBe(true);
      expect(children.filter(isAlive)).toEqual([]);
      await waitFor(
        () => !service.describeTunnel('sig').source.connected,
        5_000,
        'the tunnel to close',
      );
      expect(proxy.output.join('\n')).toMatch(/stopping: closing the tunnel and every listener/);
    },
  );

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops browser mode with an open sandbox tunnel: every port is free, nothing remains',
    async (signal) => {
      const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-web-stop-'));
      cleanup.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
      const [webPort, httpPort] = [await unusedPort(), await unusedPort()];
      const web = run(['web', '--no-open', '--port', String(webPort)], {
        TUNNELDESK_SETTINGS_FILE: join(dir, 'settings.json'),
      });
      const url = new URL((await web.waitFor(/^(http:\/\/127\.0\.0\.1:\d+\/\?secret=\S+)$/))[1]!);
      // (Not a secret for the scan: printing this URL on stdout is what the command is for.)
      const secret = url.searchParams.get('secret')!;
      const ws = new WebSocket(`ws://127.0.0.1:${webPort}${WEB_IPC_PATH}`, {
        headers: {
          cookie: `tunneldesk-${webPort}=${secret}`,
          origin: `http://127.0.0.1:${webPort}`,
        },
      });
      ws.on('error', () => {});
      await once(ws, 'open');
      const frames: WebServerFrame[] = [];
      ws.on('message', (data) => frames.push(WebServerFrame.parse(JSON.parse(data.toString()))));
      ws.send(
        JSON.stringify({
          kind: 'request',
          id: 1,
          channel: requests.openSandbox.channel,
          input: { services: [{ serviceId: 'HTTP1', port: httpPort, bindAddress: '127.0.0.1' }] },
        }),
      );
      await waitFor(() => frames.some((f) => f.kind === 'reply'), 10_000, 'the sandbox tunnel');
      const reply = frames.find((f) => f.kind === 'reply');
      expect(reply?.kind === 'reply' && reply.reply.ok).toBe(true);
      const session = SessionView.parse(
        reply?.kind === 'reply' && reply.reply.ok && reply.reply.value,
      );
      const sandboxPort = Number(new URL(session.endpoint.replace(/^wss/, 'https')).port);
      // The tunnel is up and the device page comes through it.
      await waitFor(
        () =>
          frames.some(
            (f) =>
              f.kind === 'event' &&
              f.channel === 'main:sessions' &&
              (f.payload as SessionView[]).some((s) => s.state.kind === 'connected'),
          ),
        10_000,
        'connected',
      );
      const page = await new Promise<string>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: httpPort, path: '/', agent: false }, (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
      expect(page).toMatch(/<html/i);
      const children = descendants(web.child.pid!);
      const wsClosed = once(ws, 'close');

      const { code, ms } = await stopWith(web, signal);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(3_000);
      await wsClosed;
      for (const port of [webPort, httpPort, sandboxPort])
        expect(await isPortFree(port)).toBe(true);
      expect(children.filter(isAlive)).toEqual([]);
    },
    20_000,
  );

  it('says clearly that an access token is spent, and exits with 1', async () => {
    const [src, dst] = ['SPENT-SOURCE-TOKEN-0001', 'SPENT-DEST-TOKEN-0001'];
    captureSecret(src);
    captureSecret(dst);
    const servicePort = await unusedPort();
    const service = run([
      'service',
      '--plain',
      '--port',
      String(servicePort),
      '--tunnel',
      `spent:${src}:${dst}:SSH1`,
    ]);
    await service.waitFor(/listening on ws:/);
    // A handshake without a client token spends the token (the reference without -i does it).
    const first = await RawPeer.connect({
      url: `ws://127.0.0.1:${servicePort}`,
      mode: 'source',
      token: src,
      version: 'V3',
    });
    await first.close();
    const port = await unusedPort();
    const proxy = run(['proxy', '-e', `ws://127.0.0.1:${servicePort}`, '-s', `SSH1=${port}`], {
      AWSIOT_TUNNEL_ACCESS_TOKEN: src,
    });
    expect(await proxy.exited).toBe(1);
    const said = proxy.output.join('\n');
    expect(said).toMatch(
      /tunneldesk proxy: The tunnel service refused the access token \(HTTP 403\)/,
    );
    expect(said).toMatch(/already used by a handshake without a client token/);
    expect(said).toMatch(/open a new tunnel or rotate the token/);
    expect(said).not.toContain(src);
    expect(await isPortFree(port)).toBe(true);
  });
});
