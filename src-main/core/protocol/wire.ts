/**
 * The vocabulary of the secure tunneling wire protocol: message types, limits and
 * subprotocol names. Everything here comes from the public protocol guides
 * (V1/V2/V3WebSocketProtocolGuide.md in aws-samples/aws-iot-securetunneling-localproxy).
 */

/** Message types of `com.amazonaws.iot.securedtunneling.Message.Type`. */
export enum MessageType {
  /** Unset. A message of this type is invalid unless `ignorable` is set. */
  UNKNOWN = 0,
  /** Bytes of one TCP connection, in order. */
  DATA = 1,
  /** Source to destination: open a new stream for a service (its first connection). Like a TCP SYN. */
  STREAM_START = 2,
  /** Either way: the stream (every connection of its service) has ended. */
  STREAM_RESET = 3,
  /** From the service only: every stream is gone. */
  SESSION_RESET = 4,
  /** From the service only, first message to V2/V3 peers: the services named at OpenTunnel. */
  SERVICE_IDS = 5,
  /** V3, source to destination: one more TCP connection on the active stream. */
  CONNECTION_START = 6,
  /** V3, either way: one TCP connection has ended. Like a TCP RST. */
  CONNECTION_RESET = 7,
}

/** The highest message type this implementation knows; higher ones are skipped only when `ignorable`. */
export const MAX_KNOWN_MESSAGE_TYPE = MessageType.CONNECTION_RESET;

/** Size of the big-endian length prefix before every tunnel frame. */
export const LENGTH_PREFIX_BYTES = 2;

/** A tunnel frame body (one protobuf Message) is at most this long: the prefix is 16 bits. */
export const MAX_FRAME_BODY_BYTES = 0xffff;

/** A message payload carries at most 63 KiB. */
export const MAX_PAYLOAD_BYTES = 64_512;

/** No WebSocket message to or from the service may carry more than this. */
export const MAX_WEBSOCKET_MESSAGE_BYTES = 131_076;

/** Protocol versions, as the `-y/--destination-client-type` flag names them. */
export type ProtocolVersion = 'V1' | 'V2' | 'V3';

/** The WebSocket subprotocol each version offers in `Sec-WebSocket-Protocol`. */
export const SUBPROTOCOLS: Readonly<Record<ProtocolVersion, string>> = {
  V1: 'aws.iot.securetunneling-1.0',
  V2: 'aws.iot.securetunneling-2.0',
  V3: 'aws.iot.securetunneling-3.0',
};

/** The version a subprotocol name stands for, or undefined when it is not ours. */
export function versionOfSubprotocol(name: string | undefined): ProtocolVersion | undefined {
  for (const [version, subprotocol] of Object.entries(SUBPROTOCOLS)) {
    if (subprotocol === name) return version as ProtocolVersion;
  }
  return undefined;
}

/** Handshake vocabulary. */
export const TUNNEL_PATH = '/tunnel';
export const MODE_QUERY_PARAM = 'local-proxy-mode';
export const ACCESS_TOKEN_HEADER = 'access-token';
export const ACCESS_TOKEN_COOKIE = 'awsiot-tunnel-token';
export const CLIENT_TOKEN_HEADER = 'client-token';
export const CHANNEL_ID_HEADER = 'channel-id';
/** A client token is 32 to 128 letters, digits and dashes. */
export const CLIENT_TOKEN_PATTERN = /^[a-zA-Z0-9-]{32,128}$/;

/** Which end of the tunnel a local proxy is. */
export type ProxyMode = 'source' | 'destination';

/** Message types only the service may send; a peer that sends one is closed. */
export function isServiceOnlyType(type: number): boolean {
  return type === MessageType.SERVICE_IDS || type === MessageType.SESSION_RESET;
}

/** Message types that belong to a stream and so need a non-zero stream id. */
export function isStreamBoundType(type: number): boolean {
  return (
    type === MessageType.DATA ||
    type === MessageType.STREAM_START ||
    type === MessageType.STREAM_RESET ||
    type === MessageType.CONNECTION_START ||
    type === MessageType.CONNECTION_RESET
  );
}
