/**
 * The service away for 8 s, and for 40 s (the case: the reference was back 0.8 s
 * after the service), then back on the same port: with the default backoff (no test
 * override), no wait between attempts passes the retry delay of 2.5 s, so traffic flows
 * again within 3.5 s of the service's return rather than up to 30 s later.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DestinationAgent } from './destination/destination-agent.js';
import { TunnelService } from './service/tunnel-service.js';
import { SourceProxy } from './source/source-proxy.js';
import { DEFAULT_RETRY_DELAY_MS } from './tunnel/backoff.js';
import type { TunnelState } from './tunnel/tunnel-client.js';
import {
  connect,
  echoRoundTrip,
  startEchoServer,
  unusedPort,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import {
  debugLogger,
  plainDestinationConfig,
  plainSourceConfig,
  token,
} from './test-support/tunnel-harness.js';

const BACK_WITHIN_MS = 3_500;

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

function track<T extends Closable>(thing: T): T {
  cleanup.push(thing);
  return thing;
}

describe('the service away for a while', () => {
  it.each([8_000, 40_000])(
    `carries traffic again within ${BACK_WITHIN_MS} ms of the service's return after a %i ms outage`,
    async (OUTAGE_MS) => {
      const echo = track(await startEchoServer());
      const port = await unusedPort();
      const tokens = { source: token('src'), destination: token('dst') };
      const tunnels = [
        {
          id: 'away',
          sourceToken: tokens.source,
          destinationToken: tokens.destination,
          services: ['ECHO1'],
        },
      ];
      const startService = async (): Promise<TunnelService> => {
        const service = new TunnelService({ tls: 'plain', port, tunnels });
        await service.start();
        return service;
      };
      let service = await startService();
      cleanup.push({ close: () => service.close() });

      // The default backoff: nothing in the runtime overrides it.
      const logger = debugLogger();
      const destination = track(
        new DestinationAgent(
          plainDestinationConfig(port, tokens.destination, { ECHO1: echo.port }),
          {
            logger: logger.child('dst'),
          },
        ),
      );
      await destination.start();
      const states: (TunnelState & { seenAt: number })[] = [];
      const source = track(
        new SourceProxy(plainSourceConfig(port, tokens.source, new Map([['ECHO1', 0]])), {
          logger: logger.child('src'),
          events: { onState: (state) => states.push({ ...state, seenAt: Date.now() }) },
        }),
      );
      await source.start();
      const bothConnected = (): boolean =>
        source.snapshot().state.kind === 'connected' &&
        destination.snapshot().state.kind === 'connected';
      await waitFor(bothConnected, 5_000, 'both proxies');
      const localPort = source.listenerInfo[0]!.port;
      const before = await connect(localPort);
      expect((await echoRoundTrip(before, Buffer.from('before'))).toString()).toBe('before');
      before.destroy();

      await service.close();
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      service = await startService();
      const backAt = Date.now();

      await waitFor(bothConnected, 10_000, 'both proxies to reconnect');
      const after = await connect(localPort);
      expect((await echoRoundTrip(after, Buffer.from('after'))).toString()).toBe('after');
      after.destroy();
      const tookMs = Date.now() - backAt;

      const waits = states.flatMap((s) =>
        s.kind === 'reconnecting' ? [s.retryAt - s.seenAt] : [],
      );
      console.log(
        `outage ${OUTAGE_MS} ms: traffic again ${tookMs} ms after the service returned; ` +
          `${waits.length} waits, longest ${Math.max(...waits)} ms`,
      );
      expect(waits.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...waits)).toBeLessThanOrEqual(DEFAULT_RETRY_DELAY_MS + 5);
      expect(tookMs).toBeLessThan(BACK_WITHIN_MS);
    },
    80_000,
  );
});
