import { describe, expect, it } from 'vitest';
import type { CloseCause } from './close-cause.js';
import { causeKey, DEFAULT_RETRY_POLICY, stopReason } from './retry-policy.js';

const dns: CloseCause = { kind: 'dns', endpoint: 'h:443', temporary: false };
const tls: CloseCause = {
  kind: 'tls',
  endpoint: 'h:443',
  problem: 'untrusted',
  code: 'CERT_HAS_EXPIRED',
  detail: 'certificate has expired',
};
const refused: CloseCause = { kind: 'refused', endpoint: 'h:443' };

describe('the retry policy', () => {
  it("retries everything that can pass, forever, by default (the reference's -1)", () => {
    for (const cause of [dns, tls, refused, { kind: 'ping-timeout', silentSeconds: 10 } as const])
      expect(stopReason(cause, DEFAULT_RETRY_POLICY, 1_000_000, false)).toBeUndefined();
    const throttled: CloseCause = {
      kind: 'handshake-rejected',
      status: 429,
      detail: '',
      channelId: null,
    };
    expect(stopReason(throttled, DEFAULT_RETRY_POLICY, 1, true)).toBeUndefined();
  });

  it('stops on an answer that cannot change', () => {
    const token: CloseCause = { kind: 'token-refused', status: 403, detail: '', channelId: null };
    const bad: CloseCause = {
      kind: 'handshake-rejected',
      status: 400,
      detail: '',
      channelId: null,
    };
    expect(stopReason(token, DEFAULT_RETRY_POLICY, 1, false)).toBe('permanent');
    expect(stopReason(bad, DEFAULT_RETRY_POLICY, 1, false)).toBe('permanent');
  });

  it('gives up on likely mistakes only when told to, and a DNS failure only before a connection', () => {
    const app = { ...DEFAULT_RETRY_POLICY, giveUpOn: 'likely-mistake' as const };
    expect(stopReason(tls, app, 1, true)).toBe('likely-mistake');
    expect(stopReason(dns, app, 1, false)).toBe('likely-mistake');
    expect(stopReason(dns, app, 1, true)).toBeUndefined();
  });

  it('bounds the failed attempts in a row by connect_retry_count', () => {
    const bounded = { ...DEFAULT_RETRY_POLICY, connectRetryCount: 2 };
    expect(stopReason(refused, bounded, 3, false)).toBe('retries-spent');
    expect(stopReason(refused, bounded, 2, false)).toBeUndefined();
  });

  it('ends on a protocol error when reconnect_on_data_error is false', () => {
    const cause: CloseCause = { kind: 'protocol', code: 'frame-unparseable', detail: '' };
    expect(
      stopReason(cause, { ...DEFAULT_RETRY_POLICY, reconnectOnDataError: false }, 0, true),
    ).toBe('data-error');
  });

  it('keys causes so that a lasting failure is said once, and a new one again', () => {
    expect(causeKey(dns)).toBe(causeKey({ ...dns }));
    expect(causeKey(dns)).not.toBe(causeKey(refused));
    expect(causeKey(tls)).not.toBe(causeKey({ ...tls, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }));
  });
});
