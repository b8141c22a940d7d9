/**
 * Each error appears once in the app's log, not once per scope: a tunnel that fails for
 * good is logged by the client that saw it, and the proxy around it does not say it again.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../core/test-support/local-servers.js';
import { LogLevel } from '../core/log/logger.js';
import { testApp } from './test-support/test-environment.js';

describe('the log says an error once', () => {
  it('a tunnel whose endpoint does not resolve: one error line', async () => {
    const { app } = testApp();
    try {
      await app.connectWithToken({
        name: 'typo',
        accessToken: 'not-a-real-token-0123456789',
        target: { kind: 'endpoint', endpoint: 'no-such-host.invalid:443' },
        services: [{ serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' }],
        peerVersion: 'V3',
        verifyTls: true,
      });
      await waitFor(() => app.listSessions()[0]!.state.kind === 'closed', 10_000, 'the failure');
      const errors = app.getLogs().filter((entry) => entry.level <= LogLevel.Error);
      expect(errors.map((entry) => entry.message)).toEqual([
        'the host of no-such-host.invalid:443 cannot be resolved',
      ]);
    } finally {
      await app.shutdown();
    }
  });
});
