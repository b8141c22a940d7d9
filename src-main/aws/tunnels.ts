/**
 * Tunnel management through the IoT Secure Tunneling API: open (with the thing, its
 * services, description, tags and lifetime), describe (each side's connection), list (a
 * thing's tunnels, closed ones hidden unless asked for), close (optionally deleting), and
 * a new source token (RotateTunnelAccessToken, clientMode SOURCE). Access tokens are
 * handed to the caller and nowhere else.
 */
import {
  CloseTunnelCommand,
  DescribeTunnelCommand,
  ListTunnelsCommand,
  OpenTunnelCommand,
  RotateTunnelAccessTokenCommand,
  type ConnectionState,
} from '@aws-sdk/client-iotsecuretunneling';
import { awsCall } from './call.js';
import type { AwsClients } from './clients.js';
import { AwsError } from './errors.js';

export interface TunnelTag {
  readonly key: string;
  readonly value: string;
}

export interface OpenTunnelRequest {
  readonly thingName: string;
  /** Service ids, e.g. SSH1, HTTP1 (AWS allows 1 to 3). */
  readonly services: readonly string[];
  readonly description?: string;
  readonly tags?: readonly TunnelTag[];
  /** 1 to 720 minutes; AWS's 720 (12 h) when absent. */
  readonly maxLifetimeMinutes?: number;
}

export interface OpenedTunnel {
  readonly tunnelId: string;
  readonly tunnelArn: string;
  /** Secret: this app's side. */
  readonly sourceAccessToken: string;
  /** Secret: the device's side. */
  readonly destinationAccessToken: string;
}

/** One side of a tunnel: connected or not, and since when (ms since the epoch). */
export interface SideInfo {
  readonly connected: boolean;
  readonly lastUpdatedAt: number | null;
}

export interface TunnelSummary {
  readonly tunnelId: string;
  readonly tunnelArn: string;
  readonly status: 'OPEN' | 'CLOSED';
  readonly description: string | null;
  readonly createdAt: number | null;
  readonly lastUpdatedAt: number | null;
}

export interface TunnelDetails extends TunnelSummary {
  readonly thingName: string | null;
  readonly services: string[];
  readonly source: SideInfo;
  readonly destination: SideInfo;
  readonly maxLifetimeMinutes: number | null;
  readonly tags: TunnelTag[];
}

