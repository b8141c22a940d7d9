/**
 * Protocol errors. Each carries a stable `code` (documented here, in one place) and the
 * consequence the protocol prescribes, so that the code that catches it does not have
 * to decide again what it means.
 *
 * Codes:
 * - `text-frame`: a text WebSocket message; the protocol is binary only.
 * - `frame-too-large`: a length prefix beyond the configured frame limit.
 * - `frame-unparseable`: a frame body that is not a valid protobuf `Message`.
 * - `unknown-type`: type unset, UNKNOWN or unknown, without `ignorable`.
 * - `payload-too-large`: a payload over 64,512 bytes.
 * - `websocket-message-too-large`: a WebSocket message over 131,076 bytes.
 * - `forbidden-type`: a type the sender may not send (SERVICE_IDS or SESSION_RESET from a
 *   peer, STREAM_START/CONNECTION_START to a source, STREAM_START from a destination).
 * - `zero-stream-id`: a stream-bound type with stream id 0.
 * - `unknown-service`: a service id not among the tunnel's services.
 * - `unknown-field`: a field outside the schema.
 */
export type ProtocolErrorCode =
  | 'text-frame'
  | 'frame-too-large'
  | 'frame-unparseable'
  | 'unknown-type'
  | 'payload-too-large'
  | 'websocket-message-too-large'
  | 'forbidden-type'
  | 'zero-stream-id'
  | 'unknown-service'
  | 'unknown-field';

/** A violation of the wire protocol by the peer at the other end of a WebSocket. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** Every protocol error closes the WebSocket it came on (the guides prescribe nothing milder). */
  readonly consequence = 'close-websocket' as const;
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
