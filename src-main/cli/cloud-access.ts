/**
 * The control plane from the command line: where a CLI command's tunnels are managed (AWS
 * with the standard credential chain, an explicit management API with `--endpoint-url`, or
 * a sandbox started in this process with `--sandbox`), and the few things the commands do
 * there: find a thing's open tunnels, find one carrying a service, open a tunnel, close one.
 * Built on the app's own pieces (`aws/*` for the SDK clients and their errors, `Sandbox`
 * for the simulated devices), so the CLI and the app reach AWS the same way.
 *
 * Access tokens are returned to the caller in memory only and added to the redactor; they
 * are never printed, logged or put on a command line.
 */
import { randomUUID } from 'node:crypto';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { createClients, type AwsClients } from '../aws/clients.js';
import { AwsError } from '../aws/errors.js';
import { describeThing } from '../aws/things.js';
import * as tunnels from '../aws/tunnels.js';
import { effectiveProfile, type AwsTarget } from '../aws/target.js';
import { Sandbox } from '../app/sandbox.js';
import { parseRegionEndpoint } from '../core/config/endpoint.js';
import {
  ConfigError,
  type ProxyConfig,
  type ServiceEndpoint,
  type TlsOptions,
} from '../core/config/proxy-config.js';
import type { Logger, LogLevel, SecretRedactor } from '../core/log/logger.js';
import type { ProtocolVersion } from '../core/protocol/wire.js';

/** Where the sandbox's SSH services forward when no port is given (this machine's sshd). */
export const SANDBOX_SSH_PORT_VARIABLE = 'TUNNELDESK_SANDBOX_SSH_PORT';

/** The control-plane options every tunnel command shares (`--profile`, `--region`, …). */
export interface CloudAccessOptions {
  readonly profile?: string;
  readonly region?: string;
  /** `--endpoint-url`: a management API instead of AWS's (`tunneldesk service`'s). */
  readonly endpointUrl?: string;
  /** `--ca-bundle`: a PEM file to trust for the endpoint (a self-signed service's). */
  readonly caBundle?: string;
  /** `--sandbox`: a local service with simulated devices, in this process. */
  readonly sandbox?: boolean;
  /** Where the sandbox's SSH services forward (127.0.0.1:22 unless given). */
  readonly sandboxSshPort?: number;
}

/** A tunnel as the commands show it: its facts, never its tokens. */
export type CloudTunnel = tunnels.TunnelDetails;

/** A tunnel this process opened, with the source token to connect its side. */
export interface OpenedCloudTunnel {
  readonly tunnelId: string;
  readonly thingName: string;
  readonly services: readonly string[];
  /** Secret: held in memory, given to the source proxy, never printed. */
  readonly sourceAccessToken: string;
}

export interface OpenTunnelOptions {
  /** The tunnel's maximum lifetime in minutes (1 to 720; AWS's 720 when absent). */
  readonly lifetimeMinutes?: number;
  readonly description?: string;
}

/** What a source proxy needs besides mappings: where the data plane is and how to trust it. */
export interface DataPlane {
  readonly endpoint: ServiceEndpoint;
  readonly tls: TlsOptions;
}

const ENDPOINT_DEFAULT_REGION = 'us-east-1';

/** The first region of: the flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's region. */
async function resolveRegion(
  options: CloudAccessOptions,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const given = options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  if (given !== undefined) return given;
  const profile = effectiveProfile(options.profile, env as NodeJS.ProcessEnv);
  try {
    const { configFile } = await loadSharedConfigFiles({ ignoreCache: true });
    return configFile[profile]?.region;
  } catch {
    return undefined;
  }
}

function parseEndpointUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      `"${text}" is not a URL; give the management API as http(s)://HOST:PORT`,
      '--endpoint-url',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      `"${text}" is not an http(s) URL; give the management API as http(s)://HOST:PORT`,
      '--endpoint-url',
    );
  }
  return url;
}

