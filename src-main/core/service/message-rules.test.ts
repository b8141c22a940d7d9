/**
 * checkPeerMessage on decoded messages: each violation the guide lists is a ProtocolError
 * with its own code; everything a well-behaved peer sends passes.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../protocol/errors.js';
import {
  decodeFrameBody,
  encodeMessageBody,
  type OutgoingMessage,
  type TunnelMessage,
} from '../protocol/message.js';
import { MessageType, type ProxyMode } from '../protocol/wire.js';
import { checkPeerMessage } from './message-rules.js';

const services = new Set(['HTTP1', 'SSH1']);

function decoded(message: OutgoingMessage, extra: Uint8Array = new Uint8Array()): TunnelMessage {
  const result = decodeFrameBody(Buffer.concat([encodeMessageBody(message), extra]));
  if (result.kind !== 'message') throw new Error('ignored');
  return result.message;
}

function codeOf(
  message: TunnelMessage,
  mode: ProxyMode,
  tunnelServices = services,
): string | undefined {
  try {
    checkPeerMessage(message, mode, tunnelServices);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).consequence).toBe('close-websocket');
    return (error as ProtocolError).code;
  }
}

describe('checkPeerMessage', () => {
  it.each<[string, ProxyMode, OutgoingMessage]>([
    [
      'STREAM_START from a source',
      'source',
      { type: MessageType.STREAM_START, streamId: 1, serviceId: 'SSH1', connectionId: 1 },
    ],
    [
      'CONNECTION_START from a source',
      'source',
      { type: MessageType.CONNECTION_START, streamId: 1, serviceId: 'SSH1', connectionId: 2 },
    ],
    [
      'DATA either way',
      'destination',
      { type: MessageType.DATA, streamId: 1, serviceId: 'HTTP1', payload: Buffer.from('x') },
    ],
    [
      'STREAM_RESET from a destination',
      'destination',
      { type: MessageType.STREAM_RESET, streamId: 3, serviceId: 'HTTP1' },
    ],
    [
      'CONNECTION_RESET from a destination',
      'destination',
      { type: MessageType.CONNECTION_RESET, streamId: 3, serviceId: 'HTTP1', connectionId: 4 },
    ],
    [
      'a V1 message without a service id',
      'source',
      { type: MessageType.STREAM_START, streamId: 1 },
    ],
    ['a negative stream id', 'source', { type: MessageType.DATA, streamId: -5, serviceId: 'SSH1' }],
  ])('lets %s through', (_name, mode, message) => {
    expect(codeOf(decoded(message), mode)).toBeUndefined();
  });

  it.each<[string, ProxyMode, OutgoingMessage, string]>([
    [
      'SERVICE_IDS',
      'source',
      { type: MessageType.SERVICE_IDS, availableServiceIds: ['SSH1'] },
      'forbidden-type',
    ],
    ['SESSION_RESET', 'destination', { type: MessageType.SESSION_RESET }, 'forbidden-type'],
    [
      'STREAM_START from a destination',
      'destination',
      { type: MessageType.STREAM_START, streamId: 1, serviceId: 'SSH1' },
      'forbidden-type',
    ],
    [
      'DATA with stream id 0',
      'source',
      { type: MessageType.DATA, serviceId: 'SSH1' },
      'zero-stream-id',
    ],
    [
      'STREAM_START with stream id 0',
      'source',
      { type: MessageType.STREAM_START, serviceId: 'SSH1' },
      'zero-stream-id',
    ],
    [
      'STREAM_RESET with stream id 0',
      'destination',
      { type: MessageType.STREAM_RESET },
      'zero-stream-id',
    ],
    [
      'CONNECTION_START with stream id 0',
      'source',
      { type: MessageType.CONNECTION_START, connectionId: 2 },
      'zero-stream-id',
    ],
    [
      'CONNECTION_RESET with stream id 0',
      'source',
      { type: MessageType.CONNECTION_RESET, connectionId: 2 },
      'zero-stream-id',
    ],
    [
      'an unknown service id',
      'source',
      { type: MessageType.DATA, streamId: 1, serviceId: 'FTP1' },
      'unknown-service',
    ],
    [
      'a service id differing in case',
      'destination',
      { type: MessageType.DATA, streamId: 1, serviceId: 'ssh1' },
      'unknown-service',
    ],
  ])('refuses %s', (_name, mode, message, code) => {
    expect(codeOf(decoded(message), mode)).toBe(code);
  });

  it('refuses a field outside the schema, whatever its wire type', () => {
    const data = { type: MessageType.DATA, streamId: 1, serviceId: 'SSH1' };
    // Field 8 as a varint; field 15 as 2 length-delimited bytes.
    expect(codeOf(decoded(data, Buffer.of(0x40, 0x01)), 'source')).toBe('unknown-field');
    expect(codeOf(decoded(data, Buffer.of(0x7a, 0x02, 0x61, 0x62)), 'destination')).toBe(
      'unknown-field',
    );
  });

  it('refuses any service id on a tunnel without services (V1)', () => {
    const message = decoded({ type: MessageType.DATA, streamId: 1, serviceId: 'SSH1' });
    expect(codeOf(message, 'source', new Set())).toBe('unknown-service');
  });

  it('names the sender, the type and the service in its message', () => {
    expect(() =>
      checkPeerMessage(
        decoded({ type: MessageType.DATA, streamId: 1, serviceId: 'FTP1' }),
        'destination',
        services,
      ),
    ).toThrow(
      'a destination sent service id "FTP1", which is not one of the tunnel\'s services (HTTP1, SSH1)',
    );
  });
});
