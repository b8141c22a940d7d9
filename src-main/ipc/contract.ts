/**
 * The one IPC contract between the renderer and main: every request the renderer invokes
 * and every event main pushes, with a runtime schema for each payload. The Electron preload
 * and the browser-mode bridge are two transports of this contract. Main checks both
 * directions here (app/dispatch.ts): every request before a handler sees it, every answer
 * and event before it leaves. The renderer trusts what main sends and loads none of these
 * schemas: only the contract's types, and the values without a schema (contract-values.ts,
 * app-error.ts), which this module re-exports for main.
 *
 * This module imports nothing from Electron, Node or the UI, so both sides can load it.
 * Channel names say their direction: `renderer:` requests, `main:` events.
 */
import './zod-setup.js';
import { z } from 'zod';
import { APP_ERROR_CODES, type AppErrorShape as AppErrorShapeType } from './app-error.js';
import {
  CONNECTIONS_PAGE_MAX,
  EVENT_CHANNELS,
  REQUEST_CHANNELS,
  type EventMethodName,
  type EventName,
  type RequestName,
} from './contract-values.js';

export { AppError, CREDENTIAL_ERROR_CODES, type AppErrorFacts } from './app-error.js';
export {
  CONNECTIONS_PAGE_MAX,
  EVENT_CHANNELS,
  eventMethodName,
  HISTORY_POINTS,
  REQUEST_CHANNELS,
  sameConnectionRow,
  type EventMethodName,
  type EventName,
  type RequestName,
} from './contract-values.js';

// ---- shared shapes --------------------------------------------------------------------------

const ServiceId = z.string().min(1).max(64);
const SessionId = z.string().min(1).max(64);
/** A listening port: a number, or 'auto' for any free one. */
const PortChoice = z.union([z.number().int().min(1).max(65_535), z.literal('auto')]);
const BindAddress = z.string().min(1).max(253);

export const ServiceMapping = z.strictObject({
  serviceId: ServiceId,
  port: PortChoice,
  bindAddress: BindAddress,
});
export type ServiceMapping = z.infer<typeof ServiceMapping>;

export const ProtocolVersion = z.enum(['V1', 'V2', 'V3']);
export type ProtocolVersion = z.infer<typeof ProtocolVersion>;

const Texts = z.array(z.string()).readonly();

/**
 * Why a tunnel closed or is reconnecting: the core's CloseCause (core/tunnel/close-cause.ts,
 * where each member is explained), as data. The renderer makes its words from it and decides
 * by its kind, never by words; a type test keeps this schema equal to the core's type.
 */
export const CloseCause = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('token-refused'),
    status: z.number(),
    detail: z.string(),
    channelId: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('handshake-rejected'),
    status: z.number(),
    detail: z.string(),
    channelId: z.string().nullable(),
  }),
  z.strictObject({ kind: z.literal('dns'), endpoint: z.string(), temporary: z.boolean() }),
  z.strictObject({ kind: z.literal('refused'), endpoint: z.string() }),
  z.strictObject({
    kind: z.literal('timeout'),
    endpoint: z.string(),
    phase: z.enum(['connect', 'handshake']),
  }),
  z.strictObject({ kind: z.literal('unreachable'), endpoint: z.string() }),
  z.strictObject({ kind: z.literal('peer-reset'), endpoint: z.string() }),
  z.strictObject({
    kind: z.literal('proxy-unreachable'),
    proxy: z.string(),
    code: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('network'),
    endpoint: z.string(),
    code: z.string().nullable(),
    detail: z.string(),
  }),
  z.strictObject({
    kind: z.literal('tls'),
    endpoint: z.string(),
    problem: z.enum(['untrusted', 'wrong-host', 'not-tls']),
    code: z.string(),
    detail: z.string(),
  }),
  z.strictObject({ kind: z.literal('bad-subprotocol'), chosen: z.string() }),
  z.strictObject({
    kind: z.literal('protocol'),
    code: z.enum([
      'text-frame',
      'frame-too-large',
      'frame-unparseable',
      'unknown-type',
      'payload-too-large',
      'websocket-message-too-large',
      'forbidden-type',
      'zero-stream-id',
      'unknown-service',
      'unknown-field',
    ]),
    detail: z.string(),
  }),
  z.strictObject({ kind: z.literal('closed-by-service'), wsCode: z.number(), detail: z.string() }),
  z.strictObject({ kind: z.literal('ping-timeout'), silentSeconds: z.number() }),
  z.strictObject({ kind: z.literal('reconnect-requested') }),
  z.strictObject({
    kind: z.literal('services-mismatch'),
    tunnelServices: Texts,
    unmapped: Texts,
    unknown: Texts,
  }),
  z.strictObject({ kind: z.literal('local-failure'), detail: z.string() }),
  z.strictObject({
    kind: z.literal('closed'),
    by: z.enum(['operator', 'signal', 'app-quit', 'tunnel-closed', 'token-replaced']),
  }),
]);
export type CloseCause = z.infer<typeof CloseCause>;

