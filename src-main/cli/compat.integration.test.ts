/**
 * The compatibility table (test-support/compat-cases.ts) run against our proxy, each
 * outcome compared with the reference localproxy's as recorded in
 * test-support/localproxy-outcomes.json (`npm run bench -- compat --record` with the real
 * binary rewrites it). A case where we differ on purpose says so, and why, in the table.
 */
import { describe, expect, it } from 'vitest';
import { COMPAT_CASES } from './test-support/compat-cases.js';
import { OURS, readRecorded, runCompat, verdict } from './test-support/compat-runner.js';

describe('compatibility with the reference localproxy', () => {
  it('gives every case the recorded outcome of the reference, or the difference it declares', async () => {
    const recorded = readRecorded();
    const ours = await runCompat(OURS);
    const rows = COMPAT_CASES.map((c) => {
      const outcome = ours.get(c.name)!;
      const { kind, note } = verdict(c, outcome, recorded.outcomes[c.name]);
      return `${kind.padEnd(7)} ${c.name}: ${outcome}${note ? ` (${note})` : ''}`;
    });
    console.log(rows.join('\n'));
    expect(rows.filter((row) => row.startsWith('DRIFT'))).toEqual([]);
  }, 120_000);
});
