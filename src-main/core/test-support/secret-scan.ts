/**
 * Vitest global setup: the secret scan. Before the suite, it points
 * TUNNELDESK_TEST_LOG_CAPTURE_DIR at a fresh folder, so that every process of the run
 * records its log lines and the secrets it was given (log-capture.mjs: test workers through
 * vitest's setupFiles, the processes tests start through `node --import`). After the suite,
 * it looks for every recorded secret (access tokens, client tokens, AWS secret keys) in every
 * recorded line, and fails the run, naming the file and line, if one is there. The
 * Playwright specs run the same scan over the `tunneldesk web` processes they start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURE_DIR_ENV } from './log-capture.mjs';

/** Secrets shorter than this are not scanned for: they match by chance (the redactor agrees). */
const MIN_SECRET_LENGTH = 8;

export interface ScanResult {
  lines: number;
  processes: number;
  secrets: number;
  leaks: string[];
}

export function scanCapture(dir: string): ScanResult {
  const files = readdirSync(dir);
  const secrets = new Set<string>();
  for (const file of files.filter((f) => f.startsWith('secrets-'))) {
    for (const secret of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
    }
  }
  const leaks: string[] = [];
  let lines = 0;
  const logFiles = files.filter((f) => f.startsWith('log-'));
  for (const file of logFiles) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line === '') return;
        lines++;
        for (const secret of secrets) {
          if (line.includes(secret)) {
            // Say which secret without printing it.
            leaks.push(
              `${file}:${index + 1}: a ${secret.length}-character secret starting "${secret.slice(0, 4)}": ${line.replace(secret, '<SECRET>').slice(0, 300)}`,
            );
          }
        }
      });
  }
  return { lines, processes: logFiles.length, secrets: secrets.size, leaks };
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-log-capture-'));
  process.env[CAPTURE_DIR_ENV] = dir;
  return () => {
    const result = scanCapture(dir);
    rmSync(dir, { recursive: true, force: true });
    if (result.leaks.length > 0) {
      // Vitest reports a throwing teardown but keeps its exit code: set ours too.
      process.exitCode = 1;
      throw new Error(
        `secret scan: ${result.leaks.length} log line(s) hold a secret:\n${result.leaks.slice(0, 20).join('\n')}`,
      );
    }
    console.log(
      `secret scan: ${result.lines} log lines from ${result.processes} processes, ${result.secrets} secrets, none leaked`,
    );
  };
}
