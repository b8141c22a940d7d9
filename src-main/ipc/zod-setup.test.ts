import { config } from 'zod';
import { describe, expect, it } from 'vitest';
import { requests } from './contract.js';

describe('zod-setup', () => {
  it("leaves Node zod's generated parsers (no CSP there); a page is told jitless (e2e screens)", () => {
    expect('document' in globalThis).toBe(false);
    expect(config().jitless).not.toBe(true);
    // And the contract parses as before.
    expect(requests.closeSession.input.parse({ sessionId: 's1' })).toEqual({ sessionId: 's1' });
  });
});
