/**
 * `tunneldesk web` as a process: a malformed request, a throwing timer and an unhandled
 * rejection are each logged, and the process goes on serving. Needs the build (`npm run build`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTunneldesk, type Proc } from '../core/test-support/processes.js';
import { rawExchange, rawGet } from '../web/test-support/raw-http.js';

const THROW_ON_SIGNAL = new URL('../web/test-support/throw-on-signal.mjs', import.meta.url).href;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe('tunneldesk web', () => {
  it('survives malformed requests, a throwing timer and an unhandled rejection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-web-cmd-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const web: Proc = startTunneldesk(['web', '--no-open', '--port', '0', '-v', '3'], {
      TUNNELDESK_SETTINGS_FILE: join(dir, 'settings.json'),
      NODE_OPTIONS: `--import ${THROW_ON_SIGNAL}`,
    });
    cleanup.push(() => web.stop());
    const [url] = await web.waitFor(/^http:\/\/127\.0\.0\.1:\d+\/\?secret=\S+$/);
    const { port, searchParams } = new URL(url);
    const headers = {
      host: `127.0.0.1:${port}`,
      cookie: `tunneldesk-${port}=${searchParams.get('secret')}`,
    };
    for (const target of ['/%E0%A4%A', '/%', '//', '/..%2f..%2fetc/passwd']) {
      const answer = await rawExchange(Number(port), rawGet(target, headers));
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
    }
    web.child.kill('SIGUSR2');
    await web.waitFor(/uncaught exception \(browser mode keeps running\): Error: a timer of/);
    await web.waitFor(/unhandled promise rejection .*: Error: a promise of the test/);
    const page = await rawExchange(Number(port), rawGet('/', headers));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    expect(web.child.exitCode).toBeNull();
  });
});
