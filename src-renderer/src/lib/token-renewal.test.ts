import { describe, expect, it } from 'vitest';
import type { CloseCause, SessionState, SessionView } from '../../../src-main/ipc/contract.js';
import { canGetNewToken } from './token-renewal';

const REFUSED: CloseCause = {
  kind: 'token-refused',
  status: 401,
  detail: 'Invalid access token',
  channelId: null,
};

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

const closed = (cause: CloseCause, fatal = true): SessionState => ({
  kind: 'closed',
  cause,
  fatal,
});

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
    expect(canGetNewToken(session(closed({ kind: 'closed', by: 'operator' }, false)))).toBe(false);
    expect(
      canGetNewToken(
        session(closed({ kind: 'handshake-rejected', status: 500, detail: '', channelId: null })),
      ),
    ).toBe(false);
    expect(canGetNewToken(session(closed(REFUSED, false)))).toBe(false);
    expect(
      canGetNewToken(session({ kind: 'reconnecting', attempt: 2, retryAt: 0, lastCause: REFUSED })),
    ).toBe(false);
  });
});

describe('the decision reads the cause, never its words', () => {
  it('a refusal in other words is still a refusal; words that sound like one are not', () => {
    const reworded: CloseCause = { ...REFUSED, detail: 'nothing about tokens here' };
    expect(canGetNewToken(session(closed(reworded)))).toBe(true);
    const soundsLikeIt: CloseCause = {
      kind: 'local-failure',
      detail: 'The tunnel service refused the access token (HTTP 403)',
    };
    expect(canGetNewToken(session(closed(soundsLikeIt)))).toBe(false);
  });
});
