/**
 * What the tunnel service accepts from a peer. The guide lists the violations that make the
 * service close a peer's WebSocket; each is a ProtocolError with its own code, so the close
 * reason the peer sees names exactly what it did wrong.
 */
import { ProtocolError } from '../protocol/errors.js';
import type { TunnelMessage } from '../protocol/message.js';
import {
  isServiceOnlyType,
  isStreamBoundType,
  MessageType,
  type ProxyMode,
} from '../protocol/wire.js';

/**
 * Checks one decoded message from a peer in `mode` against the tunnel's `services`.
 * Throws a ProtocolError (consequence: close the sender's WebSocket) for:
 * SERVICE_IDS or SESSION_RESET (only the service sends those), STREAM_START from a
 * destination, a stream-bound type with stream id 0, a field outside the schema, and a
 * service id the tunnel was not opened with.
 */
export function checkPeerMessage(
  message: TunnelMessage,
  mode: ProxyMode,
  services: ReadonlySet<string>,
): void {
  const type = message.type;
  if (isServiceOnlyType(type)) {
    throw new ProtocolError(
      'forbidden-type',
      `a ${mode} sent ${MessageType[type]}, which only the service may send`,
    );
  }
  if (mode === 'destination' && type === MessageType.STREAM_START) {
    throw new ProtocolError(
      'forbidden-type',
      'a destination sent STREAM_START; only the source starts streams',
    );
  }
  if (isStreamBoundType(type) && message.streamId === 0) {
    throw new ProtocolError(
      'zero-stream-id',
      `a ${mode} sent ${MessageType[type]} with stream id 0; stream ids start at 1`,
    );
  }
  if (message.$unknowns && message.$unknowns.length > 0) {
    throw new ProtocolError(
      'unknown-field',
      `a ${mode} sent ${MessageType[type] ?? `type ${type}`} with a field outside the Message schema`,
    );
  }
  if (message.serviceId !== '' && !services.has(message.serviceId)) {
    throw new ProtocolError(
      'unknown-service',
      `a ${mode} sent service id "${message.serviceId.slice(0, 64)}", which is not one of the tunnel's services (${[...services].join(', ')})`,
    );
  }
}
