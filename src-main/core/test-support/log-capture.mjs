/**
 * The secret scan's recorder (see secret-scan.ts). Test-only: the product has no switch
 * that writes its logs anywhere. Where the suite sets TUNNELDESK_TEST_LOG_CAPTURE_DIR,
 * every process of the run appends the lines its loggers print (already redacted) to
 * log-<pid>.txt there, and the secrets its redactors are given to secrets-<pid>.txt, through
 * the logger's observer API (addLogObserver in core/log/logger.ts):
 *
 * - vitest workers register it in log-capture-setup.ts (vitest `setupFiles`);
 * - processes the tests start from the built command (bin/tunneldesk.js) get it from
 *   log-capture-preload.mjs, through the `node` arguments of `captureNodeArgs()`.
 *
 * Plain JavaScript, so that `node --import` loads it into a child without a TypeScript step.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment variable the suite's global setup sets (secret-scan.ts). */
export const CAPTURE_DIR_ENV = 'TUNNELDESK_TEST_LOG_CAPTURE_DIR';

/**
 * The run's capture folder, if the suite made one.
 * @returns {string | undefined}
 */
export function captureDir() {
  return process.env[CAPTURE_DIR_ENV] || undefined;
}

/**
 * An observer (a LogObserver of core/log/logger.ts) that appends to files in `dir`.
 * @param {string} dir
 * @returns {{ line(text: string): void; secret(value: string): void }}
 */
export function captureInto(dir) {
  return {
    line: (text) =>
      appendFileSync(join(dir, `log-${process.pid}.txt`), text.replace(/\n/g, '\\n') + '\n'),
    secret: (value) =>
      appendFileSync(join(dir, `secrets-${process.pid}.txt`), value.replace(/\n/g, '') + '\n'),
  };
}

/**
 * Records a line (a child's output, say) in the run's capture, if there is one.
 * @param {string} text
 */
export function captureLine(text) {
  const dir = captureDir();
  if (dir) captureInto(dir).line(text);
}

/**
 * Records a secret that must never appear in a recorded line, if the run has a capture.
 * @param {string} value
 */
export function captureSecret(value) {
  const dir = captureDir();
  if (dir) captureInto(dir).secret(value);
}

/** The observer the suite registers: the run's capture, looked up at each call. */
export const runCapture = { line: captureLine, secret: captureSecret };

/** The module `node --import` loads into a child to record its logs (log-capture-preload.mjs). */
export const CAPTURE_PRELOAD = new URL('./log-capture-preload.mjs', import.meta.url).href;

/**
 * The `node` arguments that put the recorder into a child running the built command
 * (bin/tunneldesk.js): none when the run has no capture.
 * @returns {string[]}
 */
export function captureNodeArgs() {
  return captureDir() ? ['--import', CAPTURE_PRELOAD] : [];
}
