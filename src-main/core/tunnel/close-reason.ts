/**
 * Why a tunnel WebSocket ended, and whether trying again can help. The guide's rule: a 4xx
 * answer to the handshake will not change by retrying; a 5xx or a network failure may.
 */
import type { ProtocolError } from '../protocol/errors.js';

export type CloseReason =
  /** The service answered the upgrade with an HTTP error. */
  | {
      kind: 'handshake-rejected';
      status: number;
      channelId?: string;
      detail: string;
      retryable: boolean;
      message: string;
    }
  /** The endpoint could not be reached, or the connection dropped. */
  | { kind: 'network'; code?: string; message: string; retryable: boolean }
  /** TLS failed: an untrusted or mismatched certificate will not fix itself. */
  | { kind: 'tls'; code?: string; message: string; retryable: false }
  /** The service sent what the protocol does not allow; we closed the WebSocket. */
  | { kind: 'protocol'; error: ProtocolError; message: string; retryable: true }
  /** The service closed the WebSocket. */
  | { kind: 'closed-by-service'; code: number; message: string; retryable: true }
  /** No pong and no data for two ping periods: the path is dead even if TCP has not noticed. */
  | { kind: 'ping-timeout'; message: string; retryable: true }
  /** We closed it (shutdown, or a reconnect on purpose). */
  | { kind: 'closed-locally'; message: string; retryable: false };

const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'EPROTO',
]);

/** Names the likely cause of a handshake rejection for the operator. */
export function explainHandshakeStatus(status: number, mode: string, detail: string): string {
  const said = detail ? ` The service said: "${detail}".` : '';
  if (status === 401 || status === 403) {
    return (
      `The tunnel service refused the access token (HTTP ${status}).${said} Likely causes: the token is wrong or ` +
      `for another tunnel; it was already used (a token used without a client token works only once; open a new ` +
      `tunnel or rotate the token); it is the ${mode === 'source' ? 'destination' : 'source'} token while this proxy ` +
      `runs in ${mode} mode; or the endpoint is not the region where the tunnel was opened.`
    );
  }
  if (status === 400) {
    return `The tunnel service rejected the handshake as malformed (HTTP 400).${said} Check the endpoint (-e) and the client token (-i).`;
  }
  if (status === 404) {
    return `The endpoint has no tunnel service (HTTP 404).${said} Check -e, or use -r with the tunnel's region.`;
  }
  if (status === 429) {
    return `The tunnel service is throttling connections (HTTP 429).${said}`;
  }
  if (status >= 500) {
    return `The tunnel service had an internal error (HTTP ${status}).${said} Retrying.`;
  }
  return `The tunnel service answered the handshake with HTTP ${status}.${said}`;
}

/** Classifies a socket or TLS error from `ws` into a close reason with an actionable message. */
export function classifyConnectError(error: NodeJS.ErrnoException, where: string): CloseReason {
  const code = error.code;
  if (code && TLS_ERROR_CODES.has(code)) {
    const hint =
      code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
      code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
      code === 'EPROTO'
        ? 'the endpoint does not speak TLS there (a plain ws:// service? then give -e ws://HOST:PORT)'
        : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'the certificate is for another host name; check -e'
          : 'the certificate is not trusted; add its CA with -c DIR, or for a local test service only, skip verification with -k';
    return {
      kind: 'tls',
      code,
      message: `TLS to ${where} failed (${code}: ${error.message}): ${hint}.`,
      retryable: false,
    };
  }
  const text: Record<string, string> = {
    ECONNREFUSED: `nothing accepts connections at ${where} (connection refused)`,
    ENOTFOUND: `the host of ${where} cannot be resolved (check -e or -r)`,
    EAI_AGAIN: `the host of ${where} cannot be resolved right now (DNS)`,
    ETIMEDOUT: `connecting to ${where} timed out`,
    ECONNRESET: `the connection to ${where} was reset`,
    EHOSTUNREACH: `${where} is unreachable`,
    ENETUNREACH: `the network of ${where} is unreachable`,
  };
  return {
    kind: 'network',
    code,
    message: code && text[code] ? `${text[code]}` : `cannot connect to ${where}: ${error.message}`,
    retryable: true,
  };
}
