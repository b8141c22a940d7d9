/**
 * The tunnels of the management API, bridged to the data plane: OpenTunnel adds a tunnel
 * with fresh random tokens to the service (whose token rules make them single-use without
 * a client token, as AWS's are), CloseTunnel closes it there, DescribeTunnel reads each
 * side's connection from it. What AWS keeps beside the data plane lives here: ARN,
 * description, thing and services, tags, lifetime, timestamps.
 *
 * A tunnel opened for a thing is announced to subscribers as AWS announces it on the MQTT
 * topic `$aws/things/THING/tunnels/notify`: the destination token, for the device's agent.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ProxyMode } from '../../protocol/wire.js';
import type { TunnelDescription, TunnelSpec } from '../service-tunnel.js';
import { ManagementError, invalid } from './errors.js';
import { paginate, type Page } from './pagination.js';

/** What the registry needs of the data plane (the TunnelService). */
export interface DataPlane {
  addTunnel(spec: TunnelSpec): void;
  closeTunnel(id: string, reason?: string): void;
  describeTunnel(id: string): TunnelDescription;
  rotateAccessToken(id: string, mode: ProxyMode, token: string): void;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface OpenTunnelInput {
  readonly description?: string;
  readonly tags?: readonly Tag[];
  readonly thingName?: string;
  readonly services: readonly string[];
  readonly maxLifetimeTimeoutMinutes?: number;
}

export interface IssuedTokens {
  readonly tunnelId: string;
  readonly tunnelArn: string;
  /** Secret. */
  readonly sourceAccessToken?: string;
  /** Secret. */
  readonly destinationAccessToken?: string;
}

/** One side's connection as DescribeTunnel shows it. */
export interface SideState {
  readonly status: 'CONNECTED' | 'DISCONNECTED';
  /** ms since the epoch. */
  readonly lastUpdatedAt: number;
}

/** A tunnel as DescribeTunnel shows it (times in ms since the epoch). */
export interface TunnelRecord {
  readonly tunnelId: string;
  readonly tunnelArn: string;
  readonly status: 'OPEN' | 'CLOSED';
  readonly sourceConnectionState: SideState;
  readonly destinationConnectionState: SideState;
  readonly description?: string;
  readonly thingName?: string;
  readonly services: readonly string[];
  readonly maxLifetimeTimeoutMinutes: number;
  readonly tags: readonly Tag[];
  readonly createdAt: number;
  readonly lastUpdatedAt: number;
}

/**
 * What a device's agent hears when a tunnel is opened for its thing (or its destination
 * token rotated): the MQTT notify message, plus the tunnel id to tie the two together.
 */
export interface TunnelNotice {
  readonly kind: 'notify';
  readonly thingName: string;
  readonly tunnelId: string;
  /** Secret. */
  readonly clientAccessToken: string;
  readonly clientMode: 'destination';
  readonly region: string;
  readonly services: readonly string[];
}

/** A tunnel was closed (by CloseTunnel or at the end of its lifetime). */
export interface TunnelClosedNotice {
  readonly kind: 'closed';
  readonly tunnelId: string;
  readonly thingName?: string;
}

export type RegistryNotice = TunnelNotice | TunnelClosedNotice;

export const DEFAULT_MAX_LIFETIME_MINUTES = 720;

/** AWS's limit of tags on a tunnel. */
export const MAX_TAGS = 200;

interface Watched {
  connected: boolean;
  since: number;
}

interface Entry {
  readonly tunnelId: string;
  readonly tunnelArn: string;
  readonly description?: string;
  readonly thingName?: string;
  readonly services: readonly string[];
  readonly maxLifetimeTimeoutMinutes: number;
  tags: Tag[];
  readonly createdAt: number;
  lastUpdatedAt: number;
  closed: boolean;
  readonly sides: Record<ProxyMode, Watched>;
  timer: NodeJS.Timeout | undefined;
}

export interface RegistryOptions {
  readonly region: string;
  readonly accountId: string;
  /** OpenTunnel past this many open tunnels answers LimitExceededException. */
  readonly maxOpenTunnels: number;
}

/**
 * An access token in the shape AWS issues: long, random, printable. It goes in a header,
 * so base64url rather than base64 keeps it free of characters a proxy might mangle.
 */
export function newAccessToken(): string {
  return `AQGAAXi${randomBytes(330).toString('base64url')}`;
}

export class TunnelRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(notice: RegistryNotice) => void>();