/** A tunnel's state, as the renderer shows it. */
export const SessionState = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('connecting'), attempt: z.number() }),
  z.strictObject({
    kind: z.literal('connected'),
    channelId: z.string().nullable(),
    version: ProtocolVersion,
    since: z.number(),
    via: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('reconnecting'),
    attempt: z.number(),
    retryAt: z.number(),
    lastCause: CloseCause,
  }),
  z.strictObject({ kind: z.literal('closed'), cause: CloseCause, fatal: z.boolean() }),
]);
export type SessionState = z.infer<typeof SessionState>;

/** One service's local listener. */
export const ListenerView = z.strictObject({
  serviceId: z.string(),
  bindAddress: z.string(),
  requested: PortChoice,
  /** The port actually bound; null while not listening. */
  port: z.number().nullable(),
  /** Why it is not listening, when it is not. */
  error: z.string().nullable(),
});
export type ListenerView = z.infer<typeof ListenerView>;

// ---- AWS: where control-plane calls go, and what the app shows of a tunnel it opened ---------

const ProfileName = z.string().min(1).max(128);
/** An AWS region name, e.g. eu-west-1, us-gov-west-1. */
const Region = z
  .string()
  .max(32)
  .regex(/^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/, 'not a region name such as eu-west-1');
/** A thing name, as AWS IoT allows it. */
const ThingName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9:_-]+$/, 'use letters, digits, ":", "_" or "-"');
const TunnelId = z.string().min(1).max(128);

/**
 * Where a control-plane request goes: AWS with a profile (the default chain of
 * environment variables, AWS_PROFILE or "default" when `profile` is absent) and a region,
 * or the built-in sandbox, which serves the same API.
 */
export const AwsSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('aws'), profile: ProfileName.optional(), region: Region }),
  z.strictObject({ kind: z.literal('sandbox') }),
]);
export type AwsSource = z.infer<typeof AwsSource>;

/** The device side of a tunnel the app opened, from DescribeTunnel every few seconds. */
export const DeviceState = z.strictObject({
  /** "device connected" when true, "waiting for device" when false. */
  connected: z.boolean(),
  /** When that state began, as AWS says (ms since the epoch). */
  lastUpdatedAt: z.number(),
});
export type DeviceState = z.infer<typeof DeviceState>;

/** The tunnel behind a session the app opened with OpenTunnel. */
export const SessionTunnel = z.strictObject({
  /** Where it was opened: pass it back to describeTunnel, listTunnels and closeTunnel. */
  source: AwsSource,
  tunnelId: z.string(),
  tunnelArn: z.string(),
  thingName: z.string(),
  status: z.enum(['OPEN', 'CLOSED']),
  /** When the tunnel's maximum lifetime ends (ms since the epoch). */
  expiresAt: z.number().nullable(),
  /** True for a "New sandbox tunnel": Disconnect closes the tunnel too. */
  endsWithSession: z.boolean().optional(),
});
export type SessionTunnel = z.infer<typeof SessionTunnel>;

/**
 * What was asked to open a session, to fill the form again ("Edit & retry") or open it
 * again as it was ("Open again"). Never a secret: a token tunnel's access token is pasted
 * again. `sandbox`: a "New sandbox tunnel"; `thing`: a tunnel opened to a thing of a source
 * (AWS, or the sandbox's things in the Devices view).
 */
export const ReopenForm = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('token'),
    name: z.string(),
    target: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('region'), region: z.string() }),
      z.strictObject({ kind: z.literal('endpoint'), endpoint: z.string() }),
    ]),
    services: z.array(ServiceMapping),
    peerVersion: ProtocolVersion,
    verifyTls: z.boolean(),
    caPath: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('sandbox'),
    deviceName: z.string(),
    services: z.array(ServiceMapping),
  }),
  z.strictObject({
    kind: z.literal('thing'),
    source: AwsSource,
    thingName: z.string(),
    services: z.array(ServiceMapping),
    peerVersion: ProtocolVersion,
  }),
]);
export type ReopenForm = z.infer<typeof ReopenForm>;

