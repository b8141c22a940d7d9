/** The device watch says nothing once stopped, even when an answer was already on its way. */
import { describe, expect, it } from 'vitest';
import type { TunnelDetails } from '../aws/tunnels.js';
import { silentLogger } from '../core/log/logger.js';
import { DeviceWatch } from './device-watch.js';

const CLOSED: TunnelDetails = {
  tunnelId: 't-1',
  tunnelArn: 'arn:aws:iot:us-east-1:123456789012:tunnel/t-1',
  status: 'CLOSED',
  description: null,
  createdAt: 1,
  lastUpdatedAt: 2,
  thingName: 'pump-station-07',
  services: ['HTTP1'],
  source: { connected: false, lastUpdatedAt: 2 },
  destination: { connected: false, lastUpdatedAt: 2 },
  maxLifetimeMinutes: 60,
  tags: [],
};

describe('DeviceWatch', () => {
  it('ignores an answer that arrives after stop(): the app quitting must not act on it', async () => {
    let answer!: (details: TunnelDetails) => void;
    let changes = 0;
    const watch = new DeviceWatch({
      intervalMs: 10_000,
      describe: () => new Promise((resolve) => (answer = resolve)),
      onChange: () => changes++,
      log: silentLogger,
    });
    watch.start();
    watch.stop();
    answer(CLOSED);
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toBe(0);
    expect(watch.status).toBe('OPEN');
  });

  it('reports a tunnel found CLOSED while it watches, and stops', async () => {
    let changes = 0;
    const watch = new DeviceWatch({
      intervalMs: 10_000,
      describe: async () => CLOSED,
      onChange: () => changes++,
      log: silentLogger,
    });
    watch.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toBe(1);
    expect(watch.status).toBe('CLOSED');
  });
});
