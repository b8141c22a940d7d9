/**
 * The command as a user runs it, in separate processes: the README's demo (service,
 * device side, operator side), then browse and use a raw TCP service through one tunnel.
 * Needs the build (`npm run build`; `npm test` does it first).
 */
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  echoRoundTrip,
  httpGet,
  startEchoServer,
  startHttpServer,
  unusedPort,
  type Closable,
} from '../core/test-support/local-servers.js';
import { startTunneldesk, type Proc } from '../core/test-support/processes.js';

const cleanup: Closable[] = [];
const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  while (cleanup.length) await cleanup.pop()!.close();
});
function run(args: string[], env: Record<string, string> = {}, cwd?: string): Proc {
  const proc = startTunneldesk(args, env, cwd);
  procs.push(proc);
  return proc;
}

describe('tunneldesk (the command)', () => {
  it('runs the README demo: service, device side, operator side, browse and echo', async () => {
    const web = await startHttpServer();
    const echo = await startEchoServer();
    cleanup.push(web, echo);
    const [servicePort, httpPort, sshPort] = [
      await unusedPort(),
      await unusedPort(),
      await unusedPort(),
    ];
    const service = run([
      'service',
      '--port',
      String(servicePort),
      '--tunnel',
      'demo:DEMO_SRC_TOKEN:DEMO_DST_TOKEN:HTTP1,SSH1',
    ]);
    await service.waitFor(/listening on wss:\/\/127\.0\.0\.1/);
    const device = run([
      'proxy',
      '-e',
      `127.0.0.1:${servicePort}`,
      '-k',
      '-t',
      'DEMO_DST_TOKEN',
      '-d',
      `HTTP1=${web.port},SSH1=${echo.port}`,
    ]);
    // The service resets a stream at once while no device is connected: start with one.
    await device.waitFor(/ready: HTTP1 -> /);
    const source = run([
      'proxy',
      '-e',
      `127.0.0.1:${servicePort}`,
      '-k',
      '-t',
      'DEMO_SRC_TOKEN',
      '-s',
      `HTTP1=${httpPort},SSH1=${sshPort}`,
    ]);
    await source.waitFor(new RegExp(`^SSH1 127\\.0\\.0\\.1:${sshPort}$`));
    await source.waitFor(/connected to the tunnel service/);
    expect((await httpGet(httpPort)).body).toContain('device status');
    const socket = await connect(sshPort);
    expect((await echoRoundTrip(socket, Buffer.from('SSH-2.0-test\r\n'))).toString()).toBe(
      'SSH-2.0-test\r\n',
    );
    socket.destroy();
    // the token is never printed
    expect(source.output.join('\n')).not.toContain('DEMO_SRC_TOKEN');
    expect(source.output.join('\n')).toMatch(/access token .*AWSIOT_TUNNEL_ACCESS_TOKEN/i);
  });

  it('reads mappings from --config-dir .ini files and the token from the environment', async () => {
    const echo = await startEchoServer();
    cleanup.push(echo);
    const servicePort = await unusedPort();
    const localPort = await unusedPort();
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-cli-'));
    cleanup.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'dst'));
    writeFileSync(join(dir, 'src', 'SSHSource.ini'), `# operator side\nSSH1 = ${localPort}\n`);
    writeFileSync(join(dir, 'dst', 'SSHDestination.ini'), `SSH1 = 127.0.0.1:${echo.port}\n`);
    const service = run([
      'service',
      '--port',
      String(servicePort),
      '--plain',
      '--tunnel',
      'ini:SRC_TOKEN_2:DST_TOKEN_2:SSH1',
    ]);
    await service.waitFor(/listening on ws:\/\//);
    const device = run(
      [
        'proxy',
        '-e',
        `ws://127.0.0.1:${servicePort}`,
        '-m',
        'dst',
        '--config-dir',
        join(dir, 'dst'),
      ],
      { AWSIOT_TUNNEL_ACCESS_TOKEN: 'DST_TOKEN_2' },
    );
    await device.waitFor(/ready: SSH1 -> /);
    const source = run(
      [
        'proxy',
        '-e',
        `ws://127.0.0.1:${servicePort}`,
        '-m',
        'src',
        '--config-dir',
        join(dir, 'src'),
      ],
      {
        AWSIOT_TUNNEL_ACCESS_TOKEN: 'SRC_TOKEN_2',
      },
    );
    await source.waitFor(new RegExp(`^SSH1 127\\.0\\.0\\.1:${localPort}$`));
    const socket = await connect(localPort);
    expect((await echoRoundTrip(socket, Buffer.from('over ini'))).toString()).toBe('over ini');
    socket.destroy();
  });

  it.each([
    [['proxy', '-t', 'tok', '-r', 'us-east-1', '-s', 'SSH1=70000'], /70000/],
    [['proxy', '-t', 'tok', '-r', 'us-east-1', '-e', 'x:1', '-s', '5555'], /-e|-r/],
    [['proxy', '-r', 'us-east-1', '-s', 'SSH1=5555'], /access token/i],
    [['proxy', '-t', 'tok', '-r', 'us-east-1', '-s', 'A=5555,B=5555'], /5555/],
    [['service', '--tunnel', 'broken'], /--tunnel/],
    [['launch'], /unknown command/],
  ])('rejects %j with a clear message and exit code 2', async (args, message) => {
    const proc = run(args, { AWSIOT_TUNNEL_ACCESS_TOKEN: '' });
    expect(await proc.exited).toBe(2);
    expect(proc.output.join('\n')).toMatch(message);
  });
});
