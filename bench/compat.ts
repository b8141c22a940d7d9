/**
 * `npm run bench -- compat [--record]`: the compatibility table against our proxy and, when
 * the reference localproxy is found ($LOCALPROXY or PATH), against it too, side by side with
 * any drift from the recorded outcomes shown. `--record` writes the reference's outcomes to
 * src-main/cli/test-support/localproxy-outcomes.json (the table CI compares us with).
 */
import { writeFileSync } from 'node:fs';
import { COMPAT_CASES } from '../src-main/cli/test-support/compat-cases.js';
import {
  OURS,
  RECORDED_FILE,
  readRecorded,
  referenceProgram,
  runCompat,
  verdict,
} from '../src-main/cli/test-support/compat-runner.js';
import { BUILD_HINT, findReference } from './compare.js';

export async function compat(args: string[]): Promise<void> {
  const bin = findReference();
  if (!bin) console.log(BUILD_HINT);
  const recorded = readRecorded().outcomes;
  const ours = await runCompat(OURS);
  const theirs = bin ? await runCompat(referenceProgram(bin)) : undefined;
  const counts = new Map<string, number>();
  console.log(
    `\n${'case'.padEnd(46)} ${'tunneldesk'.padEnd(18)} ${'localproxy'.padEnd(18)} verdict`,
  );
  for (const c of COMPAT_CASES) {
    const reference = theirs?.get(c.name) ?? recorded[c.name];
    const ourOutcome = ours.get(c.name)!;
    const { kind, note } = verdict(c, ourOutcome, reference);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const drift =
      theirs && recorded[c.name] !== theirs.get(c.name)
        ? ` [reference drift: recorded ${recorded[c.name]}, now ${theirs.get(c.name)}]`
        : '';
    console.log(
      `${c.name.padEnd(46)} ${ourOutcome.padEnd(18)} ${String(reference).padEnd(18)} ${kind}${note ? `: ${note}` : ''}${drift}`,
    );
  }
  console.log(
    `\nsummary: ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')} of ${COMPAT_CASES.length} cases`,
  );
  if (args.includes('--record')) {
    if (!theirs) throw new Error('--record needs the reference binary ($LOCALPROXY or PATH)');
    const outcomes = Object.fromEntries(COMPAT_CASES.map((c) => [c.name, theirs.get(c.name)!]));
    writeFileSync(
      RECORDED_FILE,
      JSON.stringify({ reference: 'localproxy v3.3.1', outcomes }, null, 2) + '\n',
    );
    console.log(`recorded the reference's outcomes in ${RECORDED_FILE}`);
  }
}
