import { describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeMessageBody } from './message.js';
import { ProtocolError } from './errors.js';
import { MessageType } from './wire.js';

function codeOf(body: Uint8Array): string | undefined {
  try {
    decodeFrameBody(body);
    return undefined;
  } catch (error) {
    return (error as ProtocolError).code;
  }
}

describe('decodeFrameBody', () => {
  it('decodes SERVICE_IDS', () => {
    const decoded = decodeFrameBody(
      encodeMessageBody({ type: MessageType.SERVICE_IDS, availableServiceIds: ['HTTP1', 'SSH1'] }),
    );
    expect(decoded.kind === 'message' && decoded.message.availableServiceIds).toEqual([
      'HTTP1',
      'SSH1',
    ]);
  });

  it('rejects an empty body: type unset and not ignorable', () => {
    expect(codeOf(new Uint8Array(0))).toBe('unknown-type');
  });

  it('rejects an unknown type without ignorable, and skips it with ignorable', () => {
    expect(codeOf(encodeMessageBody({ type: 42 as MessageType }))).toBe('unknown-type');
    expect(
      decodeFrameBody(encodeMessageBody({ type: 42 as MessageType, ignorable: true })),
    ).toEqual({
      kind: 'ignored',
      type: 42,
    });
    expect(
      decodeFrameBody(encodeMessageBody({ type: MessageType.UNKNOWN, ignorable: true })).kind,
    ).toBe('ignored');
  });

  it('rejects bytes that are not a Message', () => {
    // field 4 (payload) announcing 100 bytes with 1 present
    expect(codeOf(Buffer.from('0801' + '2264' + 'aa', 'hex'))).toBe('frame-unparseable');
    // a wire type 7 does not exist
    expect(codeOf(Buffer.from('0f', 'hex'))).toBe('frame-unparseable');
  });

  it('rejects a payload over 64,512 bytes', () => {
    const body = encodeMessageBody({
      type: MessageType.DATA,
      streamId: 1,
      payload: Buffer.alloc(64_513),
    });
    expect(codeOf(body)).toBe('payload-too-large');
  });

  it('keeps fields outside the schema so that the service can refuse them', () => {
    const body = Buffer.concat([
      encodeMessageBody({ type: MessageType.DATA, streamId: 1 }),
      Buffer.from('4001', 'hex'),
    ]);
    const decoded = decodeFrameBody(body);
    expect(decoded.kind === 'message' && decoded.message.$unknowns?.length).toBe(1);
  });
});

describe('MessageType', () => {
  it('mirrors the generated enum of proto/Message.proto value for value', async () => {
    const { com } = await import('./generated/message.js');
    const generated = com.amazonaws.iot.securedtunneling.Message.Type as unknown as Record<
      string,
      number
    >;
    for (const name of [
      'UNKNOWN',
      'DATA',
      'STREAM_START',
      'STREAM_RESET',
      'SESSION_RESET',
      'SERVICE_IDS',
      'CONNECTION_START',
      'CONNECTION_RESET',
    ]) {
      expect(MessageType[name as keyof typeof MessageType], name).toBe(generated[name]);
    }
  });
});
