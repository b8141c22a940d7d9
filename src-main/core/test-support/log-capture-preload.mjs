/**
 * Test-only. `node --import` this into a process that runs the built command
 * (bin/tunneldesk.js, which loads the bundle in dist/cli): it registers the secret scan's
 * recorder (log-capture.mjs) with the compiled logger in dist/src-main, whose observers are
 * the process's one set (logger.ts keeps them on the global object), so the bundle's own
 * copy of the logger reports to it too.
 * The test helpers that start such processes add it (captureNodeArgs()).
 */
import { captureDir, runCapture } from './log-capture.mjs';

if (captureDir()) {
  const logger = new URL('../../../dist/src-main/core/log/logger.js', import.meta.url);
  const { addLogObserver } = await import(logger.href);
  addLogObserver(runCapture);
}
