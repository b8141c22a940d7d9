/**
 * The app's sessions: one record per session, keyed by its id, holding the session and,
 * when the app opened its tunnel (OpenTunnel, or a saved tunnel reconnected), that tunnel.
 *
 * What the renderer sees of a session is `sessionView(record)`, a pure function of the
 * record. State changes on events (the session's proxy binding its ports, the device watch
 * answering, a request), never while a view is built: views are built on every push.
 */
import type { AwsTarget } from '../aws/target.js';
import type { ServiceEndpoint } from '../core/config/proxy-config.js';
import {
  AppError,
  type AwsSource,
  type ReopenForm,
  type ServiceMapping,
  type SessionView,
} from '../ipc/contract.js';
import type { DeviceWatch } from './device-watch.js';
import type { Session } from './session.js';

/** What the app knows of a tunnel it opened (or reconnects), to make its session. */
export interface TunnelFacts {
  readonly source: AwsSource;
  readonly target: AwsTarget;
  readonly name: string;
  readonly thingName: string;
  readonly tunnelId: string;
  readonly tunnelArn: string;
  readonly expiresAt: number | null;
  readonly peerVersion: 'V1' | 'V2' | 'V3';
  readonly mappings: ServiceMapping[];
  /** The sandbox's own "Open sandbox" tunnels end with their session. */
  readonly closeWithSession: boolean;
}

/** The tunnel a session is on, where its source side connects, and the watch on its device. */
export interface AwsTunnel extends TunnelFacts {
  readonly endpoint: ServiceEndpoint;
  readonly verifyTls: boolean;
  /** The device's side and the tunnel's status, as DescribeTunnel last said. */
  readonly watch: DeviceWatch;
  /** Set while its session is replaced (a new token): that close is not the end. */
  replacing: boolean;
}

export interface SessionRecord {
  readonly id: string;
  /** The session now: a new source token replaces it under the same id. */
  session: Session;
  /** The tunnel, when the app opened it; none for a token given by hand. */
  readonly tunnel: AwsTunnel | undefined;
  /** What a token session was opened with (no token), for "Edit & retry". */
  tokenForm?: Extract<ReopenForm, { kind: 'token' }>;
}

/** A record whose session is on a tunnel the app opened. */
export type TunnelRecord = SessionRecord & { readonly tunnel: AwsTunnel };

export function hasTunnel(record: SessionRecord): record is TunnelRecord {
  return record.tunnel !== undefined;
}

/** A session as the renderer sees it, with its tunnel and device when the app opened it. */
export function sessionView(record: SessionRecord): SessionView {
  const view = record.session.view();
  const { tunnel } = record;
  if (!tunnel) return { ...view, reopen: record.tokenForm ?? null };
  return {
    ...view,
    reopen: tunnel.closeWithSession
      ? { kind: 'sandbox', deviceName: tunnel.name, services: [...tunnel.mappings] }
      : {
          kind: 'thing',
          source: tunnel.source,
          thingName: tunnel.thingName,
          services: [...tunnel.mappings],
          peerVersion: tunnel.peerVersion,
        },
    kind: tunnel.source.kind,
    device: tunnel.watch.device,
    tunnel: {
      source: tunnel.source,
      tunnelId: tunnel.tunnelId,
      tunnelArn: tunnel.tunnelArn,
      thingName: tunnel.thingName,
      status: tunnel.watch.status,
      expiresAt: tunnel.expiresAt,
      endsWithSession: tunnel.closeWithSession,
    },
  };
}

export class SessionRegistry {
  private readonly records = new Map<string, SessionRecord>();

  /** `onChange`: something a view shows changed (the app pushes the sessions, batched). */
  constructor(private readonly onChange: () => void) {}

  /**
   * A session opened: a new record, or under an id it holds, that record's session replaced
   * (a new token), its tunnel kept.
   */
  put(session: Session, tunnel: AwsTunnel | undefined): SessionRecord {
    let record = this.records.get(session.id);
    if (record) record.session = session;
    else {
      record = { id: session.id, session, tunnel };
      this.records.set(record.id, record);
    }
    this.changed();
    return record;
  }

  get(id: string): SessionRecord | undefined {
    return this.records.get(id);
  }

  /** The record of a session; `not-found` naming `sessionId` when there is none. */
  require(id: string): SessionRecord {
    const record = this.records.get(id);
    if (!record) throw new AppError('not-found', `no tunnel with id ${id}`, 'sessionId');
    return record;
  }

  /** The record on a tunnel in this run, whatever its source unless one is given. */
  byTunnel(tunnelId: string, source?: AwsSource): SessionRecord | undefined {
    for (const record of this.records.values()) {
      const { tunnel } = record;
      if (tunnel?.tunnelId !== tunnelId) continue;
      if (source === undefined || sameSource(tunnel.source, source)) return record;
    }
    return undefined;
  }

  all(): SessionRecord[] {
    return [...this.records.values()];
  }

  /** The session is forgotten: its record goes (whatever holds its tunnel decides about it). */
  remove(id: string): void {
    if (this.records.delete(id)) this.changed();
  }

  /** Something a view shows changed without a record changing (a session's state, a device). */
  changed(): void {
    this.onChange();
  }
}

function sameSource(a: AwsSource, b: AwsSource): boolean {
  if (a.kind === 'sandbox' || b.kind === 'sandbox') return a.kind === b.kind;
  return a.region === b.region && (a.profile ?? null) === (b.profile ?? null);
}
