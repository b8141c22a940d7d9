/**
 * Vitest `setupFiles`: registers the secret scan's recorder (log-capture.mjs) with the
 * logger of every test file's module graph, when the run has a capture (secret-scan.ts).
 */
import { addLogObserver } from '../log/logger.js';
import { captureDir, runCapture } from './log-capture.mjs';

if (captureDir()) addLogObserver(runCapture);
