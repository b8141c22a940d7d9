/**
 * The test suite's secret scan (see test-support/secret-scan.ts): when
 * TUNNELDESK_LOG_CAPTURE_DIR is set, every log line any logger prints (already redacted) and
 * every secret given to a redactor are appended to files there, from every process of the
 * run, so that the suite can prove afterwards that no secret ever reached a log. Unset (any
 * real run), these are no-ops.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TUNNELDESK_LOG_CAPTURE_DIR || undefined;

export const captureEnabled = dir !== undefined;

/** Records a line as a user would see it. */
export function captureLine(line: string): void {
  if (dir) appendFileSync(join(dir, `log-${process.pid}.txt`), line.replace(/\n/g, '\\n') + '\n');
}

/** Records a secret that must never appear in a captured line. */
export function captureSecret(secret: string): void {
  if (dir)
    appendFileSync(join(dir, `secrets-${process.pid}.txt`), secret.replace(/\n/g, '') + '\n');
}
