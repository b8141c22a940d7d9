/**
 * How a tunnel's state reads on screen: a tone for the status dot, a short label, and the
 * sentence a screen reader announces when the state changes.
 */
import type { SessionState } from '../../../src-main/ipc/contract.js';
import { closeSummary } from './close-words';

export type Tone = 'ok' | 'busy' | 'warn' | 'error' | 'muted';

export interface StateLook {
  readonly tone: Tone;
  readonly label: string;
}

export function stateLook(state: SessionState): StateLook {
  switch (state.kind) {
    case 'connecting':
      return {
        tone: 'busy',
        label: state.attempt > 1 ? `Connecting (attempt ${state.attempt})` : 'Connecting',
      };
    case 'connected':
      return { tone: 'ok', label: 'Connected' };
    case 'reconnecting':
      return { tone: 'warn', label: 'Reconnecting' };
    case 'closed':
      return { tone: state.fatal ? 'error' : 'muted', label: state.fatal ? 'Failed' : 'Closed' };
  }
}

/** What to announce when a tunnel's state changes (not its countdown: that would be noise). */
export function stateAnnouncement(name: string, state: SessionState): string {
  switch (state.kind) {
    case 'connecting':
      return `Tunnel ${name} is connecting.`;
    case 'connected':
      return `Tunnel ${name} is connected.`;
    case 'reconnecting':
      return `Tunnel ${name} lost its connection: ${closeSummary(state.lastCause)} Reconnecting.`;
    case 'closed':
      return `Tunnel ${name} is closed: ${closeSummary(state.cause)}`;
  }
}

/** How a tunnel was opened, as a short label. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case 'sandbox':
      return 'Sandbox';
    case 'token':
      return 'Token';
    case 'aws':
      return 'AWS';
    default:
      return kind;
  }
}