export const SessionView = z.strictObject({
  id: SessionId,
  /** `aws` and `sandbox` sessions opened with openTunnel carry `tunnel` and `device`. */
  kind: z.enum(['sandbox', 'token', 'aws']),
  /** The device (thing) name, or a label the user gave. */
  name: z.string(),
  /** Where the tunnel service is, e.g. wss://data.tunneling.iot.us-east-1.amazonaws.com:443. */
  endpoint: z.string(),
  createdAt: z.number(),
  state: SessionState,
  latencyMs: z.number().nullable(),
  /**
   * Reconnect attempts since it opened: each wait with a countdown ("attempt N") counts,
   * whether or not it connected again.
   */
  reconnects: z.number(),
  /** When it closed (ms since the epoch); null while open. */
  closedAt: z.number().nullable().optional(),
  /**
   * Its figures as they stood when it closed (rates 0, no connections): the record's totals
   * survive a reload of the page, which missed the live batches. Null while open.
   */
  get finalStats() {
    return SessionStats.nullable().optional();
  },
  /** The services the tunnel carries (SERVICE_IDS), once known. */
  peerServices: z.array(z.string()),
  listeners: z.array(ListenerView),
  /** The destination's protocol version the source speaks (-y). */
  peerVersion: ProtocolVersion,
  /** The device's side, for tunnels opened from the app; null until first known. */
  device: DeviceState.nullable().optional(),
  /** The tunnel, for sessions opened from the app with openTunnel. */
  tunnel: SessionTunnel.nullable().optional(),
  /** What opened it, to open it again or edit and retry; null when not known. */
  reopen: ReopenForm.nullable().optional(),
});
export type SessionView = z.infer<typeof SessionView>;

const Rates = {
  bytesIn: z.number(),
  bytesOut: z.number(),
  bytesInPerSecond: z.number(),
  bytesOutPerSecond: z.number(),
};

export const ConnectionStats = z.strictObject({
  key: z.string(),
  serviceId: z.string(),
  streamId: z.number(),
  connectionId: z.number(),
  state: z.enum(['connecting', 'open', 'closing', 'closed']),
  openedAt: z.number(),
  /** When it closed (ms since the epoch): set on the recently closed ones main keeps. */
  closedAt: z.number().optional(),
  peer: z.string(),
  ...Rates,
});
export type ConnectionStats = z.infer<typeof ConnectionStats>;

/**
 * A service's figures. Its connections are not here: a thousand of them, four times a
 * second, to every view, cost more than the tunnel's own traffic; a view that lists them asks
 * for the rows it shows (`connections`).
 */
export const ServiceStats = z.strictObject({
  serviceId: z.string(),
  activeStreamId: z.number(),
  streamsStarted: z.number(),
  connectionsOpened: z.number(),
  /** Connections not closed (connecting, open, closing). */
  openConnections: z.number(),
  ...Rates,
});
export type ServiceStats = z.infer<typeof ServiceStats>;

export const SessionStats = z.strictObject({
  sessionId: SessionId,
  latencyMs: z.number().nullable(),
  services: z.array(ServiceStats),
  ...Rates,
});
export type SessionStats = z.infer<typeof SessionStats>;

/**
 * A window of a tunnel's connections, in the order the live view lists them: live ones
 * first, newest first (then by key). Filtering and sorting happen in main, so a view holds
 * only the rows it shows, whatever the tunnel carries.
 */
export const ConnectionsQuery = z.strictObject({
  sessionId: SessionId,
  /** Keeps rows whose key or peer contains it (case-insensitive), or whose state it is. */
  filter: z.string().max(200).optional(),
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(CONNECTIONS_PAGE_MAX),
  /**
   * The rows the view holds already, for this same filter, as main answered them at its tick
   * `at`: rows `offset` to `offset + count - 1` of the list. While main's figures are still
   * that tick's (a scroll asks several times between two ticks), it sends `null` in their
   * place rather than the same rows again; from the next tick, `null` where the row at that
   * place is the same connection with the same figures.
   */
  held: z
    .strictObject({
      at: z.number(),
      offset: z.number().int().min(0),
      count: z.number().int().min(0).max(CONNECTIONS_PAGE_MAX),
    })
    .optional(),
});
export type ConnectionsQuery = z.infer<typeof ConnectionsQuery>;

