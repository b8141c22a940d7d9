import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './proxy-config.js';
import {
  DEFAULT_TUNING,
  defaultSettingsJson,
  parseReferenceSettings,
} from './reference-settings.js';

const REFERENCE_EXPORT = readFileSync(
  new URL('./test-support/localproxy-3.3.1-default-settings.json', import.meta.url),
  'utf8',
);

function settings(proxy: Record<string, unknown>): string {
  return JSON.stringify({ tunneling: { proxy } });
}

function problem(text: string): string {
  try {
    parseReferenceSettings(text, 's.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('the reference settings file', () => {
  it("reads the file the reference localproxy 3.3.1 exports, values as boost's strings", () => {
    const read = parseReferenceSettings(REFERENCE_EXPORT, 'ref.json');
    expect(read.tuning).toEqual({
      retryDelayMs: 2_500,
      connectRetryCount: 'forever',
      reconnectOnDataError: true,
      pingPeriodMs: 20_000,
      listenRetry: { count: 5, delayMs: 2_500 },
    });
    expect(read.defaultBindAddress).toBe('localhost');
    expect(read.maxActiveConnections).toBe(128);
    expect(read.peerVersion).toBe('V3');
    expect(read.regionEndpoints.get('cn-north-1')).toBe(
      'data.tunneling.iot.cn-north-1.amazonaws.com.cn',
    );
  });

  it('exports our defaults in the same shape, and reads them back', () => {
    const ours = defaultSettingsJson({ bindAddress: '127.0.0.1', maxConnectionsPerService: 1000 });
    const shape = (text: string): unknown =>
      JSON.parse(text, (_key, value: unknown) =>
        typeof value === 'string' ? 'value' : value,
      ) as unknown;
    expect(shape(ours)).toEqual(shape(REFERENCE_EXPORT));
    expect(parseReferenceSettings(ours, 'ours.json').tuning).toEqual(DEFAULT_TUNING);
  });

  it('takes JSON numbers and booleans as well as strings', () => {
    const read = parseReferenceSettings(
      settings({
        websocket: { retry_delay_ms: 100, connect_retry_count: 3, reconnect_on_data_error: false },
      }),
      's.json',
    );
    expect(read.tuning).toEqual({
      retryDelayMs: 100,
      connectRetryCount: 3,
      reconnectOnDataError: false,
    });
  });

  it('names an unknown key with its path', () => {
    expect(problem(settings({ websocket: { retry_delay: '5' } }))).toContain(
      'unknown key tunneling.proxy.websocket.retry_delay',
    );
    expect(problem(JSON.stringify({ tunnelling: {} }))).toContain('unknown key tunnelling');
  });

  it('names a value of the wrong type with its key', () => {
    expect(problem(settings({ tcp: { connection_retry_count: 'five' } }))).toContain(
      'tunneling.proxy.tcp.connection_retry_count',
    );
    expect(problem(settings({ websocket: { reconnect_on_data_error: 'maybe' } }))).toContain(
      'tunneling.proxy.websocket.reconnect_on_data_error',
    );
  });

  it('refuses a size that has no meaning here, saying why, but takes its reference value', () => {
    expect(problem(settings({ message: { max_payload_size: '1024' } }))).toMatch(
      /tunneling\.proxy\.message\.max_payload_size: 1024 has no meaning here \(the protocol guide fixes/,
    );
    expect(() =>
      parseReferenceSettings(settings({ tcp: { read_buffer_size: '131076' } }), 's.json'),
    ).not.toThrow();
  });

  it('refuses an unknown subprotocol and a negative listen retry count', () => {
    expect(
      problem(settings({ websocket: { subprotocol: 'aws.iot.securetunneling-9.0' } })),
    ).toContain('is not a subprotocol');
    expect(problem(settings({ tcp: { connection_retry_count: '-1' } }))).toContain(
      'tunneling.proxy.tcp.connection_retry_count: -1 is out of range',
    );
  });

  it('says where broken JSON is', () => {
    expect(problem('{ "tunneling": ')).toContain('not JSON');
  });
});