/** The data plane of a local service: the same host and port as its management API. */
function dataPlaneOfUrl(url: URL, caBundle: string | undefined): DataPlane {
  const secure = url.protocol === 'https:';
  return {
    endpoint: {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || (secure ? 443 : 80)),
      secure,
      origin: '--endpoint-url',
    },
    tls: { verify: true, ...(caBundle === undefined ? {} : { caPath: caBundle }) },
  };
}

/**
 * One command's way to the control plane. `close()` releases the SDK clients and, with
 * `--sandbox`, stops the sandbox (its tunnels end with it).
 */
export class CloudAccess {
  private constructor(
    readonly clients: AwsClients,
    /** Where the source side connects. */
    readonly dataPlane: DataPlane,
    /** How messages name where the tunnels are: "the sandbox", `profile "ops" in eu-west-1`. */
    readonly where: string,
    private readonly redactor: SecretRedactor,
    private readonly sandbox: Sandbox | undefined,
  ) {}

  /** Checks the options and makes the clients; nothing is called yet (no network). */
  static async create(
    options: CloudAccessOptions,
    context: {
      readonly env: Record<string, string | undefined>;
      readonly logger: Logger;
      readonly redactor: SecretRedactor;
      readonly userAgent?: string;
    },
  ): Promise<CloudAccess> {
    const clientOptions = context.userAgent === undefined ? {} : { userAgent: context.userAgent };
    if (options.sandbox) {
      if (options.endpointUrl !== undefined || options.profile !== undefined) {
        throw new ConfigError(
          '--sandbox runs its own local service: leave out --endpoint-url and --profile',
          '--sandbox',
        );
      }
      const sandbox = new Sandbox(context.logger.child('sandbox'), context.redactor, {
        host: '127.0.0.1',
        port: options.sandboxSshPort ?? 22,
      });
      try {
        const target = await sandbox.target();
        const { host, port } = await sandbox.dataPlane();
        return new CloudAccess(
          createClients(target, clientOptions),
          {
            endpoint: { host, port, secure: true, origin: 'the sandbox' },
            // The sandbox's certificate is self-signed, ours, and on loopback.
            tls: { verify: false },
          },
          'the sandbox',
          context.redactor,
          sandbox,
        );
      } catch (error) {
        await sandbox.close();
        throw error;
      }
    }
    const region = await resolveRegion(options, context.env);
    if (options.endpointUrl !== undefined) {
      const url = parseEndpointUrl(options.endpointUrl);
      const ca = options.caBundle === undefined ? undefined : await readCaBundle(options.caBundle);
      const target: AwsTarget = {
        kind: 'aws',
        ...(options.profile === undefined ? {} : { profile: options.profile }),
        region: region ?? ENDPOINT_DEFAULT_REGION,
        endpoint: url.origin,
        ...(ca === undefined ? {} : { ca }),
      };
      return new CloudAccess(
        createClients(target, clientOptions),
        dataPlaneOfUrl(url, options.caBundle),
        url.origin,
        context.redactor,
        undefined,
      );
    }
    if (region === undefined) {
      throw new ConfigError(
        'no AWS region: give --region, set AWS_REGION, or name a region in the profile (aws configure)',
        '--region',
      );
    }
    const endpoint = parseRegionEndpoint(region, '--region', 'the tunnel');
    const target: AwsTarget = {
      kind: 'aws',
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      region,
    };
    const profile = effectiveProfile(options.profile, context.env as NodeJS.ProcessEnv);
    return new CloudAccess(
      createClients(target, clientOptions),
      { endpoint, tls: { verify: true } },
      `profile "${profile}" in ${region}`,
      context.redactor,
      undefined,
    );
  }

  /** The thing, or AwsError `not-found`: `Thing "x" was not found (…)`. */
  async requireThing(thingName: string): Promise<void> {
    await describeThing(this.clients, thingName);
  }

