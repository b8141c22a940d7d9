/**
 * Test-only. `node --import` this into a process that runs the built command
 * (bin/tunneldesk.js, which loads dist/): it registers the secret scan's recorder
 * (log-capture.mjs) with that build's logger, the very module the command then imports.
 * The test helpers that start such processes add it (captureNodeArgs()).
 */
import { captureDir, runCapture } from './log-capture.mjs';

if (captureDir()) {
  const logger = new URL('../../../dist/src-main/core/log/logger.js', import.meta.url);
  const { addLogObserver } = await import(logger.href);
  addLogObserver(runCapture);
}
