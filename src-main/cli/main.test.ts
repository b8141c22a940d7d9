/**
 * `tunneldesk` run in-process through main(): how it picks a command, and the checks that
 * end a run before anything opens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isPortFree, unusedPort, waitFor } from '../core/test-support/local-servers.js';
import { TunnelService } from '../core/service/tunnel-service.js';
import {
  connect,
  echoRoundTrip,
  startEchoServer,
  type Closable,
} from '../core/test-support/local-servers.js';
import { token } from '../core/test-support/tunnel-harness.js';
import type { CommandIo } from './io.js';
import { chooseCommand, main } from './main.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

interface Run {
  code: Promise<number>;
  out: string[];
  err: string[];
  logs: string[];
  /** Sends the command what Ctrl-C sends. */
  interrupt(): void;
}

function start(argv: string[], env: Record<string, string> = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const logs: string[] = [];
  const handlers = new Set<() => void>();
  const io: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    cwd: process.cwd(),
    version: '9.8.7',
    logSink: (record) => logs.push(record.message),
    onSignals: (handler) => handlers.add(handler),
    offSignals: (handler) => handlers.delete(handler),
  };
  return { code: main(argv, io), out, err, logs, interrupt: () => handlers.forEach((h) => h()) };
}

async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string[]; err: string[] }> {
  const started = start(argv, env);
  return { ...started, code: await started.code };
}

describe('tunneldesk proxy with a broken web proxy variable', () => {
  it.each([
    ['HTTPS_PROXY', 'http://[bad'],
    ['HTTPS_PROXY', '::::'],
    ['https_proxy', 'ftp://proxy:21'],
    ['ALL_PROXY', 'http://[bad'],
  ])('%s=%s is a usage error (2) naming the variable, and nothing opens', async (name, value) => {
    const port = await unusedPort();
    const { code, out, err } = await run(
      ['proxy', '-e', 'ws://127.0.0.1:9', '-s', `SSH1=${port}`],
      { AWSIOT_TUNNEL_ACCESS_TOKEN: 'an-access-token-for-this-test', [name]: value },
    );
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(new RegExp(`^tunneldesk proxy: ${name}: `));
    expect(err.join('\n')).not.toMatch(/TypeError|\n\s+at /);
    expect(await isPortFree(port)).toBe(true);
  });
});

describe('tunneldesk proxy with a web proxy', () => {
  it('says which port of the web proxy it uses: 3128 when the URL names none', async () => {
    const run = start(['proxy', '-e', 'ws://127.0.0.1:9', '-s', 'SSH1=0'], {
      AWSIOT_TUNNEL_ACCESS_TOKEN: 'an-access-token-for-this-test',
      HTTPS_PROXY: 'http://user:secret@127.0.0.1',
    });
    await waitFor(() => run.logs.some((line) => line.includes('web proxy')), 5_000, 'the log');
    run.interrupt();
    expect(await run.code).toBe(0);
    const line = run.logs.find((l) => l.includes('web proxy'))!;
    expect(line).toContain('http://127.0.0.1:3128/, port 3128');
    expect(line).toContain('3128 by default');
    expect(run.logs.join('\n')).not.toContain('secret');
  });
});

describe('tunneldesk with the reference flags and no command', () => {
  it('runs the proxy: a destination and a source from flags alone carry bytes', async () => {
    const echo = await startEchoServer();
    cleanup.push(echo);
    const tokens = { source: token('src'), destination: token('dst') };
    const service = new TunnelService({
      tls: 'plain',
      tunnels: [
        {
          id: 'flags',
          sourceToken: tokens.source,
          destinationToken: tokens.destination,
          services: ['SSH1'],
        },
      ],
    });
    await service.start();
    cleanup.push({ close: () => service.close() });
    const endpoint = `ws://127.0.0.1:${service.port}`;

    const destination = start(['-e', endpoint, '-d', `SSH1=${echo.port}`], {
      AWSIOT_TUNNEL_ACCESS_TOKEN: tokens.destination,
    });
    cleanup.push({ close: async () => void (destination.interrupt(), await destination.code) });
    await waitFor(() => service.describeTunnel('flags').destination.connected, 5_000, 'dst');
    const source = start(['-e', endpoint, '-s', 'SSH1=0'], {
      AWSIOT_TUNNEL_ACCESS_TOKEN: tokens.source,
    });
    cleanup.push({ close: async () => void (source.interrupt(), await source.code) });
    await waitFor(() => source.out.length > 0, 5_000, 'the source listener');
    const port = Number(/^SSH1 127\.0\.0\.1:(\d+)$/.exec(source.out[0]!)?.[1]);
    await waitFor(() => service.describeTunnel('flags').source.connected, 5_000, 'src');
    const socket = await connect(port);
    expect((await echoRoundTrip(socket, Buffer.from('SSH-2.0-x\r\n'))).toString()).toBe(
      'SSH-2.0-x\r\n',
    );
    socket.destroy();
  });

  it('names the proxy in a usage error of a flag', async () => {
    const { code, err } = await run(['--no-such-flag']);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^tunneldesk proxy: unknown option "--no-such-flag"/);
  });

  it('still prints the usage with nothing at all, as before', async () => {
    const { code, out } = await run([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^Usage: tunneldesk <command>/);
  });

  it('lets a command win over the flags after it', () => {
    expect(chooseCommand(['service', '--port', '0'])).toEqual({
      command: 'service',
      rest: ['--port', '0'],
    });
    expect(chooseCommand(['proxy', '-r', 'us-east-1'])).toEqual({
      command: 'proxy',
      rest: ['-r', 'us-east-1'],
    });
    expect(chooseCommand(['-r', 'us-east-1', '-d', 'SSH1=22'])).toEqual({
      command: 'proxy',
      rest: ['-r', 'us-east-1', '-d', 'SSH1=22'],
    });
    expect(chooseCommand(['-h']).command).toBe('-h');
  });
});

describe('tunneldesk -V/--version', () => {
  it.each([['-V'], ['--version'], ['proxy', '-V'], ['-r', 'us-east-1', '--version']])(
    '%s prints the program, its version and the protocol versions it speaks',
    async (...argv) => {
      const { code, out } = await run(argv);
      expect(code).toBe(0);
      expect(out.join('\n').split('\n')).toEqual([
        'tunneldesk 9.8.7',
        'protocols: V3 (aws.iot.securetunneling-3.0), V2 (aws.iot.securetunneling-2.0), V1 (aws.iot.securetunneling-1.0)',
        'flags: those of the reference localproxy 3.3.1',
      ]);
    },
  );
});
