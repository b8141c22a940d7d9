/**
 * Why a tunnel closed, or why it is reconnecting: a closed set of causes, as data. The
 * cause travels unchanged from the socket to the screen (TunnelState, the IPC contract's
 * SessionState, the app's decisions), and each edge makes its own words from it: the CLI
 * names its flags (cli/close-words.ts), the UI its fields (src-renderer's close-words.ts),
 * and the log the neutral sentence below. Nothing decides anything by reading words back.
 *
 * Every member is plain JSON (no Error objects), so a cause can cross IPC as it is. The
 * contract's `CloseCause` schema mirrors this type; a type test keeps the two equal.
 */
import type { ProtocolErrorCode } from '../protocol/errors.js';

/** What ended a tunnel on this side on purpose. */
export type LocalCloseBy =
  /** The operator closed or disconnected it (the app's button, the library's close()). */
  | 'operator'
  /** The command got SIGINT or SIGTERM. */
  | 'signal'
  /** The app is quitting. */
  | 'app-quit'
  /** The operator closed the tunnel itself (CloseTunnel): nothing is left to connect to. */
  | 'tunnel-closed'
  /** The operator asked for a new source token: this session's token is void. */
  | 'token-replaced';

/** What a TLS failure means for the operator. */
export type TlsProblem =
  /** The certificate chain is not trusted (self-signed, unknown CA, expired). */
  | 'untrusted'
  /** The certificate is valid, but for another host name. */
  | 'wrong-host'
  /** The endpoint does not speak TLS there (a plain ws:// service?). */
  | 'not-tls';

export type CloseCause =
  /** The service answered the upgrade with 401/403: the token is wrong, spent or rotated,
   * for the other side, or for a tunnel in another region. Retrying will not help. */
  | {
      readonly kind: 'token-refused';
      readonly status: number;
      readonly detail: string;
      readonly channelId: string | null;
    }
  /** Any other HTTP answer to the upgrade: 400 malformed, 404 no tunnel service there,
   * 429 throttled, 5xx the service's own failure (only 5xx is retried). */
  | {
      readonly kind: 'handshake-rejected';
      readonly status: number;
      readonly detail: string;
      readonly channelId: string | null;
    }
  /** The endpoint's host name does not resolve; `temporary` for EAI_AGAIN. */
  | { readonly kind: 'dns'; readonly endpoint: string; readonly temporary: boolean }
  /** Nothing accepts connections there. */
  | { readonly kind: 'refused'; readonly endpoint: string }
  /** Connecting, or the handshake, took too long. */
  | {
      readonly kind: 'timeout';
      readonly endpoint: string;
      readonly phase: 'connect' | 'handshake';
    }
  /** No route to the host or its network. */
  | { readonly kind: 'unreachable'; readonly endpoint: string }
  /** The web proxy (HTTPS_PROXY and friends) cannot be reached: `proxy` is its URL without
   * credentials, `code` the system's errno code. The tunnel endpoint was never asked. */
  | { readonly kind: 'proxy-unreachable'; readonly proxy: string; readonly code: string | null }
  /** The connection was reset by the other end or a box in between. */
  | { readonly kind: 'peer-reset'; readonly endpoint: string }
  /** Any other failure of the connection, with the system's code where there is one. */
  | {
      readonly kind: 'network';
      readonly endpoint: string;
      readonly code: string | null;
      readonly detail: string;
    }
  | {
      readonly kind: 'tls';
      readonly endpoint: string;
      readonly problem: TlsProblem;
      readonly code: string;
      readonly detail: string;
    }
  /** The service chose a subprotocol we did not offer. */
  | { readonly kind: 'bad-subprotocol'; readonly chosen: string }
  /** The service broke the wire protocol; we closed the WebSocket. */
  | { readonly kind: 'protocol'; readonly code: ProtocolErrorCode; readonly detail: string }
  /** The service closed the WebSocket. */
  | { readonly kind: 'closed-by-service'; readonly wsCode: number; readonly detail: string }
  /** No pong and no data for two ping periods: the path is dead even if TCP has not noticed. */
  | { readonly kind: 'ping-timeout'; readonly silentSeconds: number }
  /** The operator asked for a reconnect now (the open connection was dropped for it). */
  | { readonly kind: 'reconnect-requested' }
  /** The tunnel's services and this side's mappings do not match: `unmapped` are services
   * the tunnel has and this side cannot serve, `unknown` mappings for services it lacks. */
  | {
      readonly kind: 'services-mismatch';
      readonly tunnelServices: readonly string[];
      readonly unmapped: readonly string[];
      readonly unknown: readonly string[];
    }
  /** Something on this machine failed after the start (a port taken, a mapping file broken). */
  | { readonly kind: 'local-failure'; readonly detail: string }
  /** This side ended the tunnel on purpose. */
  | { readonly kind: 'closed'; readonly by: LocalCloseBy };

export type CloseCauseKind = CloseCause['kind'];

/** A cause for each way a proxy is closed on purpose. */
export function closedBy(by: LocalCloseBy): CloseCause {
  return { kind: 'closed', by };
}

const LOCAL_CLOSE_WORDS: Record<LocalCloseBy, string> = {
  operator: 'closed by the operator',
  signal: 'stopped by a signal',
  'app-quit': 'the app is quitting',
  'tunnel-closed': 'the tunnel was closed',
  'token-replaced': 'the source token was replaced',
};

