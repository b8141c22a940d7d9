import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addLogObserver, createLogger, LogLevel, SecretRedactor } from '../log/logger.js';
import { CAPTURE_DIR_ENV, captureInto } from './log-capture.mjs';
import { scanCapture } from './secret-scan.js';

/**
 * Runs `body` with the logger recording into a folder of its own, and the run's capture
 * off meanwhile (a leak made on purpose must not fail the whole suite); scans the folder.
 */
function scanOf(body: () => void): ReturnType<typeof scanCapture> {
  const dir = mkdtempSync(join(tmpdir(), 'scan-test-'));
  const runDir = process.env[CAPTURE_DIR_ENV];
  delete process.env[CAPTURE_DIR_ENV];
  const remove = addLogObserver(captureInto(dir));
  try {
    body();
  } finally {
    remove();
    if (runDir !== undefined) process.env[CAPTURE_DIR_ENV] = runDir;
  }
  return scanCapture(dir);
}

describe('the secret scan', () => {
  it('finds a secret recorded by one process in a line logged by another, without printing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-test-'));
    writeFileSync(join(dir, 'secrets-1.txt'), 'AQGAAXiVzSmRL1VaJ22G7eRb\nshort\n');
    writeFileSync(
      join(dir, 'log-2.txt'),
      'fine line\nsent header access-token: AQGAAXiVzSmRL1VaJ22G7eRb\n',
    );
    writeFileSync(join(dir, 'log-3.txt'), 'a short word is no secret\n');
    const result = scanCapture(dir);
    expect(result).toMatchObject({ lines: 3, processes: 2, secrets: 1 });
    expect(result.leaks).toHaveLength(1);
    expect(result.leaks[0]).toMatch(/^log-2\.txt:2: a 24-character secret starting "AQGA"/);
    expect(result.leaks[0]).not.toContain('AQGAAXiVzSmRL1VaJ22G7eRb');
  });

  it('catches a secret that one logger knows and another prints, recorded through the logger', () => {
    const token = 'AQGAAXiVzSmRL1VaJ22G7eRb-scan';
    const result = scanOf(() => {
      new SecretRedactor().add(token);
      const unaware = createLogger({ level: LogLevel.Info, sink: () => {} });
      unaware.info(`sent header access-token: ${token}`);
    });
    expect(result).toMatchObject({ lines: 1, processes: 1, secrets: 1 });
    expect(result.leaks).toHaveLength(1);
    expect(result.leaks[0]).toContain('access-token: <SECRET>');
  });

  it('passes what a logger redacted, recorded through the logger', () => {
    const token = 'AQGAAXiVzSmRL1VaJ22G7eRb-scan';
    const result = scanOf(() => {
      const redactor = new SecretRedactor();
      redactor.add(token);
      createLogger({ level: LogLevel.Info, sink: () => {}, redactor }).info(`token ${token}`);
    });
    expect(result).toMatchObject({ lines: 1, secrets: 1, leaks: [] });
  });

  it('passes a capture with no secret in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-test-'));
    writeFileSync(join(dir, 'secrets-1.txt'), 'the-token-value-1234\n');
    writeFileSync(join(dir, 'log-1.txt'), 'header access-token: <redacted>\n');
    expect(scanCapture(dir).leaks).toEqual([]);
  });
});