export const ConnectionsPage = z.strictObject({
  /** When main sampled these figures (its last stats tick). */
  at: z.number(),
  /** Every connection the tunnel lists (open and recently closed), before the filter. */
  listed: z.number(),
  /** Those not closed, before the filter. */
  open: z.number(),
  /** Rows matching the filter: the list's length. */
  matching: z.number(),
  /** The first row's index in that list (the query's offset, or less when the list shrank). */
  offset: z.number(),
  /** The rows from `offset`; `null` where the row the query's `held` has there is unchanged. */
  rows: z.array(ConnectionStats.nullable()),
});
export type ConnectionsPage = z.infer<typeof ConnectionsPage>;

/** One point of a tunnel's throughput history (one per second). */
export const HistoryPoint = z.strictObject({
  at: z.number(),
  bytesInPerSecond: z.number(),
  bytesOutPerSecond: z.number(),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

export const LogEntry = z.strictObject({
  seq: z.number(),
  time: z.number(),
  /** The `-v` scale: 1 fatal, 2 error, 3 warning, 4 info, 5 debug, 6 trace. */
  level: z.number().int().min(1).max(6),
  scope: z.string(),
  message: z.string(),
});
export type LogEntry = z.infer<typeof LogEntry>;

export const Settings = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']),
  /** SSH user name per device. */
  sshUsers: z
    .record(z.string().max(200), z.string().max(64))
    .refine((r) => Object.keys(r).length <= 1_000, 'at most 1,000 devices'),
  /** http or https per device and service, for "Open in browser". */
  browserSchemes: z
    .record(z.string().max(300), z.enum(['http', 'https']))
    .refine((r) => Object.keys(r).length <= 1_000, 'at most 1,000 services'),
  /**
   * The services to offer when opening a tunnel: those last used for a thing, or those kept
   * for its thing type (getServiceDefaults picks). Kept per thing by openTunnel itself.
   */
  tunnelDefaults: z
    .strictObject({
      byThing: z
        .record(z.string().max(128), z.array(ServiceMapping).max(3))
        .refine((r) => Object.keys(r).length <= 1_000, 'at most 1,000 things'),
      byThingType: z
        .record(z.string().max(128), z.array(ServiceMapping).max(3))
        .refine((r) => Object.keys(r).length <= 1_000, 'at most 1,000 thing types'),
    })
    .optional(),
});
export type Settings = z.infer<typeof Settings>;

export const AppInfo = z.strictObject({
  version: z.string(),
  runtime: z.enum(['electron', 'web']),
  platform: z.string(),
  /** Where secrets could be kept across restarts: the OS keychain, or nowhere (memory). */
  secretStorage: z.enum(['os-keychain', 'memory']),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** The result of checking one mapping row as the user types. */
export const MappingCheck = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), mapping: ServiceMapping }),
  z.strictObject({
    ok: z.literal(false),
    field: z.enum(['serviceId', 'port', 'bindAddress']),
    message: z.string(),
  }),
]);
export type MappingCheck = z.infer<typeof MappingCheck>;

/** An AWS profile the picker offers. Secrets are never part of it. */
export const ProfileInfo = z.strictObject({
  /** null: the environment's credentials (pass no `profile`). */
  name: z.string().nullable(),
  kind: z.enum(['static', 'sso', 'process', 'role', 'env', 'other']),
  region: z.string().nullable(),
  /** e.g. an SSO account and role, or a role ARN. */
  detail: z.string().nullable(),
});
export type ProfileInfo = z.infer<typeof ProfileInfo>;

export const CallerIdentity = z.strictObject({
  account: z.string(),
  arn: z.string(),
  userId: z.string(),
});
export type CallerIdentity = z.infer<typeof CallerIdentity>;

export const ThingInfo = z.strictObject({
  thingName: z.string(),
  thingTypeName: z.string().nullable(),
  thingArn: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
});
export type ThingInfo = z.infer<typeof ThingInfo>;

export const TunnelTag = z.strictObject({
  key: z.string().min(1).max(128),
  value: z.string().max(256),
});
export type TunnelTag = z.infer<typeof TunnelTag>;

/** One side of a tunnel as DescribeTunnel shows it. */
export const TunnelSide = z.strictObject({
  connected: z.boolean(),
  lastUpdatedAt: z.number().nullable(),
});

