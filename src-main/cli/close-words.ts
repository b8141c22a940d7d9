/**
 * Why the proxy stopped, in the command line's words: each cause says what happened and
 * which flag to change (-e/-r, -c, -k, -s/-d, --config-dir). The app says the same causes
 * with its own fields; both read the cause, never each other's words.
 */
import type { CloseCause } from '../core/tunnel/close-cause.js';
import { describeCause } from '../core/tunnel/close-cause.js';
import type { ProxyMode } from '../core/protocol/wire.js';

/** One line (or a few sentences) for stderr when the proxy stops for good. */
export function cliWords(cause: CloseCause, mode: ProxyMode): string {
  const said = (detail: string): string => (detail ? ` The service said: "${detail}".` : '');
  const channel = (id: string | null): string => (id ? ` (channel-id ${id})` : '');
  switch (cause.kind) {
    case 'token-refused':
      return (
        `The tunnel service refused the access token (HTTP ${cause.status}).${said(cause.detail)} Likely causes: ` +
        `the token is wrong or for another tunnel; it was already used (a token used without a client token ` +
        `works only once; open a new tunnel or rotate the token); it is the ` +
        `${mode === 'source' ? 'destination' : 'source'} token while this proxy runs in ${mode} mode; or the ` +
        `endpoint is not the region where the tunnel was opened (-e/-r).` +
        channel(cause.channelId)
      );
    case 'handshake-rejected':
      return handshakeWords(cause.status, said(cause.detail)) + channel(cause.channelId);
    case 'dns':
      return cause.temporary
        ? `the host of ${cause.endpoint} cannot be resolved right now (DNS)`
        : `the host of ${cause.endpoint} cannot be resolved (check -e or -r)`;
    case 'tls':
      return `TLS to ${cause.endpoint} failed (${cause.code}: ${cause.detail}): ${TLS_HINTS[cause.problem]}.`;
    case 'services-mismatch':
      return mismatchWords(cause, mode);
    case 'proxy-unreachable':
      return (
        `the web proxy ${cause.proxy} cannot be reached${cause.code ? ` (${cause.code})` : ''}; ` +
        'check HTTPS_PROXY (or https_proxy, ALL_PROXY), or list the endpoint in NO_PROXY'
      );
    default:
      return describeCause(cause);
  }
}

const TLS_HINTS = {
  untrusted:
    'the certificate is not trusted; add its CA with -c DIR (or a PEM file), or for a local test service only, skip verification with -k',
  'wrong-host': 'the certificate is for another host name; check -e',
  'not-tls':
    'the endpoint does not speak TLS there (a plain ws:// service? then give -e ws://HOST:PORT)',
} as const;

function handshakeWords(status: number, said: string): string {
  if (status === 400) {
    return `The tunnel service rejected the handshake as malformed (HTTP 400).${said} Check the endpoint (-e) and the client token (-i).`;
  }
  if (status === 404) {
    return `The endpoint has no tunnel service (HTTP 404).${said} Check -e, or use -r with the tunnel's region.`;
  }
  if (status === 429) return `The tunnel service is throttling connections (HTTP 429).${said}`;
  if (status >= 500) {
    return `The tunnel service had an internal error (HTTP ${status}).${said} Retrying.`;
  }
  return `The tunnel service answered the handshake with HTTP ${status}.${said}`;
}

function mismatchWords(
  cause: Extract<CloseCause, { kind: 'services-mismatch' }>,
  mode: ProxyMode,
): string {
  const services = cause.tunnelServices.join(', ');
  const flag = mode === 'source' ? '-s' : '-d';
  const example = (ids: readonly string[]): string =>
    ids.map((id, i) => (mode === 'source' ? `${id}=${5555 + i}` : `${id}=HOST:PORT`)).join(',');
  if (cause.unknown.length > 0) {
    return `the tunnel's services are ${services}, but the mappings name ${cause.unknown.join(', ')}, which it does not have; map exactly the tunnel's services`;
  }
  if (mode === 'destination') {
    return (
      `no target for ${cause.unmapped.join(', ')}: a destination must know where each service goes. ` +
      `Map it with -d ${example(cause.unmapped)} or in a --config-dir file`
    );
  }
  return `the tunnel's services are ${services}, but the mappings leave out ${cause.unmapped.join(', ')}; map every service: ${flag} ${example(cause.tunnelServices)}`;
}
