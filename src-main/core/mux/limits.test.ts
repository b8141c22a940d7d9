/** The limits' defaults and checks: every mistake names its field. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/proxy-config.js';
import { DEFAULT_RESOURCE_LIMITS, resourceLimits, verifyResourceLimits } from './limits.js';

describe('resource limits', () => {
  it('allow 1,000 connections per service by default, and stall less than one ping period', () => {
    expect(DEFAULT_RESOURCE_LIMITS.maxConnectionsPerService).toBe(1_000);
    expect(resourceLimits({}, 5_000).stallTimeoutMs).toBe(5_000);
    // A shorter ping period brings the default stall timeout down with it.
    expect(resourceLimits({}, 400).stallTimeoutMs).toBe(400);
    expect(resourceLimits({ maxConnectionsPerService: undefined }).maxConnectionsPerService).toBe(
      1_000,
    );
  });

  it.each([
    [{ maxConnectionsPerService: 0 }, 'maxConnectionsPerService'],
    [{ maxWriteBufferBytes: 1.5 }, 'maxWriteBufferBytes'],
    [{ maxWriteBufferBytes: 1024, maxConnectionBufferBytes: 512 }, 'maxConnectionBufferBytes'],
    [{ maxWriteBufferBytes: 1024, maxTunnelBufferBytes: 512 }, 'maxTunnelBufferBytes'],
    [{ stallTimeoutMs: 10_000 }, 'stallTimeoutMs'],
  ])('refuses %j, naming the field', (overrides, field) => {
    let error: unknown;
    try {
      resourceLimits(overrides, 5_000);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.startsWith(`${field}: `)).toBe(true);
  });

  it('accepts the defaults', () => {
    expect(() => verifyResourceLimits({ ...DEFAULT_RESOURCE_LIMITS }, 5_000)).not.toThrow();
  });
});
