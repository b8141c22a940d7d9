import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCapture } from './secret-scan.js';

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

  it('passes a capture with no secret in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-test-'));
    writeFileSync(join(dir, 'secrets-1.txt'), 'the-token-value-1234\n');
    writeFileSync(join(dir, 'log-1.txt'), 'header access-token: <redacted>\n');
    expect(scanCapture(dir).leaks).toEqual([]);
  });
});