export const TunnelSummary = z.strictObject({
  tunnelId: z.string(),
  tunnelArn: z.string(),
  status: z.enum(['OPEN', 'CLOSED']),
  description: z.string().nullable(),
  createdAt: z.number().nullable(),
  lastUpdatedAt: z.number().nullable(),
  /** The app's session on this tunnel, if it has one. */
  sessionId: z.string().nullable(),
});
export type TunnelSummary = z.infer<typeof TunnelSummary>;

export const TunnelDetails = z.strictObject({
  ...TunnelSummary.shape,
  thingName: z.string().nullable(),
  services: z.array(z.string()),
  source: TunnelSide,
  destination: TunnelSide,
  maxLifetimeMinutes: z.number().nullable(),
  tags: z.array(TunnelTag),
});
export type TunnelDetails = z.infer<typeof TunnelDetails>;

/**
 * A tunnel the app opened and kept to reconnect after a restart (its tokens stay in main,
 * encrypted with the OS keychain). Only where secrets outlive the app (AppInfo.secretStorage
 * is 'os-keychain'), and only tunnels without a session in this run.
 */
export const SavedTunnel = z.strictObject({
  tunnelId: z.string(),
  thingName: z.string(),
  /** Where it was opened (AWS: a profile and region). */
  source: AwsSource,
  /** The services and the local ports asked for ('auto' gets a free one again). */
  services: z.array(ServiceMapping),
  /** When its token was saved (ms since the epoch). */
  savedAt: z.number(),
  /** When its maximum lifetime ends (ms since the epoch). */
  expiresAt: z.number().nullable(),
});
export type SavedTunnel = z.infer<typeof SavedTunnel>;

const Empty = z.void();

// ---- requests: renderer -> main ----------------------------------------------------------------

