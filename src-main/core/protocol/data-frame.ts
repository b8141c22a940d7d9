/**
 * A hand-written encoder for DATA frames, the only frames on the hot path. It writes the
 * length prefix and the message straight into a caller's buffer (several frames can share
 * one WebSocket message) with a single copy of the payload.
 *
 * It writes exactly what protobufjs writes for the same fields (proto3: fields in number
 * order, default values left out); data-frame.test.ts proves that for every combination.
 */
import { LENGTH_PREFIX_BYTES, MAX_FRAME_BODY_BYTES, MessageType } from './wire.js';

/** The header fields of a DATA frame. Zero, false and '' are not written, as in proto3. */
export interface DataFrameHeader {
  streamId: number;
  connectionId: number;
  /** Pre-encoded UTF-8 service id (may be empty). Encode once per service, not per frame. */
  serviceId: Buffer;
  ignorable?: boolean;
}

const TAG_TYPE = 0x08; // field 1, varint
const TAG_STREAM_ID = 0x10; // field 2, varint
const TAG_IGNORABLE = 0x18; // field 3, varint
const TAG_PAYLOAD = 0x22; // field 4, length-delimited
const TAG_SERVICE_ID = 0x2a; // field 5, length-delimited
const TAG_CONNECTION_ID = 0x38; // field 7, varint

function varintSize(value: number): number {
  // An int32 below zero is written as a 64-bit two's complement varint: 10 bytes.
  if (value < 0) return 10;
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

function writeVarint(target: Buffer, offset: number, value: number): number {
  if (value < 0) {
    // Sign-extended to 64 bits: the low 32 bits as 5 groups (the last carrying ones), then
    // four 0xff groups and a final 0x01.
    let low = value >>> 0;
    for (let i = 0; i < 4; i++) {
      target[offset++] = (low & 0x7f) | 0x80;
      low >>>= 7;
    }
    target[offset++] = (low & 0x7f) | 0x70 | 0x80;
    target[offset++] = 0xff;
    target[offset++] = 0xff;
    target[offset++] = 0xff;
    target[offset++] = 0xff;
    target[offset++] = 0x01;
    return offset;
  }
  let v = value >>> 0;
  while (v >= 0x80) {
    target[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  target[offset++] = v;
  return offset;
}

/** The size of the message body (without the length prefix) for this header and payload length. */
export function dataFrameBodySize(header: DataFrameHeader, payloadLength: number): number {
  let size = 2; // type = DATA
  if (header.streamId !== 0) size += 1 + varintSize(header.streamId);
  if (header.ignorable) size += 2;
  if (payloadLength > 0) size += 1 + varintSize(payloadLength) + payloadLength;
  if (header.serviceId.length > 0) {
    size += 1 + varintSize(header.serviceId.length) + header.serviceId.length;
  }
  if (header.connectionId !== 0) size += 1 + varintSize(header.connectionId);
  return size;
}

/** The size of a whole DATA frame: length prefix and body. */
export function dataFrameSize(header: DataFrameHeader, payloadLength: number): number {
  return LENGTH_PREFIX_BYTES + dataFrameBodySize(header, payloadLength);
}

/**
 * Writes one DATA frame (length prefix and body) carrying `prefix` then `payload` (one
 * payload field) into `target` at `offset`, and returns the offset after it. The caller
 * sizes `target` with dataFrameSize.
 */
export function writeDataFrame(
  target: Buffer,
  offset: number,
  header: DataFrameHeader,
  payload: Uint8Array,
  prefix?: Uint8Array,
): number {
  const payloadLength = (prefix?.length ?? 0) + payload.length;
  const bodySize = dataFrameBodySize(header, payloadLength);
  if (bodySize > MAX_FRAME_BODY_BYTES) {
    throw new RangeError(
      `a tunnel frame body is at most ${MAX_FRAME_BODY_BYTES} bytes, got ${bodySize}`,
    );
  }
  target[offset++] = bodySize >>> 8;
  target[offset++] = bodySize & 0xff;
  target[offset++] = TAG_TYPE;
  target[offset++] = MessageType.DATA;
  if (header.streamId !== 0) {
    target[offset++] = TAG_STREAM_ID;
    offset = writeVarint(target, offset, header.streamId);
  }
  if (header.ignorable) {
    target[offset++] = TAG_IGNORABLE;
    target[offset++] = 1;
  }
  if (payloadLength > 0) {
    target[offset++] = TAG_PAYLOAD;
    offset = writeVarint(target, offset, payloadLength);
    if (prefix !== undefined) {
      target.set(prefix, offset);
      offset += prefix.length;
    }
    target.set(payload, offset);
    offset += payload.length;
  }
  if (header.serviceId.length > 0) {
    target[offset++] = TAG_SERVICE_ID;
    offset = writeVarint(target, offset, header.serviceId.length);
    header.serviceId.copy(target, offset);
    offset += header.serviceId.length;
  }
  if (header.connectionId !== 0) {
    target[offset++] = TAG_CONNECTION_ID;
    offset = writeVarint(target, offset, header.connectionId);
  }
  return offset;
}

/** Encodes one DATA frame into a new buffer. */
export function encodeDataFrame(header: DataFrameHeader, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(dataFrameSize(header, payload.length));
  writeDataFrame(frame, 0, header, payload);
  return frame;
}