const TLS_WORDS: Record<TlsProblem, string> = {
  untrusted: 'the certificate is not trusted',
  'wrong-host': 'the certificate is for another host name',
  'not-tls': 'the endpoint does not speak TLS there',
};

/**
 * The cause as one neutral sentence, for log lines and a WebSocket close frame: no flags and
 * no field names, since a log line is read by CLI and app users alike.
 */
export function describeCause(cause: CloseCause): string {
  const said = (detail: string): string => (detail ? ` The service said: "${detail}".` : '');
  const channel = (id: string | null): string => (id ? ` (channel-id ${id})` : '');
  switch (cause.kind) {
    case 'token-refused':
      return (
        `The tunnel service refused the access token (HTTP ${cause.status}).${said(cause.detail)}` +
        channel(cause.channelId)
      );
    case 'handshake-rejected':
      return (
        `The tunnel service answered the handshake with HTTP ${cause.status}.${said(cause.detail)}` +
        channel(cause.channelId)
      );
    case 'dns':
      return cause.temporary
        ? `the host of ${cause.endpoint} cannot be resolved right now (DNS)`
        : `the host of ${cause.endpoint} cannot be resolved`;
    case 'refused':
      return `nothing accepts connections at ${cause.endpoint} (connection refused)`;
    case 'timeout':
      return cause.phase === 'connect'
        ? `connecting to ${cause.endpoint} timed out`
        : `the handshake with ${cause.endpoint} timed out`;
    case 'unreachable':
      return `${cause.endpoint} is unreachable`;
    case 'peer-reset':
      return `the connection to ${cause.endpoint} was reset`;
    case 'proxy-unreachable':
      return `the web proxy ${cause.proxy} cannot be reached${cause.code ? ` (${cause.code})` : ''}`;
    case 'network':
      return `cannot keep a connection to ${cause.endpoint}: ${cause.detail}`;
    case 'tls':
      return `TLS to ${cause.endpoint} failed (${cause.code}): ${TLS_WORDS[cause.problem]}`;
    case 'bad-subprotocol':
      return `the service chose subprotocol "${cause.chosen}", which is not one we offered`;
    case 'protocol':
      return `the service broke the protocol (${cause.code}): ${cause.detail}`;
    case 'closed-by-service':
      return `the service closed the tunnel WebSocket (code ${cause.wsCode}${cause.detail ? `: ${cause.detail}` : ''})`;
    case 'ping-timeout':
      return `no pong or data from the service for ${cause.silentSeconds} s (two ping periods)`;
    case 'reconnect-requested':
      return 'reconnect requested';
    case 'services-mismatch':
      return describeMismatch(cause);
    case 'local-failure':
      return cause.detail;
    case 'closed':
      return LOCAL_CLOSE_WORDS[cause.by];
  }
}

function describeMismatch(cause: Extract<CloseCause, { kind: 'services-mismatch' }>): string {
  const services = cause.tunnelServices.join(', ') || '(none)';
  if (cause.unknown.length > 0) {
    return `the tunnel's services are ${services}, but the mappings name ${cause.unknown.join(', ')}, which it does not have`;
  }
  return `the tunnel's services are ${services}, but nothing here serves ${cause.unmapped.join(', ')}`;
}

/**
 * Whether trying again can change the outcome. Only an answer that cannot change is final:
 * the token refused, a request the service will never take (4xx but 429, throttled), a
 * mismatch of services, a local failure. TLS is retried like the reference does (a clock
 * set late at boot, a certificate being rotated); retry-policy.ts may still give up on it.
 */
export function isRetryable(cause: CloseCause): boolean {
  switch (cause.kind) {
    case 'handshake-rejected':
      return cause.status >= 500 || cause.status === 429;
    case 'dns':
    case 'refused':
    case 'timeout':
    case 'unreachable':
    case 'peer-reset':
    case 'proxy-unreachable':
    case 'network':
    case 'tls':
    case 'bad-subprotocol':
    case 'protocol':
    case 'closed-by-service':
    case 'ping-timeout':
    case 'reconnect-requested':
      return true;
    case 'token-refused':
    case 'services-mismatch':
    case 'local-failure':
    case 'closed':
      return false;
  }
}

/** Thrown where a failure already knows its cause, so the catcher need not guess from words. */
export class CloseCauseError extends Error {
  override readonly name = 'CloseCauseError';
  constructor(readonly closeCause: CloseCause) {
    super(describeCause(closeCause));
  }
}

/**
 * The tunnel's services and this side's mappings do not match (either role, on SERVICE_IDS):
 * `unmapped` are the tunnel's services nothing here serves, `unknown` mapped ones it lacks.
 */
export function servicesMismatch(
  tunnelServices: readonly string[],
  unmapped: readonly string[],
  unknown: readonly string[] = [],
): CloseCauseError {
  return new CloseCauseError({ kind: 'services-mismatch', tunnelServices, unmapped, unknown });
}

/** The cause of a failure caught at a proxy's edge: its own, or a local failure. */
export function causeOf(error: unknown): CloseCause {
  if (error instanceof CloseCauseError) return error.closeCause;
  return { kind: 'local-failure', detail: error instanceof Error ? error.message : String(error) };
}