/** Every request: its channel, the input main accepts, and the output main answers with. */
export const requests = {
  getAppInfo: { channel: REQUEST_CHANNELS.getAppInfo, input: Empty, output: AppInfo },
  listSessions: {
    channel: REQUEST_CHANNELS.listSessions,
    input: Empty,
    output: z.array(SessionView),
  },
  openSandbox: {
    channel: REQUEST_CHANNELS.openSandbox,
    input: z.strictObject({
      deviceName: z.string().min(1).max(128).optional(),
      services: z.array(ServiceMapping).min(1).max(3),
    }),
    output: SessionView,
  },
  connectWithToken: {
    channel: REQUEST_CHANNELS.connectWithToken,
    input: z.strictObject({
      name: z.string().max(128).optional(),
      /** Secret: kept in main, never sent back. */
      accessToken: z.string().min(1).max(4096),
      target: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('region'), region: z.string().min(1).max(64) }),
        z.strictObject({ kind: z.literal('endpoint'), endpoint: z.string().min(1).max(300) }),
      ]),
      services: z.array(ServiceMapping).max(16),
      peerVersion: ProtocolVersion,
      verifyTls: z.boolean(),
      /** A PEM CA file or a folder of them, trusted beside the system's (a private CA). */
      caPath: z.string().min(1).max(4096).optional(),
    }),
    output: SessionView,
  },
  /** The form's CA file or folder, checked as typed: how many certificates it holds. */
  checkCaPath: {
    channel: REQUEST_CHANNELS.checkCaPath,
    input: z.strictObject({ path: z.string().max(4096) }),
    output: z.discriminatedUnion('ok', [
      z.strictObject({ ok: z.literal(true), certificates: z.number() }),
      z.strictObject({ ok: z.literal(false), message: z.string() }),
    ]),
  },
  /**
   * The system's file dialog for a CA file or folder (Electron); null when cancelled.
   * Browser mode has none (`unsupported`): its form takes the path as text.
   */
  pickCaPath: {
    channel: REQUEST_CHANNELS.pickCaPath,
    input: z.strictObject({ kind: z.enum(['file', 'folder']) }),
    output: z.strictObject({ path: z.string().nullable() }),
  },
  closeSession: {
    channel: REQUEST_CHANNELS.closeSession,
    input: z.strictObject({ sessionId: SessionId }),
    output: Empty,
  },
  forgetSession: {
    channel: REQUEST_CHANNELS.forgetSession,
    input: z.strictObject({ sessionId: SessionId }),
    output: Empty,
  },
  /** "Clear closed" on the tunnels home: forgets every closed session, says how many. */
  forgetClosedSessions: {
    channel: REQUEST_CHANNELS.forgetClosedSessions,
    input: Empty,
    output: z.strictObject({ forgotten: z.number() }),
  },
  reconnectNow: {
    channel: REQUEST_CHANNELS.reconnectNow,
    input: z.strictObject({ sessionId: SessionId }),
    output: Empty,
  },
  checkMapping: {
    channel: REQUEST_CHANNELS.checkMapping,
    input: z.strictObject({
      serviceId: z.string().max(200),
      port: z.string().max(20),
      bindAddress: z.string().max(300),
      /**
       * For a new tunnel's row: also say whether the port is taken on that address, and by
       * which tunnel's service (or another program).
       */
      inUse: z.boolean().optional(),
    }),
    output: MappingCheck,
  },
  /** The connect form's Region or Endpoint, checked as typed by the CLI's own rules. */
  checkTarget: {
    channel: REQUEST_CHANNELS.checkTarget,
    input: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('region'), region: z.string().max(300) }),
      z.strictObject({ kind: z.literal('endpoint'), endpoint: z.string().max(300) }),
    ]),
    output: z.discriminatedUnion('ok', [
      z.strictObject({ ok: z.literal(true), endpoint: z.string() }),
      z.strictObject({ ok: z.literal(false), message: z.string() }),
    ]),
  },
  updateMapping: {
    channel: REQUEST_CHANNELS.updateMapping,
    input: z.strictObject({ sessionId: SessionId, mapping: ServiceMapping }),
    output: ListenerView,
  },
  parseMappingFile: {
    channel: REQUEST_CHANNELS.parseMappingFile,
    input: z.strictObject({ fileName: z.string().max(300), text: z.string().max(1_000_000) }),
    output: z.array(ServiceMapping),
  },
  exportMappingFile: {
    channel: REQUEST_CHANNELS.exportMappingFile,
    input: z.strictObject({ sessionId: SessionId }),
    output: z.strictObject({ fileName: z.string(), text: z.string() }),
  },
  openInBrowser: {
    channel: REQUEST_CHANNELS.openInBrowser,
    input: z.strictObject({
      sessionId: SessionId,
      serviceId: ServiceId,
      scheme: z.enum(['http', 'https']),
    }),
    /**
     * `openedBy`: 'app' when main opened it (Electron: the default browser); 'renderer' when
     * the page must open it itself (browser mode: the operator's own browser, a new tab).
     */
    output: z.strictObject({ url: z.string(), openedBy: z.enum(['app', 'renderer']) }),
  },
  openSsh: {
    channel: REQUEST_CHANNELS.openSsh,
    input: z.strictObject({ sessionId: SessionId, serviceId: ServiceId, user: z.string().max(64) }),
    output: z.strictObject({ command: z.string(), terminal: z.string() }),
  },
  getSshCommand: {
    channel: REQUEST_CHANNELS.getSshCommand,
    input: z.strictObject({ sessionId: SessionId, serviceId: ServiceId, user: z.string().max(64) }),
    output: z.strictObject({ command: z.string() }),
  },
  /** The rows a connections list shows; a live view asks again every stats tick. */
  connections: {
    channel: REQUEST_CHANNELS.connections,
    input: ConnectionsQuery,
    output: ConnectionsPage,
  },
  getHistory: {
    channel: REQUEST_CHANNELS.getHistory,
    input: z.strictObject({ sessionId: SessionId }),
    output: z.array(HistoryPoint),
  },
  getLogs: { channel: REQUEST_CHANNELS.getLogs, input: Empty, output: z.array(LogEntry) },
  getSettings: { channel: REQUEST_CHANNELS.getSettings, input: Empty, output: Settings },
  updateSettings: {
    channel: REQUEST_CHANNELS.updateSettings,
    input: Settings.partial(),
    output: Settings,
  },
  // ---- AWS: profiles, things, tunnels (AWS or the sandbox, through the same API) ----------
  listProfiles: {
    channel: REQUEST_CHANNELS.listProfiles,
    input: Empty,
    output: z.array(ProfileInfo),
  },
  getIdentity: {
    channel: REQUEST_CHANNELS.getIdentity,
    input: z.strictObject({ source: AwsSource }),
    output: CallerIdentity,
  },
  listThings: {
    channel: REQUEST_CHANNELS.listThings,
    input: z.strictObject({
      source: AwsSource,
      namePrefix: z.string().max(128).optional(),
      thingType: z.string().min(1).max(128).optional(),
      attribute: z
        .strictObject({ name: z.string().min(1).max(128), value: z.string().max(800) })
        .optional(),
      nextToken: z.string().min(1).max(4096).optional(),
      maxResults: z.number().int().min(1).max(250).optional(),
    }),
    output: z.strictObject({ things: z.array(ThingInfo), nextToken: z.string().nullable() }),
  },
  describeThing: {
    channel: REQUEST_CHANNELS.describeThing,
    input: z.strictObject({ source: AwsSource, thingName: ThingName }),
    output: ThingInfo,
  },
  /** The ~/.ssh/config block that reaches a thing through `tunneldesk connect --stdio`. */
  getSshConfig: {
    channel: REQUEST_CHANNELS.getSshConfig,
    input: z.strictObject({ source: AwsSource, thingName: ThingName }),
    output: z.strictObject({ config: z.string() }),
  },
  getServiceDefaults: {
    channel: REQUEST_CHANNELS.getServiceDefaults,
    input: z.strictObject({
      thingName: ThingName,
      thingTypeName: z.string().max(128).nullable().optional(),
    }),
    output: z.array(ServiceMapping),
  },
  openTunnel: {
    channel: REQUEST_CHANNELS.openTunnel,
    input: z.strictObject({
      source: AwsSource,
      thingName: ThingName,
      services: z.array(ServiceMapping).min(1).max(3),
      description: z.string().max(2048).optional(),
      tags: z.array(TunnelTag).max(50).optional(),
      /** 1 to 720 minutes (12 h, AWS's maximum, when absent). */
      maxLifetimeMinutes: z.number().int().min(1).max(720).optional(),
      /** The device's local proxy version: V1 for the IoT Device Client (one service). */
      peerVersion: ProtocolVersion.optional(),
    }),
    output: z.strictObject({
      session: SessionView,
      tunnelId: z.string(),
      tunnelArn: z.string(),
      /**
       * Secret, given once: the device's token, for a device without the IoT Device Client
       * (which receives it over MQTT by itself). Never stored or logged by main.
       */
      destinationAccessToken: z.string(),
      expiresAt: z.number().nullable(),
    }),
  },
  describeTunnel: {
    channel: REQUEST_CHANNELS.describeTunnel,
    input: z.strictObject({ source: AwsSource, tunnelId: TunnelId }),
    output: TunnelDetails,
  },
  listTunnels: {
    channel: REQUEST_CHANNELS.listTunnels,
    input: z.strictObject({
      source: AwsSource,
      thingName: ThingName.optional(),
      /** CLOSED tunnels are hidden unless true. */
      includeClosed: z.boolean().optional(),
      nextToken: z.string().min(1).max(4096).optional(),
      maxResults: z.number().int().min(1).max(100).optional(),
    }),
    output: z.strictObject({ tunnels: z.array(TunnelSummary), nextToken: z.string().nullable() }),
  },
  closeTunnel: {
    channel: REQUEST_CHANNELS.closeTunnel,
    input: z.strictObject({
      source: AwsSource,
      tunnelId: TunnelId,
      /** Also delete AWS's record of it at once. */
      delete: z.boolean().optional(),
    }),
    output: Empty,
  },
  rotateSourceToken: {
    channel: REQUEST_CHANNELS.rotateSourceToken,
    input: z.strictObject({ sessionId: SessionId }),
    output: SessionView,
  },
  // ---- tunnels kept across a restart (the OS keychain holds their tokens) -----------------
  listSavedTunnels: {
    channel: REQUEST_CHANNELS.listSavedTunnels,
    input: Empty,
    output: z.array(SavedTunnel),
  },
  /**
   * Connects a saved tunnel again with its saved tokens. Fails with `tunnel-closed` (and the
   * record is forgotten) when the tunnel has closed meanwhile; a token the service refuses
   * ends the session with the reason, and the record is forgotten too.
   */
  reconnectSavedTunnel: {
    channel: REQUEST_CHANNELS.reconnectSavedTunnel,
    input: z.strictObject({ tunnelId: TunnelId }),
    output: SessionView,
  },
  /** Forgets a saved tunnel's tokens; the tunnel itself stays open in AWS. */
  forgetSavedTunnel: {
    channel: REQUEST_CHANNELS.forgetSavedTunnel,
    input: z.strictObject({ tunnelId: TunnelId }),
    output: Empty,
  },
} as const satisfies {
  readonly [K in RequestName]: RequestSpec & { readonly channel: (typeof REQUEST_CHANNELS)[K] };
};