export interface TunnelListQuery {
  readonly thingName?: string;
  /** CLOSED tunnels are hidden unless this is true. */
  readonly includeClosed?: boolean;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface TunnelPage {
  readonly tunnels: TunnelSummary[];
  readonly nextToken: string | null;
}

/** AWS pages read per call while they hold only closed tunnels. */
const MAX_PAGES_PER_LIST = 5;

function status(value: string | undefined): 'OPEN' | 'CLOSED' {
  return value === 'OPEN' ? 'OPEN' : 'CLOSED';
}

function side(state: ConnectionState | undefined): SideInfo {
  return {
    connected: state?.status === 'CONNECTED',
    lastUpdatedAt: state?.lastUpdatedAt?.getTime() ?? null,
  };
}

export async function openTunnel(
  clients: AwsClients,
  request: OpenTunnelRequest,
): Promise<OpenedTunnel> {
  const opened = await awsCall(clients, 'OpenTunnel', `thing "${request.thingName}"`, () =>
    clients.tunneling.send(
      new OpenTunnelCommand({
        destinationConfig: { thingName: request.thingName, services: [...request.services] },
        ...(request.description ? { description: request.description } : {}),
        ...(request.tags?.length ? { tags: request.tags.map((tag) => ({ ...tag })) } : {}),
        ...(request.maxLifetimeMinutes === undefined
          ? {}
          : { timeoutConfig: { maxLifetimeTimeoutMinutes: request.maxLifetimeMinutes } }),
      }),
    ),
  );
  const { tunnelId, tunnelArn, sourceAccessToken, destinationAccessToken } = opened;
  if (!tunnelId || !tunnelArn || !sourceAccessToken || !destinationAccessToken) {
    throw new AwsError('aws-failed', 'OpenTunnel answered without a tunnel id or its tokens');
  }
  return { tunnelId, tunnelArn, sourceAccessToken, destinationAccessToken };
}

export async function describeTunnel(
  clients: AwsClients,
  tunnelId: string,
): Promise<TunnelDetails> {
  const { tunnel } = await awsCall(clients, 'DescribeTunnel', `tunnel ${tunnelId}`, () =>
    clients.tunneling.send(new DescribeTunnelCommand({ tunnelId })),
  );
  if (!tunnel) throw new AwsError('aws-failed', 'DescribeTunnel answered without a tunnel');
  return {
    tunnelId: tunnel.tunnelId ?? tunnelId,
    tunnelArn: tunnel.tunnelArn ?? '',
    status: status(tunnel.status),
    description: tunnel.description ?? null,
    createdAt: tunnel.createdAt?.getTime() ?? null,
    lastUpdatedAt: tunnel.lastUpdatedAt?.getTime() ?? null,
    thingName: tunnel.destinationConfig?.thingName ?? null,
    services: [...(tunnel.destinationConfig?.services ?? [])],
    source: side(tunnel.sourceConnectionState),
    destination: side(tunnel.destinationConnectionState),
    maxLifetimeMinutes: tunnel.timeoutConfig?.maxLifetimeTimeoutMinutes ?? null,
    tags: (tunnel.tags ?? []).map((tag) => ({ key: tag.key ?? '', value: tag.value ?? '' })),
  };
}

/**
 * ListTunnels. Closed tunnels are filtered out here unless asked for; when a whole page
 * of AWS's holds only closed ones, the next is read too (within a bound), so that a list
 * of open tunnels does not come back empty while more may follow.
 */
export async function listTunnels(
  clients: AwsClients,
  query: TunnelListQuery,
): Promise<TunnelPage> {
  const tunnels: TunnelSummary[] = [];
  let nextToken = query.nextToken;
  for (let page = 0; page < MAX_PAGES_PER_LIST; page++) {
    const answer = await awsCall(
      clients,
      'ListTunnels',
      query.thingName === undefined ? undefined : `thing "${query.thingName}"`,
      () =>
        clients.tunneling.send(
          new ListTunnelsCommand({
            ...(query.thingName === undefined ? {} : { thingName: query.thingName }),
            ...(query.maxResults === undefined ? {} : { maxResults: query.maxResults }),
            ...(nextToken === undefined ? {} : { nextToken }),
          }),
        ),
    );
    for (const summary of answer.tunnelSummaries ?? []) {
      if (!summary.tunnelId) continue;
      const entry: TunnelSummary = {
        tunnelId: summary.tunnelId,
        tunnelArn: summary.tunnelArn ?? '',
        status: status(summary.status),
        description: summary.description ?? null,
        createdAt: summary.createdAt?.getTime() ?? null,
        lastUpdatedAt: summary.lastUpdatedAt?.getTime() ?? null,
      };
      if (entry.status === 'CLOSED' && !query.includeClosed) continue;
      tunnels.push(entry);
    }
    nextToken = answer.nextToken || undefined;
    if (nextToken === undefined || tunnels.length > 0) break;
  }
  return { tunnels, nextToken: nextToken ?? null };
}

export async function closeTunnel(
  clients: AwsClients,
  tunnelId: string,
  options: { delete?: boolean } = {},
): Promise<void> {
  await awsCall(clients, 'CloseTunnel', `tunnel ${tunnelId}`, () =>
    clients.tunneling.send(new CloseTunnelCommand({ tunnelId, delete: options.delete ?? false })),
  );
}

/** A new source token for a tunnel (the old one stops working); the device's is untouched. */
export async function rotateSourceToken(clients: AwsClients, tunnelId: string): Promise<string> {
  const rotated = await awsCall(clients, 'RotateTunnelAccessToken', `tunnel ${tunnelId}`, () =>
    clients.tunneling.send(new RotateTunnelAccessTokenCommand({ tunnelId, clientMode: 'SOURCE' })),
  );
  if (!rotated.sourceAccessToken) {
    throw new AwsError('aws-failed', 'RotateTunnelAccessToken answered without a source token');
  }
  return rotated.sourceAccessToken;
}
