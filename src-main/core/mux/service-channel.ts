/**
 * One service of the tunnel (SSH1, HTTP1, ...): its active stream and the connections on it.
 * Every service has at most one active stream; data for any other stream id is stale.
 */
import { newCounters, type Counters } from '../stats/counters.js';
import type { LocalConnection } from './local-connection.js';

export class ServiceChannel {
  /** 0 while no stream is active. */
  activeStreamId = 0;
  /** The last stream id this side started (source) so the next one is higher. */
  lastStreamId = 0;
  /** Connection ids handed out on this service; never reused while the proxy runs. */
  lastConnectionId = 0;
  streamsStarted = 0;
  connectionsOpened = 0;
  readonly connections = new Map<number, LocalConnection>();
  readonly counters: Counters = newCounters();
  /** Service id bytes for DATA frames: empty when talking to a V1 peer. */
  wireServiceId: Buffer;

  constructor(
    /** The service id ('' while a bare `-s PORT`/`-d TARGET` mapping has not learnt its name). */
    public serviceId: string,
    /** Where it is served locally, for display. */
    public local: string | undefined,
    sendServiceIds: boolean,
  ) {
    this.wireServiceId = Buffer.from(sendServiceIds ? serviceId : '', 'utf8');
  }

  /** Names the channel, and sets whether its frames carry the service id (not for V1 peers). */
  rename(serviceId: string, sendServiceIds: boolean): void {
    this.serviceId = serviceId;
    this.wireServiceId = Buffer.from(sendServiceIds ? serviceId : '', 'utf8');
  }
}