// ---- events: main -> renderer ------------------------------------------------------------------

export const events = {
  /** Sessions were added, removed, or changed state, listeners or services. */
  sessions: { channel: EVENT_CHANNELS.sessions, payload: z.array(SessionView) },
  /**
   * Live figures of every open session, a few times a second: per tunnel and per service,
   * never per connection (see `connections`).
   */
  stats: {
    channel: EVENT_CHANNELS.stats,
    payload: z.strictObject({ at: z.number(), sessions: z.array(SessionStats) }),
  },
  /** New log lines, batched. */
  logs: { channel: EVENT_CHANNELS.logs, payload: z.array(LogEntry) },
  settings: { channel: EVENT_CHANNELS.settings, payload: Settings },
} as const satisfies {
  readonly [K in EventName]: EventSpec & { readonly channel: (typeof EVENT_CHANNELS)[K] };
};

// ---- types derived from the tables -----------------------------------------------------------

export interface RequestSpec {
  readonly channel: `renderer:${string}`;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
}

export interface EventSpec {
  readonly channel: `main:${string}`;
  readonly payload: z.ZodType;
}

export type RequestInput<K extends RequestName> = z.input<(typeof requests)[K]['input']>;
export type RequestOutput<K extends RequestName> = z.output<(typeof requests)[K]['output']>;
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]['payload']>;

