import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionState, SessionView } from '../../../../src-main/ipc/contract.js';
import { useSessionsStore } from '../../stores/sessions-store';
import { resetStores } from '../../test-support/harness';
import { Announcer } from './Announcer';

const session = (state: SessionState): SessionView => ({
  id: 's1',
  kind: 'sandbox',
  name: 'pi-17',
  endpoint: 'wss://127.0.0.1:1',
  createdAt: 0,
  state,
  latencyMs: null,
  reconnects: 0,
  peerServices: [],
  listeners: [],
  peerVersion: 'V3',
});

beforeEach(resetStores);
afterEach(cleanup);

describe('the announcer', () => {
  it('says when a tunnel changes state, but not what was already so', () => {
    useSessionsStore.getState().replace([session({ kind: 'connecting', attempt: 1 })]);
    render(<Announcer />);
    const region = screen.getByRole('status');
    expect(region.textContent).toBe('');

    act(() =>
      useSessionsStore.getState().replace([
        session({
          kind: 'reconnecting',
          attempt: 2,
          retryAt: 5_000,
          lastCause: { kind: 'refused', endpoint: '127.0.0.1:9' },
        }),
      ]),
    );
    expect(region.textContent).toBe(
      'Tunnel pi-17 lost its connection: Nothing accepts connections at 127.0.0.1:9. Reconnecting.',
    );

    act(() =>
      useSessionsStore.getState().replace([
        session({
          kind: 'reconnecting',
          attempt: 3,
          retryAt: 9_000,
          lastCause: { kind: 'ping-timeout', silentSeconds: 11 },
        }),
      ]),
    );
    // Another attempt of the same state is no news.
    expect(region.textContent).toBe(
      'Tunnel pi-17 lost its connection: Nothing accepts connections at 127.0.0.1:9. Reconnecting.',
    );

    act(() =>
      useSessionsStore
        .getState()
        .replace([
          session({ kind: 'closed', cause: { kind: 'closed', by: 'operator' }, fatal: false }),
        ]),
    );
    expect(region.textContent).toBe('Tunnel pi-17 is closed: Disconnected by you.');
  });
});
