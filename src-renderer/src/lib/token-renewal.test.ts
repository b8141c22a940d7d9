import { describe, expect, it } from 'vitest';
import type { SessionState, SessionView } from '../../../src-main/ipc/contract.js';
import { canGetNewToken } from './token-renewal';

const REFUSED =
  'The tunnel service refused the access token (HTTP 401). Likely causes: the token is wrong';

function session(state: SessionState, change: Partial<SessionView> = {}): SessionView {
  return {
    id: 's1',
    kind: 'aws',
    name: 'pump-7',
    endpoint: 'wss://data.tunneling.iot.eu-west-1.amazonaws.com:443',
    createdAt: 0,
    state,
    latencyMs: null,
    reconnects: 0,
    peerServices: [],
    listeners: [],
    peerVersion: 'V3',
    tunnel: {
      source: { kind: 'aws', region: 'eu-west-1' },
      tunnelId: 't-1',
      tunnelArn: 'arn:aws:iot:eu-west-1:1:tunnel/t-1',
      thingName: 'pump-7',
      status: 'OPEN',
      expiresAt: null,
    },
    ...change,
  };
}

const closed = (reason: string, fatal = true): SessionState => ({ kind: 'closed', reason, fatal });

describe('when "Get a new token" is offered', () => {
  it('for a tunnel the app opened whose token the service refused', () => {
    expect(canGetNewToken(session(closed(REFUSED)))).toBe(true);
    expect(canGetNewToken(session(closed(REFUSED), { kind: 'sandbox' }))).toBe(true);
  });

  it('not for a token given by hand, a closed tunnel, or another reason', () => {
    expect(canGetNewToken(session(closed(REFUSED), { kind: 'token', tunnel: null }))).toBe(false);
    const tunnel = session(closed(REFUSED)).tunnel!;
    expect(
      canGetNewToken(session(closed(REFUSED), { tunnel: { ...tunnel, status: 'CLOSED' } })),
    ).toBe(false);
    expect(canGetNewToken(session(closed('closed by the operator', false)))).toBe(false);
    expect(
      canGetNewToken(session(closed('The tunnel service had an internal error (HTTP 500).'))),
    ).toBe(false);
    expect(canGetNewToken(session(closed(REFUSED, false)))).toBe(false);
    expect(
      canGetNewToken(session({ kind: 'reconnecting', attempt: 2, retryAt: 0, lastError: REFUSED })),
    ).toBe(false);
  });
});
