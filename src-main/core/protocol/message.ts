/**
 * The protobuf `Message` of proto/Message.proto, through protobufjs static code, and the
 * framing around it. Control frames are encoded here; DATA frames on the hot path use the
 * byte-identical encoder in data-frame.ts.
 */
import protobuf from 'protobufjs/minimal.js';
import { com } from './generated/message.js';
import { ProtocolError } from './errors.js';
import {
  LENGTH_PREFIX_BYTES,
  MAX_FRAME_BODY_BYTES,
  MAX_KNOWN_MESSAGE_TYPE,
  MAX_PAYLOAD_BYTES,
  MessageType,
} from './wire.js';

const ProtoMessage = com.amazonaws.iot.securedtunneling.Message;

/** A decoded tunnel message. Unset proto3 fields read as their defaults (0, '', empty). */
export interface TunnelMessage {
  readonly type: MessageType;
  readonly streamId: number;
  readonly ignorable: boolean;
  readonly payload: Uint8Array;
  readonly serviceId: string;
  readonly availableServiceIds: readonly string[];
  readonly connectionId: number;
  /** Raw fields outside the schema, kept by protobufjs when decoding. */
  readonly $unknowns?: Uint8Array[];
}

/** The fields of a message to send; absent or default-valued fields are not written. */
export interface OutgoingMessage {
  type: MessageType;
  streamId?: number;
  ignorable?: boolean;
  payload?: Uint8Array;
  serviceId?: string;
  availableServiceIds?: string[];
  connectionId?: number;
}

/** Encodes a message body (no length prefix) with protobufjs. */
export function encodeMessageBody(message: OutgoingMessage): Uint8Array {
  // Our MessageType mirrors the generated enum value for value (message.test.ts checks it).
  return ProtoMessage.encode(
    message as unknown as com.amazonaws.iot.securedtunneling.Message.$Properties,
  ).finish();
}

/** Encodes a whole tunnel frame: 2-byte big-endian length, then the message. */
export function encodeFrame(message: OutgoingMessage): Buffer {
  const body = encodeMessageBody(message);
  if (body.length > MAX_FRAME_BODY_BYTES) {
    throw new RangeError(
      `a tunnel frame body is at most ${MAX_FRAME_BODY_BYTES} bytes, got ${body.length}`,
    );
  }
  const frame = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + body.length);
  frame.writeUInt16BE(body.length, 0);
  frame.set(body, LENGTH_PREFIX_BYTES);
  return frame;
}

/** The result of decoding a frame body: a message to handle, or one the protocol lets us skip. */
export type DecodedFrame =
  | { readonly kind: 'message'; readonly message: TunnelMessage }
  | { readonly kind: 'ignored'; readonly type: number };

/**
 * Decodes and checks one frame body. Throws ProtocolError for a body that is not a
 * Message, a type that is unset or unknown without `ignorable`, or an oversize payload.
 */
export function decodeFrameBody(body: Uint8Array): DecodedFrame {
  let message: TunnelMessage;
  try {
    const reader = protobuf.Reader.create(body);
    // Keep fields outside the schema: the service must refuse a peer that sends them.
    reader.discardUnknown = false;
    message = ProtoMessage.decode(reader) as unknown as TunnelMessage;
  } catch (error) {
    throw new ProtocolError(
      'frame-unparseable',
      `a ${body.length}-byte tunnel frame is not a valid Message: ${(error as Error).message}`,
    );
  }
  const type = message.type as number;
  if (type <= MessageType.UNKNOWN || type > MAX_KNOWN_MESSAGE_TYPE) {
    if (message.ignorable) return { kind: 'ignored', type };
    throw new ProtocolError(
      'unknown-type',
      type === 0
        ? 'a tunnel message has no type (UNKNOWN) and is not ignorable'
        : `a tunnel message has unknown type ${type} and is not ignorable`,
    );
  }
  if (message.payload.length > MAX_PAYLOAD_BYTES) {
    throw new ProtocolError(
      'payload-too-large',
      `a ${MessageType[type]} payload of ${message.payload.length} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte limit`,
    );
  }
  return { kind: 'message', message };
}

/** A short description of a message for logs: never the payload. */
export function describeMessage(message: TunnelMessage): string {
  const parts = [MessageType[message.type] ?? `type ${message.type}`];
  if (message.streamId) parts.push(`stream=${message.streamId}`);
  if (message.connectionId) parts.push(`connection=${message.connectionId}`);
  if (message.serviceId) parts.push(`service=${message.serviceId}`);
  if (message.payload.length) parts.push(`${message.payload.length} bytes`);
  if (message.availableServiceIds.length)
    parts.push(`services=${message.availableServiceIds.join(',')}`);
  return parts.join(' ');
}
