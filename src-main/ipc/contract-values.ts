/**
 * The parts of the IPC contract that are not schemas: the channel of every request and
 * event, the limits both sides share, and how the live view tells a changed connection row.
 * Kept apart from contract.ts so that the renderer, which needs only these, AppError
 * (app-error.ts) and the contract's types, starts without loading zod. Main checks every
 * request it receives, and every answer and event it sends, against contract.ts's schemas
 * (app/dispatch.ts); contract.ts names its requests and events by these tables, and the
 * compiler holds the two to the same names.
 */
import type { ConnectionStats } from './contract.js';

/** Every request the renderer can make, by name: its channel. */
export const REQUEST_CHANNELS = {
  getAppInfo: 'renderer:get-app-info',
  listSessions: 'renderer:list-sessions',
  openSandbox: 'renderer:open-sandbox',
  connectWithToken: 'renderer:connect-with-token',
  checkCaPath: 'renderer:check-ca-path',
  pickCaPath: 'renderer:pick-ca-path',
  closeSession: 'renderer:close-session',
  forgetSession: 'renderer:forget-session',
  forgetClosedSessions: 'renderer:forget-closed-sessions',
  reconnectNow: 'renderer:reconnect-now',
  checkMapping: 'renderer:check-mapping',
  checkTarget: 'renderer:check-target',
  updateMapping: 'renderer:update-mapping',
  parseMappingFile: 'renderer:parse-mapping-file',
  exportMappingFile: 'renderer:export-mapping-file',
  openInBrowser: 'renderer:open-in-browser',
  openSsh: 'renderer:open-ssh',
  getSshCommand: 'renderer:get-ssh-command',
  connections: 'renderer:connections',
  getHistory: 'renderer:get-history',
  getLogs: 'renderer:get-logs',
  getSettings: 'renderer:get-settings',
  updateSettings: 'renderer:update-settings',
  listProfiles: 'renderer:list-profiles',
  getIdentity: 'renderer:get-identity',
  listThings: 'renderer:list-things',
  describeThing: 'renderer:describe-thing',
  getSshConfig: 'renderer:get-ssh-config',
  getServiceDefaults: 'renderer:get-service-defaults',
  openTunnel: 'renderer:open-tunnel',
  describeTunnel: 'renderer:describe-tunnel',
  listTunnels: 'renderer:list-tunnels',
  closeTunnel: 'renderer:close-tunnel',
  rotateSourceToken: 'renderer:rotate-source-token',
  listSavedTunnels: 'renderer:list-saved-tunnels',
  reconnectSavedTunnel: 'renderer:reconnect-saved-tunnel',
  forgetSavedTunnel: 'renderer:forget-saved-tunnel',
} as const satisfies Record<string, `renderer:${string}`>;

/** Every event main pushes, by name: its channel. */
export const EVENT_CHANNELS = {
  sessions: 'main:sessions',
  stats: 'main:stats',
  logs: 'main:logs',
  settings: 'main:settings',
} as const satisfies Record<string, `main:${string}`>;

export type RequestName = keyof typeof REQUEST_CHANNELS;
export type EventName = keyof typeof EVENT_CHANNELS;

/** `onSessions`, `onStats`, ... */
export type EventMethodName<K extends EventName> = `on${Capitalize<K>}`;

export function eventMethodName<K extends EventName>(name: K): EventMethodName<K> {
  return `on${name[0]!.toUpperCase()}${name.slice(1)}` as EventMethodName<K>;
}

/** The most rows one `connections` request returns: a screenful and its margins. */
export const CONNECTIONS_PAGE_MAX = 200;

/** Points of tunnel history main keeps and the renderer shows: one a second, ten minutes. */
export const HISTORY_POINTS = 600;

/** Every field of a connection's row: two rows equal in these show the same. */
const CONNECTION_FIELDS = [
  'key',
  'serviceId',
  'streamId',
  'connectionId',
  'state',
  'openedAt',
  'closedAt',
  'peer',
  'bytesIn',
  'bytesOut',
  'bytesInPerSecond',
  'bytesOutPerSecond',
] as const satisfies readonly (keyof ConnectionStats)[];

/**
 * Whether two rows are the same connection with the same figures: main leaves such a row
 * out of a page (`null`), and the renderer keeps its old object for it (no re-render).
 */
export function sameConnectionRow(a: ConnectionStats, b: ConnectionStats): boolean {
  return CONNECTION_FIELDS.every((field) => a[field] === b[field]);
}
