/**
 * What a role (source or destination) decides, as the multiplexer asks it. The multiplexer
 * routes DATA, resets and backpressure the same way for both roles; everything that differs
 * between them is one of these calls, made on the control path only (never per DATA frame).
 * SourcePolicy and DestinationPolicy implement it; tests give the multiplexer their own.
 */
import type { TunnelMessage } from '../protocol/message.js';
import type { LocalConnection } from './local-connection.js';
import type { ServiceChannel } from './service-channel.js';

export interface RolePolicy {
  /** SERVICE_IDS: the tunnel's services, as sent (repeats possible). */
  onServiceIds(serviceIds: readonly string[]): void;
  /** STREAM_START from the peer. Throws ProtocolError where the role may not receive it. */
  onStreamStart(message: TunnelMessage): void;
  /** CONNECTION_START from the peer. Throws ProtocolError where the role may not receive it. */
  onConnectionStart(message: TunnelMessage): void;
  /**
   * A local connection of a service's active stream ended by itself while the tunnel is up:
   * tell the peer (CONNECTION_RESET or STREAM_RESET). The multiplexer has already forgotten it.
   */
  onLocalConnectionEnded(connection: LocalConnection, error: Error | undefined): void;
  /** The channel's active stream is about to end (reset by either side, or replaced). */
  onStreamEnding?(channel: ServiceChannel): void;
  /**
   * The peer sent a stream message with no service id: the mark of a V1 peer (the V2 guide:
   * "an empty service ID field ... should be interpreted as a message sent from V1 local
   * proxy"). Called once per tunnel connection, on the first such message.
   */
  onUnnamedPeerMessage?(message: TunnelMessage): void;
}
