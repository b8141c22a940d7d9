/** What it takes to start a session: the tunnel's endpoint and source token, and the mappings. */
import type { ServiceEndpoint } from '../core/config/proxy-config.js';
import type { ServiceMapping, SessionView } from '../ipc/contract.js';
import type { AwsTunnel } from './session-registry.js';

export interface StartSessionOptions {
  /** Given to replace a session under the same id (a new token); a new id otherwise. */
  readonly id?: string;
  readonly kind: SessionView['kind'];
  readonly name: string;
  readonly mappings: ServiceMapping[];
  readonly endpoint: ServiceEndpoint;
  /** Secret. */
  readonly accessToken: string;
  /** Secret. A new UUID when absent; given when it must be stored to reconnect later. */
  readonly clientToken?: string;
  readonly verifyTls: boolean;
  /** Extra CA certificates (a PEM file or a folder), trusted beside the system's. */
  readonly caPath?: string;
  readonly peerVersion: 'V1' | 'V2' | 'V3';
  /** The tunnel the session is on, when the app opened it: kept in the session's record. */
  readonly tunnel?: AwsTunnel;
  /** Runs after the session closed (or failed to open). */
  readonly afterClose?: () => Promise<void>;
  /** Runs each time the tunnel connects (a good moment to look at the device's side again). */
  readonly onConnected?: () => void;
}
