/**
 * `tunneldesk` run in-process through main(): how it picks a command, and the checks that
 * end a run before anything opens.
 */
import { describe, expect, it } from 'vitest';
import { isPortFree, unusedPort, waitFor } from '../core/test-support/local-servers.js';
import type { CommandIo } from './io.js';
import { main } from './main.js';

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
