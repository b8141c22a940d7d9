/**
 * Turns what Node and `ws` report (an errno code, an HTTP status) into a CloseCause. The
 * guide's rule on retrying lives in isRetryable (close-cause.ts), not here.
 */
import type { CloseCause, TlsProblem } from './close-cause.js';

const TLS_PROBLEMS: Record<string, TlsProblem> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  CERT_HAS_EXPIRED: 'untrusted',
  CERT_NOT_YET_VALID: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  CERT_REJECTED: 'untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not-tls',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'not-tls',
  EPROTO: 'not-tls',
};

/** The cause of an HTTP answer to the upgrade: 401 and 403 say the token was refused. */
export function handshakeCause(
  status: number,
  detail: string,
  channelId: string | undefined,
): CloseCause {
  const kind = status === 401 || status === 403 ? 'token-refused' : 'handshake-rejected';
  return { kind, status, detail, channelId: channelId ?? null };
}

/** The cause of a socket or TLS error from `ws`, by its errno code (never by its words). */
export function classifyConnectError(error: NodeJS.ErrnoException, endpoint: string): CloseCause {
  const code = error.code;
  const problem = code === undefined ? undefined : TLS_PROBLEMS[code];
  if (code && problem) return { kind: 'tls', endpoint, problem, code, detail: error.message };
  switch (code) {
    case 'ENOTFOUND':
      return { kind: 'dns', endpoint, temporary: false };
    case 'EAI_AGAIN':
      return { kind: 'dns', endpoint, temporary: true };
    case 'ECONNREFUSED':
      return { kind: 'refused', endpoint };
    case 'ETIMEDOUT':
      return { kind: 'timeout', endpoint, phase: 'connect' };
    case 'ECONNRESET':
      return { kind: 'peer-reset', endpoint };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { kind: 'unreachable', endpoint };
    default:
      return { kind: 'network', endpoint, code: code ?? null, detail: error.message };
  }
}