/** What main implements: one handler per request, given validated input. */
/** What a request's handler receives: its input after the contract's schema checked it. */
export type HandlerInput<K extends RequestName> = z.output<(typeof requests)[K]['input']>;

export type RequestHandlers = {
  [K in RequestName]: (input: HandlerInput<K>) => Promise<RequestOutput<K>> | RequestOutput<K>;
};

/** What the renderer calls: one named function per request and per event. */
export type TunnelDeskApi = {
  [K in RequestName]: (input: RequestInput<K>) => Promise<RequestOutput<K>>;
} & {
  [K in EventName as EventMethodName<K>]: (
    listener: (payload: EventPayload<K>) => void,
  ) => () => void;
};

// ---- errors and the envelope every transport carries -----------------------------------------

export const AppErrorCode = z.enum(APP_ERROR_CODES);
export type AppErrorCode = z.infer<typeof AppErrorCode>;

export const AppErrorShape = z.strictObject({
  code: AppErrorCode,
  message: z.string(),
  field: z.string().nullable(),
  command: z.string().nullable(),
  action: z.string().nullable(),
}) satisfies z.ZodType<AppErrorShapeType>;
export type AppErrorShape = AppErrorShapeType;

/** What crosses a transport for a request: a value, or an error; never a thrown exception. */
export const Reply = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: AppErrorShape }),
]);
export type Reply = z.infer<typeof Reply>;

/** The request whose channel this is, if any (transports refuse unknown channels). */
export function requestByChannel(channel: string): RequestName | undefined {
  for (const [name, spec] of Object.entries(requests)) {
    if (spec.channel === channel) return name as RequestName;
  }
  return undefined;
}

/**
 * Formats a schema failure so that it names the field: `services[0].port: ...`. A field the
 * contract does not have is named too (`sessionId.extra`, or `extra` at the top), and a
 * failure of the payload as a whole is put on `whole`: `input` for a request's input, what
 * it is for anything else (main's answers and events).
 */
export function describeSchemaError(
  error: z.ZodError,
  whole = 'input',
): { message: string; field: string | null } {
  const issue = error.issues[0];
  if (!issue) return { message: 'invalid input', field: 'input' };
  const path: PropertyKey[] = [...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path.push(issue.keys[0]!);
    message = `not a field of this request${issue.keys.length > 1 ? ` (nor ${issue.keys.slice(1, 4).join(', ')})` : ''}`;
  } else if (
    path.length === 0 &&
    whole === 'input' &&
    issue.code === 'invalid_type' &&
    (issue.expected === 'void' || issue.expected === 'undefined')
  ) {
    message = 'this request takes no input';
  }
  const field = path.length
    ? path
        .map((part, index) =>
          typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`,
        )
        .join('')
    : whole;
  return { message: `${field}: ${message}`, field };
}
