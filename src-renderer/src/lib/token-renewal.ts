/**
 * When "Get a new token" helps: the tunnel service refused this side's token (the session
 * closed for good on a 4xx answer to the handshake that names the token: spent, or rotated
 * elsewhere), on a tunnel the app opened itself (only then can main ask AWS for a new one:
 * RotateTunnelAccessToken), while that tunnel is still open.
 */
import type { SessionView } from '../../../src-main/ipc/contract.js';

export function tokenRefused(session: SessionView): boolean {
  const state = session.state;
  return (
    state.kind === 'closed' &&
    state.fatal &&
    /\bHTTP 4\d\d\b/.test(state.reason) &&
    /\btoken\b/i.test(state.reason)
  );
}

export function canGetNewToken(session: SessionView): boolean {
  const opened = session.kind === 'aws' || Boolean(session.tunnel);
  return opened && tokenRefused(session) && session.tunnel?.status !== 'CLOSED';
}
