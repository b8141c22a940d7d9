/** The shape of a stats snapshot: what the CLI prints and the app will render. */
import type { Counters, Rates } from './counters.js';
import type { TunnelState } from '../tunnel/tunnel-client.js';
import type { ReceiveSnapshot } from '../mux/receive-guard.js';

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

export interface ConnectionSnapshot extends Counters, Rates {
  readonly key: string;
  readonly serviceId: string;
  readonly streamId: number;
  readonly connectionId: number;
  readonly state: ConnectionState;
  readonly openedAt: number;
  /** The local peer (source: the client's address; destination: the target). */
  readonly peer: string;
  /** Bytes from the tunnel the local socket has not written yet. */
  readonly bufferedBytes: number;
}

export interface ServiceSnapshot extends Counters, Rates {
  readonly serviceId: string;
  /** Source: the address it listens on; destination: the target it connects to. */
  readonly local: string | undefined;
  readonly activeStreamId: number;
  readonly streamsStarted: number;
  readonly connectionsOpened: number;
  readonly connections: readonly ConnectionSnapshot[];
}

export interface TunnelSnapshot extends Counters, Rates {
  readonly at: number;
  readonly mode: 'source' | 'destination';
  readonly state: TunnelState;
  readonly latencyMs: number | undefined;
  readonly reconnects: number;
  readonly services: readonly ServiceSnapshot[];
  /** The receive path: unwritten bytes of every local socket, pauses, limit resets. */
  readonly receive: ReceiveSnapshot & {
    /** DATA payload bytes dropped because their stream or connection was gone. */
    readonly staleBytesDropped: number;
  };
}