  constructor(
    private readonly dataPlane: DataPlane,
    private readonly options: RegistryOptions,
  ) {}

  /** Hears every notify and close; returns the unsubscribe function. */
  subscribe(listener: (notice: RegistryNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The number of tunnels not closed. */
  get openCount(): number {
    return [...this.entries.values()].filter((entry) => !entry.closed).length;
  }

  open(input: OpenTunnelInput): Required<IssuedTokens> {
    if (this.openCount >= this.options.maxOpenTunnels) {
      throw new ManagementError(
        'LimitExceededException',
        `The limit of ${this.options.maxOpenTunnels} open tunnels for this account has been reached`,
      );
    }
    const tunnelId = randomUUID();
    const sourceAccessToken = newAccessToken();
    const destinationAccessToken = newAccessToken();
    try {
      this.dataPlane.addTunnel({
        id: tunnelId,
        sourceToken: sourceAccessToken,
        destinationToken: destinationAccessToken,
        services: [...input.services],
      });
    } catch (error) {
      // The data plane's own rules (its service id pattern) are AWS's validation errors here.
      throw invalid((error as Error).message);
    }
    const now = Date.now();
    const minutes = input.maxLifetimeTimeoutMinutes ?? DEFAULT_MAX_LIFETIME_MINUTES;
    const entry: Entry = {
      tunnelId,
      tunnelArn: `arn:aws:iot:${this.options.region}:${this.options.accountId}:tunnel/${tunnelId}`,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.thingName === undefined ? {} : { thingName: input.thingName }),
      services: [...input.services],
      maxLifetimeTimeoutMinutes: minutes,
      tags: [...(input.tags ?? [])],
      createdAt: now,
      lastUpdatedAt: now,
      closed: false,
      sides: {
        source: { connected: false, since: now },
        destination: { connected: false, since: now },
      },
      timer: undefined,
    };
    entry.timer = setTimeout(
      () => this.closeEntry(entry, `the tunnel reached its maximum lifetime of ${minutes} minutes`),
      minutes * 60_000,
    );
    entry.timer.unref();
    this.entries.set(tunnelId, entry);
    if (entry.thingName !== undefined) this.notify(entry, destinationAccessToken);
    return { tunnelId, tunnelArn: entry.tunnelArn, sourceAccessToken, destinationAccessToken };
  }

  /** CloseTunnel: idempotent for a closed tunnel; `deleteData` forgets it at once. */
  close(tunnelId: string, deleteData: boolean): void {
    const entry = this.entry(tunnelId);
    this.closeEntry(entry, 'the tunnel was closed (CloseTunnel)');
    if (deleteData) this.entries.delete(tunnelId);
  }

  describe(tunnelId: string): TunnelRecord {
    return this.record(this.entry(tunnelId));
  }

  /** ListTunnels: newest first, optionally of one thing. */
  list(thingName: string | undefined, maxResults: number, nextToken?: string): Page<TunnelRecord> {
    const matching = [...this.entries.values()]
      .filter((entry) => thingName === undefined || entry.thingName === thingName)
      .sort((a, b) => b.createdAt - a.createdAt);
    const page = paginate(matching, maxResults, nextToken);
    return { ...page, items: page.items.map((entry) => this.record(entry)) };
  }

  /**
   * RotateTunnelAccessToken: the named side(s) get new tokens; the old ones stop working
   * and a peer connected with one is disconnected. A rotated destination token is
   * announced to the thing named in `destinationConfig`, as AWS does over MQTT.
   */
  rotate(
    tunnelId: string,
    clientMode: 'SOURCE' | 'DESTINATION' | 'ALL',
    notifyThing: string | undefined,
  ): IssuedTokens {
    const entry = this.entry(tunnelId);
    if (entry.closed) {
      throw invalid(`Tunnel ${tunnelId} is CLOSED: its access tokens cannot be rotated`);
    }
    const issued: { sourceAccessToken?: string; destinationAccessToken?: string } = {};
    if (clientMode !== 'DESTINATION') {
      issued.sourceAccessToken = newAccessToken();
      this.dataPlane.rotateAccessToken(tunnelId, 'source', issued.sourceAccessToken);
    }
    if (clientMode !== 'SOURCE') {
      issued.destinationAccessToken = newAccessToken();
      this.dataPlane.rotateAccessToken(tunnelId, 'destination', issued.destinationAccessToken);
    }
    entry.lastUpdatedAt = Date.now();
    if (issued.destinationAccessToken !== undefined && notifyThing !== undefined) {
      this.notify({ ...entry, thingName: notifyThing }, issued.destinationAccessToken);
    }
    return { tunnelId, tunnelArn: entry.tunnelArn, ...issued };
  }

  /** TagResource: adds tags, replacing the value of a key already there. */
  tag(resourceArn: string, tags: readonly Tag[]): void {
    const entry = this.byArn(resourceArn);
    const merged = new Map(entry.tags.map((tag) => [tag.key, tag.value]));
    for (const tag of tags) merged.set(tag.key, tag.value);
    if (merged.size > MAX_TAGS) throw invalid(`a tunnel has at most ${MAX_TAGS} tags`);
    entry.tags = [...merged].map(([key, value]) => ({ key, value }));
    entry.lastUpdatedAt = Date.now();
  }

  untag(resourceArn: string, keys: readonly string[]): void {
    const entry = this.byArn(resourceArn);
    entry.tags = entry.tags.filter((tag) => !keys.includes(tag.key));
    entry.lastUpdatedAt = Date.now();
  }

  listTags(resourceArn: string): Tag[] {
    return [...this.byArn(resourceArn).tags];
  }

  /** Stops every lifetime timer (the service is stopping). */
  dispose(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
  }

  private entry(tunnelId: string): Entry {
    const entry = this.entries.get(tunnelId);
    if (!entry) {
      throw new ManagementError('ResourceNotFoundException', `Tunnel ${tunnelId} not found`);
    }
    return entry;
  }

  private byArn(resourceArn: string): Entry {
    for (const entry of this.entries.values()) {
      if (entry.tunnelArn === resourceArn) return entry;
    }
    throw new ManagementError('ResourceNotFoundException', `Resource ${resourceArn} not found`);
  }

  private closeEntry(entry: Entry, reason: string): void {
    clearTimeout(entry.timer);
    if (entry.closed) return;
    entry.closed = true;
    entry.lastUpdatedAt = Date.now();
    this.dataPlane.closeTunnel(entry.tunnelId, reason);
    this.emit({
      kind: 'closed',
      tunnelId: entry.tunnelId,
      ...(entry.thingName === undefined ? {} : { thingName: entry.thingName }),
    });
  }

  /**
   * The entry as AWS shows it. The data plane knows whether a side is connected now and
   * since when; when it last went away is noticed here, at the first look after it did.
   */
  private record(entry: Entry): TunnelRecord {
    const plane = this.dataPlane.describeTunnel(entry.tunnelId);
    const side = (mode: ProxyMode): SideState => {
      const watched = entry.sides[mode];
      const now = plane[mode];
      if (now.connected !== watched.connected) {
        watched.connected = now.connected;
        watched.since = now.connected ? (now.connectedAt ?? Date.now()) : Date.now();
      } else if (now.connected && now.connectedAt !== undefined) {
        // A reconnect between two looks: connected both times, but since the new one.
        watched.since = Math.max(watched.since, now.connectedAt);
      }
      return {
        status: watched.connected && !entry.closed ? 'CONNECTED' : 'DISCONNECTED',
        lastUpdatedAt: watched.since,
      };
    };
    return {
      tunnelId: entry.tunnelId,
      tunnelArn: entry.tunnelArn,
      status: entry.closed ? 'CLOSED' : 'OPEN',
      sourceConnectionState: side('source'),
      destinationConnectionState: side('destination'),
      ...(entry.description === undefined ? {} : { description: entry.description }),
      ...(entry.thingName === undefined ? {} : { thingName: entry.thingName }),
      services: entry.services,
      maxLifetimeTimeoutMinutes: entry.maxLifetimeTimeoutMinutes,
      tags: [...entry.tags],
      createdAt: entry.createdAt,
      lastUpdatedAt: Math.max(
        entry.lastUpdatedAt,
        entry.sides.source.since,
        entry.sides.destination.since,
      ),
    };
  }

  private notify(entry: Pick<Entry, 'thingName' | 'tunnelId' | 'services'>, token: string): void {
    if (entry.thingName === undefined) return;
    this.emit({
      kind: 'notify',
      thingName: entry.thingName,
      tunnelId: entry.tunnelId,
      clientAccessToken: token,
      clientMode: 'destination',
      region: this.options.region,
      services: [...entry.services],
    });
  }

  private emit(notice: RegistryNotice): void {
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch {
        // A subscriber's failure is its own; the API call it follows has succeeded.
      }
    }
  }
}
