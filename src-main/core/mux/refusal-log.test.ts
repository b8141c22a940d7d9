/** A flood of refusals makes a line a second, not a line a refusal. */
import { describe, expect, it } from 'vitest';
import { createLogger, LogLevel } from '../log/logger.js';
import { RefusalLog } from './refusal-log.js';

describe('RefusalLog', () => {
  it('says the first at once, then one line per interval with the count left unsaid', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new RefusalLog(
      createLogger({ level: LogLevel.Warn, sink: (r) => lines.push(r.message) }),
      1_000,
      () => now,
    );
    for (let i = 0; i < 500; i++) {
      log.refused(`refused ${i}`);
      now += 5; // 200 a second
    }
    expect(lines).toEqual([
      'refused 0',
      'refused 200 (199 more refused before)',
      'refused 400 (199 more refused before)',
    ]);
  });
});
