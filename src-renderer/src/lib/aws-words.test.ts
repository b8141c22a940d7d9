import { describe, expect, it } from 'vitest';
import type { AppErrorCode } from '../../../src-main/ipc/contract.js';
import { awsErrorWords } from './aws-words';

const AWS_CODES: readonly AppErrorCode[] = [
  'no-credentials',
  'sso-expired',
  'credentials-rejected',
  'access-denied',
  'throttled',
  'tunnel-limit',
  'not-found',
  'invalid-request',
  'network',
  'aws-failed',
];

/** A flag of ours or of a CLI: "-k", "(-b)", "-e/-r", "-c DIR", "--capath". */
const CLI_FLAG = /(^|[\s(/])--?[a-z][a-z-]*\b/;

describe("an AWS failure in the UI's words", () => {
  it.each(AWS_CODES)('%s: one sentence first, main’s message as details', (code) => {
    const message = 'AWS said: something (profile "ops", eu-west-1). Check it.';
    const words = awsErrorWords({ code, message, field: null, action: 'iot:OpenTunnel' });
    expect(words.summary).toMatch(/^[A-Z].*\.$/);
    // One sentence: no full stop before its end.
    expect(words.summary.slice(0, -1)).not.toMatch(/\.\s/);
    expect(words.summary).not.toMatch(CLI_FLAG);
    expect(words.details).toBe(message);
  });

  it('names the controls to turn, not flags', () => {
    const network = awsErrorWords({ code: 'network', message: 'x', field: null });
    expect(network.summary).toContain('Region');
    const none = awsErrorWords({ code: 'no-credentials', message: 'x', field: null });
    expect(none.summary).toContain('Source');
  });

  it('keeps the app’s own one-sentence refusals as they are, without details', () => {
    expect(awsErrorWords({ code: 'invalid-input', message: 'give a name', field: null })).toEqual({
      summary: 'give a name',
      details: null,
    });
  });
});
