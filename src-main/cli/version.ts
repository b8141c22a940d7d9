/**
 * What `-V/--version` prints: the program and its version, the tunneling protocol versions it
 * speaks (with the WebSocket subprotocol each one offers), and the localproxy it follows.
 */
import { SUBPROTOCOLS, type ProtocolVersion } from '../core/protocol/wire.js';

/** The reference localproxy release whose flags `tunneldesk proxy` takes. */
export const REFERENCE_LOCALPROXY_VERSION = '3.3.1';

/** Newest first: V3 is what a source offers unless -y says otherwise. */
const SPOKEN: readonly ProtocolVersion[] = ['V3', 'V2', 'V1'];

export function versionText(version: string): string {
  const protocols = SPOKEN.map((v) => `${v} (${SUBPROTOCOLS[v]})`).join(', ');
  return [
    `tunneldesk ${version}`,
    `protocols: ${protocols}`,
    `flags: those of the reference localproxy ${REFERENCE_LOCALPROXY_VERSION}`,
  ].join('\n');
}
