/**
 * The product has no switch that writes its logs to a file: the secret scan's recorder is
 * test code, put into a process only by the test helpers that start it (`node --import`,
 * core/test-support/log-capture.mjs). Needs the build (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CAPTURE_DIR_ENV, CAPTURE_PRELOAD } from '../core/test-support/log-capture.mjs';
import { unusedPort } from '../core/test-support/local-servers.js';
import { scanCapture } from '../core/test-support/secret-scan.js';

const BIN = join(import.meta.dirname, '../../bin/tunneldesk.js');
const TOKEN = 'log-capture-test-access-token-0123456789';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-capture-test-'));
  dirs.push(dir);
  return dir;
}

/**
 * Runs a source proxy at trace level against a port where nothing listens, until it has
 * said it will try again twice (so it has logged), then stops it; resolves with its pid and stderr.
 */
async function runProxy(
  nodeArgs: string[],
  env: Record<string, string>,
): Promise<{ pid: number; stderr: string[] }> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      BIN,
      'proxy',
      '-e',
      `ws://127.0.0.1:${await unusedPort()}`,
      '-s',
      'HTTP1=0',
      '-v',
      '6',
    ],
    {
      env: { ...process.env, ...env, AWSIOT_TUNNEL_ACCESS_TOKEN: TOKEN },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const stderr: string[] = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      if (stderr.filter((l) => /; attempt \d+ in /.test(l)).length === 2) resolve();
    });
    child.once('exit', () => resolve());
  });
  child.kill('SIGTERM');
  await exited;
  return { pid: child.pid!, stderr };
}

describe('log capture', () => {
  it('is no switch of the product: with the capture variables set, the command writes nothing', async () => {
    const dir = tempDir();
    const { stderr } = await runProxy([], {
      // The variable the product once read, and the test suite's own.
      TUNNELDESK_LOG_CAPTURE_DIR: dir,
      [CAPTURE_DIR_ENV]: dir,
    });
    // It did log (a trace of each attempt), and none of it went to the folder.
    expect(stderr.filter((l) => l.includes('connecting to ws://')).length).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('records the lines and secrets of a process the tests start with the recorder', async () => {
    const dir = tempDir();
    const { pid } = await runProxy(['--import', CAPTURE_PRELOAD], { [CAPTURE_DIR_ENV]: dir });
    expect(existsSync(join(dir, `log-${pid}.txt`))).toBe(true);
    const lines = readFileSync(join(dir, `log-${pid}.txt`), 'utf8');
    expect(lines).toContain('[tunnel] connecting to ws://127.0.0.1:');
    expect(readFileSync(join(dir, `secrets-${pid}.txt`), 'utf8').split('\n')).toContain(TOKEN);
    const scan = scanCapture(dir);
    expect(scan).toMatchObject({ processes: 1, secrets: 2, leaks: [] });
    expect(scan.lines).toBeGreaterThan(3);
  });
});