  /** A tunnel's facts (DescribeTunnel). */
  describeTunnel(tunnelId: string): Promise<CloudTunnel> {
    return tunnels.describeTunnel(this.clients, tunnelId);
  }

  /** Open tunnels, of one thing or all, with their services and sides, newest first. */
  async findOpenTunnels(thingName?: string): Promise<CloudTunnel[]> {
    const found: CloudTunnel[] = [];
    let nextToken: string | undefined;
    do {
      const page = await tunnels.listTunnels(this.clients, {
        ...(thingName === undefined ? {} : { thingName }),
        ...(nextToken === undefined ? {} : { nextToken }),
      });
      for (const summary of page.tunnels) {
        if (summary.status !== 'OPEN') continue;
        found.push(await tunnels.describeTunnel(this.clients, summary.tunnelId));
      }
      nextToken = page.nextToken ?? undefined;
    } while (nextToken !== undefined);
    return found.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  }

  /** The newest open tunnel of the thing that carries the service, if any. */
  async findTunnelWithService(
    thingName: string,
    serviceId: string,
  ): Promise<CloudTunnel | undefined> {
    return (await this.findOpenTunnels(thingName)).find((tunnel) =>
      tunnel.services.includes(serviceId),
    );
  }

  /** Opens a tunnel to the thing (checked first, so an unknown thing is named as such). */
  async openTunnel(
    thingName: string,
    services: readonly string[],
    options: OpenTunnelOptions = {},
  ): Promise<OpenedCloudTunnel> {
    await this.requireThing(thingName);
    const opened = await tunnels.openTunnel(this.clients, {
      thingName,
      services,
      description: options.description ?? `tunneldesk CLI (${services.join(', ')})`,
      ...(options.lifetimeMinutes === undefined
        ? {}
        : { maxLifetimeMinutes: options.lifetimeMinutes }),
    });
    this.redactor.add(opened.sourceAccessToken);
    this.redactor.add(opened.destinationAccessToken);
    return {
      tunnelId: opened.tunnelId,
      thingName,
      services: [...services],
      sourceAccessToken: opened.sourceAccessToken,
    };
  }

  /**
   * A new source token for an open tunnel (RotateTunnelAccessToken, SOURCE): the source
   * connected with the previous token, if any, is disconnected by the service.
   */
  async newSourceToken(tunnelId: string): Promise<string> {
    const token = await tunnels.rotateSourceToken(this.clients, tunnelId);
    this.redactor.add(token);
    return token;
  }

  closeTunnel(tunnelId: string): Promise<void> {
    return tunnels.closeTunnel(this.clients, tunnelId);
  }

  /** A source proxy's configuration for a tunnel: the data plane, the token, the ports. */
  sourceConfig(
    accessToken: string,
    ports: ReadonlyMap<string, number>,
    settings: { readonly logLevel: LogLevel; readonly peerVersion?: ProtocolVersion },
  ): ProxyConfig {
    const clientToken = randomUUID();
    this.redactor.add(accessToken);
    this.redactor.add(clientToken);
    return {
      mode: 'source',
      accessToken,
      clientToken,
      clientTokenGenerated: true,
      endpoint: this.dataPlane.endpoint,
      tls: this.dataPlane.tls,
      bindAddress: '127.0.0.1',
      mappings: { mode: 'source', ports },
      mappingFiles: [],
      peerVersion: settings.peerVersion ?? 'V3',
      logLevel: settings.logLevel,
    };
  }

  /** Releases the clients; with --sandbox, stops it (and so its tunnels). */
  async close(): Promise<void> {
    this.clients.destroy();
    await this.sandbox?.close();
  }
}

async function readCaBundle(file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}); give a PEM certificate file`,
      '--ca-bundle',
    );
  }
}

/** Whether an error is one the operator can act on from its message alone (one line). */
export function isOperatorError(error: unknown): error is AwsError | ConfigError {
  return error instanceof AwsError || error instanceof ConfigError;
}
