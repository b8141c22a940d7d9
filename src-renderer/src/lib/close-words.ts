/**
 * Why a tunnel closed or is reconnecting, in the UI's words: each cause names what happened
 * and the field or switch to change (Region, Endpoint, Verify TLS, the CA file), never a
 * command-line flag. Decisions read the cause's kind (see token-renewal.ts), not these words.
 */
import type { CloseCause } from '../../../src-main/ipc/contract.js';

const LOCAL_CLOSE: Record<Extract<CloseCause, { kind: 'closed' }>['by'], string> = {
  operator: 'Disconnected by you',
  signal: 'Stopped by a signal',
  'app-quit': 'The app quit',
  'tunnel-closed': 'The tunnel was closed',
  'token-replaced': 'A new source token replaced this one',
};

/** One sentence: what happened, and what to change where something can be changed. */
export function closeSummary(cause: CloseCause): string {
  switch (cause.kind) {
    case 'token-refused':
      return `The tunnel service refused the access token (HTTP ${cause.status}): it may be spent, rotated, for the other side, or for another region.`;
    case 'handshake-rejected':
      return handshakeSummary(cause.status);
    case 'dns':
      return cause.temporary
        ? `${cause.endpoint} cannot be resolved right now (DNS).`
        : `${cause.endpoint} cannot be resolved: check Region or Endpoint.`;
    case 'refused':
      return `Nothing accepts connections at ${cause.endpoint}.`;
    case 'timeout':
      return cause.phase === 'connect'
        ? `Connecting to ${cause.endpoint} timed out.`
        : `The handshake with ${cause.endpoint} timed out.`;
    case 'unreachable':
      return `${cause.endpoint} is unreachable from this machine.`;
    case 'peer-reset':
      return `The connection to ${cause.endpoint} was reset.`;
    case 'proxy-unreachable':
      return `The web proxy ${cause.proxy} cannot be reached${cause.code ? ` (${cause.code})` : ''}: check the proxy setting (HTTPS_PROXY) of this machine.`;
    case 'network':
      return `The connection to ${cause.endpoint} failed${cause.code ? ` (${cause.code})` : ''}.`;
    case 'tls':
      return tlsSummary(cause.problem);
    case 'bad-subprotocol':
      return `The service chose protocol "${cause.chosen}", which TunnelDesk did not offer.`;
    case 'protocol':
      return `The service broke the tunneling protocol (${cause.code}).`;
    case 'closed-by-service':
      return `The service closed the connection (code ${cause.wsCode}).`;
    case 'ping-timeout':
      return `No answer from the service for ${cause.silentSeconds} s.`;
    case 'reconnect-requested':
      return 'Reconnecting as you asked.';
    case 'services-mismatch':
      return cause.unknown.length > 0
        ? `The tunnel has no service ${cause.unknown.join(', ')}: its services are ${cause.tunnelServices.join(', ')}.`
        : `Map every service of the tunnel: ${cause.unmapped.join(', ')} has no mapping.`;
    case 'local-failure':
      return `Something failed on this machine: ${cause.detail.replace(/\.$/, '')}.`;
    case 'closed':
      return `${LOCAL_CLOSE[cause.by]}.`;
  }
}

/** The service's own words and identifiers, for a "Details" disclosure; null when none. */
export function closeDetails(cause: CloseCause): string | null {
  switch (cause.kind) {
    case 'token-refused':
    case 'handshake-rejected': {
      const parts = [
        cause.detail && `The service said: "${cause.detail}"`,
        cause.channelId && `channel-id ${cause.channelId}`,
      ].filter(Boolean);
      return parts.length ? parts.join(' · ') : null;
    }
    case 'network':
    case 'tls':
    case 'protocol':
    case 'closed-by-service':
      return cause.detail || null;
    default:
      return null;
  }
}

function handshakeSummary(status: number): string {
  if (status === 400) return 'The service rejected the connection request as malformed (HTTP 400).';
  if (status === 404)
    return 'No tunnel service at this endpoint (HTTP 404): check Region or Endpoint.';
  if (status === 429) return 'The tunnel service is throttling connections (HTTP 429).';
  if (status >= 500) return `The tunnel service had an internal error (HTTP ${status}).`;
  return `The tunnel service answered with HTTP ${status}.`;
}

function tlsSummary(problem: Extract<CloseCause, { kind: 'tls' }>['problem']): string {
  switch (problem) {
    case 'untrusted':
      return 'The service’s certificate is not trusted: choose a CA file, or turn off Verify TLS for a local test service.';
    case 'wrong-host':
      return 'The service’s certificate is for another host name: check Endpoint.';
    case 'not-tls':
      return 'The endpoint does not speak TLS: for a plain local test service, give the endpoint as ws://HOST:PORT.';
  }
}
