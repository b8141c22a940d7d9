/**
 * The close cause is one value from the socket to the screen: the contract's schema accepts
 * every core cause as it is, the two types are the same set, and each edge (CLI, UI) has its
 * own words for every kind (the UI's are tested beside them, in src-renderer). No product code decides by reading a message's words back.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWords } from '../cli/close-words.js';
import { describeCause, type CloseCause as CoreCause } from '../core/tunnel/close-cause.js';
import { CloseCause as CauseSchema, type CloseCause as ContractCause } from '../ipc/contract.js';
import { CLOSE_CAUSE_SAMPLES as SAMPLES } from '../ipc/test-support/close-cause-samples.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time: the contract's schema and the core's type describe the same values.
const sameSet: Same<CoreCause, ContractCause> = true;
const sameKinds: Same<CoreCause['kind'], ContractCause['kind']> = true;

const FLAG = /(^|\s)-[a-z]\b|--config-dir/;

describe('a close cause', () => {
  it('is the same set of values in the core and the contract', () => {
    expect(sameSet && sameKinds).toBe(true);
  });

  it.each(Object.values(SAMPLES))('$kind crosses the contract as it is', (cause) => {
    expect(CauseSchema.parse(JSON.parse(JSON.stringify(cause)))).toEqual(cause);
  });

  it.each(Object.values(SAMPLES))('$kind has words at every edge', (cause) => {
    for (const words of [describeCause(cause), cliWords(cause, 'source')]) {
      expect(words.length).toBeGreaterThan(5);
    }
  });

  it('is said with flags on the command line, and without them in the log', () => {
    expect(cliWords(SAMPLES.tls, 'source')).toMatch(/-c DIR.*-k/);
    expect(cliWords(SAMPLES.dns, 'source')).toMatch(/check -e or -r/);
    expect(cliWords(SAMPLES['token-refused'], 'source')).toMatch(/already used.*-e\/-r/);
    expect(cliWords(SAMPLES['services-mismatch'], 'source')).toMatch(
      /leave out HTTP1; map every service: -s SSH1=5555,HTTP1=5556/,
    );
    expect(cliWords(SAMPLES['services-mismatch'], 'destination')).toMatch(/-d HTTP1=HOST:PORT/);
    for (const cause of Object.values(SAMPLES)) expect(describeCause(cause)).not.toMatch(FLAG);
  });
});

/** Every product source file under a folder (tests and test support left out). */
function productFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'test-support' || name === 'generated' ? [] : productFiles(path);
    }
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('decisions', () => {
  it('never match the words of our own messages or causes', () => {
    const root = join(import.meta.dirname, '..', '..');
    // A regex or string test applied to a message, reason, lastError or a cause's detail.
    const wordsTest =
      /(\.test|\.exec)\([^)]*\b(message|reason|lastError|detail)\b|\b(message|reason|lastError|detail)\b[\w.?]*\.(startsWith|endsWith|includes|match)\(/;
    // Third-party errors have only words to go by: the AWS SDK's credential providers, and
    // commander, whose usage errors name the option only in their message.
    const allowed = new Set([
      join('src-main', 'aws', 'errors.ts'),
      join('src-main', 'cli', 'proxy-options.ts'),
      join('src-main', 'cli', 'service-options.ts'),
      join('src-main', 'cli', 'cloud-options.ts'),
    ]);
    const offenders = [
      ...productFiles(join(root, 'src-main')),
      ...productFiles(join(root, 'src-renderer', 'src')),
    ]
      .filter((file) => !allowed.has(file.slice(root.length + 1)))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ file: file.slice(root.length + 1), line: i + 1, text: line }))
          .filter(({ text }) => wordsTest.test(text)),
      );
    expect(offenders).toEqual([]);
  });
});
