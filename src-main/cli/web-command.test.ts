/**
 * `tunneldesk web`'s options, run in-process: the help, and every bad input refused with a
 * message naming what was wrong and what is allowed, before anything listens. (A real start
 * is web-command.integration.test.ts.)
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config/proxy-config.js';
import { unusedPort } from '../core/test-support/local-servers.js';
import type { CommandIo } from './io.js';
import { runWebCommand } from './web-command.js';

function io(out: string[] = []): CommandIo {
  return {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    env: {},
    cwd: process.cwd(),
    version: '0.0.0-test',
  };
}

/** Whether nothing listens on the port: it can be bound. */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('tunneldesk web, its options', () => {
  it('prints its help and starts nothing', async () => {
    const out: string[] = [];
    expect(await runWebCommand(['--help'], io(out))).toBeUndefined();
    expect(await runWebCommand(['-h'], io(out))).toBeUndefined();
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(out[1]);
    expect(out[0]).toMatch(/^Usage: tunneldesk web \[options\]\n/);
    for (const option of ['-h, --help', '--port <port>', '--no-open', '-v, --verbose <level>']) {
      expect(out[0]).toContain(option);
    }
  });

  it.each([
    [['--bogus'], `unknown option "--bogus"; 'tunneldesk web --help' lists the options`],
    [['--port'], '--port needs a value'],
    [
      ['--port', 'abc'],
      '--port: "abc" is not a port; give 1 to 65535, or leave --port out for a free one',
    ],
    [
      ['--port', '70000'],
      '--port: "70000" is not a port; give 1 to 65535, or leave --port out for a free one',
    ],
    [['--no-open=yes'], '--no-open takes no value'],
    [['-v', 'loud'], '-v: "loud" is not a level; give 0 to 6'],
    [['extra'], 'unexpected argument "extra"'],
  ])('refuses %j: %s', async (argv, message) => {
    const refused = await runWebCommand(argv, io()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).message).toBe(message);
  });

  it('refuses a bad option given beside a port without listening on it', async () => {
    const port = await unusedPort();
    const refused = await runWebCommand(['--port', String(port), '--bogus'], io()).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect(await free(port)).toBe(true);
  });
});
