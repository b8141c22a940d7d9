/**
 * When "Get a new token" helps: the tunnel service refused this side's token (the session
 * closed for good with the cause `token-refused`: a 401/403 answer to the handshake, for a
 * token spent or rotated elsewhere), on a tunnel the app opened itself (only then can main ask AWS for a new one:
 * RotateTunnelAccessToken), while that tunnel is still open.
 */
import type { SessionView } from '../../../src-main/ipc/contract.js';

export function tokenRefused(session: SessionView): boolean {
  const state = session.state;
  return state.kind === 'closed' && state.fatal && state.cause.kind === 'token-refused';
}

export function canGetNewToken(session: SessionView): boolean {
  const opened = session.kind === 'aws' || Boolean(session.tunnel);
  return opened && tokenRefused(session) && session.tunnel?.status !== 'CLOSED';
}
