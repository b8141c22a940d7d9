/**
 * Where the tunnel of `connect`/`ssh` comes from: AWS through the credential chain (or an
 * API endpoint with the same API), or the built-in sandbox, always through the real AWS SDK
 * clients. An open tunnel to the thing that carries the service and whose source side
 * nobody holds is reused (with a new source token: the device keeps its connection);
 * otherwise one is opened, and closed again by whoever opened it.
 */
import type { AwsClients } from '../aws/clients.js';
import { createClients } from '../aws/clients.js';
import { AwsError } from '../aws/errors.js';
import type { AwsTarget } from '../aws/target.js';
import { describeThing } from '../aws/things.js';
import {
  closeTunnel,
  describeTunnel,
  listTunnels,
  openTunnel,
  rotateSourceToken,
} from '../aws/tunnels.js';
import { Sandbox } from '../app/sandbox.js';
import { regionEndpointHost } from '../core/config/endpoint.js';
import type { ServiceEndpoint, TlsOptions } from '../core/config/proxy-config.js';
import type { Logger, SecretRedactor } from '../core/log/logger.js';

/** How the command reaches the control plane, from its flags. */
export type TargetChoice =
  | {
      readonly kind: 'sandbox';
      /** Where the sandbox device's SSH services go on this machine (22 by default). */
      readonly sshPort?: number;
    }
  | {
      readonly kind: 'aws';
      readonly profile?: string;
      readonly region: string;
      readonly endpointUrl?: string;
    };

/** A tunnel whose source side this process may now connect. */
export interface HeldTunnel {
  readonly tunnelId: string;
  readonly thingName: string;
  readonly serviceId: string;
  /** Secret: the source access token. */
  readonly sourceToken: string;
  readonly endpoint: ServiceEndpoint;
  readonly tls: TlsOptions;
  /** Whether this process opened it (then it closes it when done, unless kept). */
  readonly opened: boolean;
  /** CloseTunnel. */
  close(): Promise<void>;
  /** Resolves once the device's side is connected; rejects with why not, after a while. */
  waitForDevice(): Promise<void>;
  /** Stops what was started to reach it (the sandbox, the SDK clients). */
  dispose(): Promise<void>;
}

/** A stable key of the target, for the control socket's name. */
export function targetKeyOf(choice: TargetChoice): string {
  return choice.kind === 'sandbox'
    ? `sandbox|${choice.sshPort ?? 22}`
    : `aws|${choice.profile ?? ''}|${choice.region}|${choice.endpointUrl ?? ''}`;
}

/** The SSH service of a tunnel: the one named, else SSH1. */
export const DEFAULT_SSH_SERVICE = 'SSH1';

/** Finds (or opens) a tunnel to `thingName` carrying `serviceId`, and a source token for it. */
export async function acquireTunnel(
  choice: TargetChoice,
  thingName: string,
  serviceId: string,
  log: Logger,
  redactor: SecretRedactor,
  /** Ctrl-C: stop at the next step; a tunnel already being opened is closed again. */
  signal?: AbortSignal,
): Promise<HeldTunnel> {
  const step = <T>(work: Promise<T>): Promise<T> => untilAborted(work, signal);
  let sandbox: Sandbox | undefined;
  let clients: AwsClients | undefined;
  const dispose = async (): Promise<void> => {
    clients?.destroy();
    await sandbox?.close();
  };
  try {
    let endpoint: ServiceEndpoint;
    let tls: TlsOptions;
    if (choice.kind === 'sandbox') {
      sandbox = new Sandbox(
        log.child('sandbox'),
        redactor,
        choice.sshPort === undefined ? undefined : { host: '127.0.0.1', port: choice.sshPort },
      );
      clients = createClients(await step(sandbox.target()));
      const plane = await step(sandbox.dataPlane());
      // The sandbox's own self-signed certificate, on loopback.
      endpoint = { ...plane, secure: true, origin: 'the sandbox' };
      tls = { verify: false };
    } else {
      const target: AwsTarget = {
        kind: 'aws',
        region: choice.region,
        ...(choice.profile === undefined ? {} : { profile: choice.profile }),
        ...(choice.endpointUrl === undefined ? {} : { endpoint: choice.endpointUrl }),
      };
      clients = createClients(target);
      endpoint = choice.endpointUrl
        ? endpointOfUrl(choice.endpointUrl)
        : {
            host: regionEndpointHost(choice.region),
            port: 443,
            secure: true,
            origin: `region ${choice.region}`,
          };
      tls = { verify: true };
    }
    await step(describeThing(clients, thingName));
    const found = await step(reusable(clients, thingName, serviceId));
    const held = (tunnelId: string, sourceToken: string, opened: boolean): HeldTunnel => {
      redactor.add(sourceToken);
      return {
        tunnelId,
        thingName,
        serviceId,
        sourceToken,
        endpoint,
        tls,
        opened,
        close: () => closeTunnel(clients!, tunnelId),
        waitForDevice: () => waitForDevice(clients!, tunnelId, thingName),
        dispose,
      };
    };
    if (found) {
      log.info(`reusing open tunnel ${found} to ${thingName} (a new source token)`);
      return held(found, await step(rotateSourceToken(clients, found)), false);
    }
    // Not raced with Ctrl-C: once asked for, the tunnel is ours to close, so wait for its id.
    const opened = await openTunnel(clients, {
      thingName,
      services: [serviceId],
      description: `tunneldesk ${serviceId} to ${thingName}`,
    });
    redactor.add(opened.destinationAccessToken);
    if (signal?.aborted) {
      await closeTunnel(clients, opened.tunnelId).catch(() => {});
      throw new Interrupted();
    }
    log.info(`opened tunnel ${opened.tunnelId} to ${thingName} (${serviceId})`);
    return held(opened.tunnelId, opened.sourceAccessToken, true);
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** How long a device may take to connect its side of a tunnel. */
const DEVICE_TIMEOUT_MS = 30_000;

/**
 * Polls DescribeTunnel until the destination is connected: a connection started before the
 * device is there is reset by the service at once, which ssh would report as a closed
 * connection with no reason.
 */
async function waitForDevice(
  clients: AwsClients,
  tunnelId: string,
  thingName: string,
): Promise<void> {
  const deadline = Date.now() + DEVICE_TIMEOUT_MS;
  for (;;) {
    const details = await describeTunnel(clients, tunnelId);
    if (details.status !== 'OPEN') {
      throw new AwsError('not-found', `tunnel ${tunnelId} to ${thingName} was closed`);
    }
    if (details.destination.connected) return;
    if (Date.now() > deadline) {
      throw new AwsError(
        'aws-failed',
        `the device ${thingName} did not connect to tunnel ${tunnelId} within ${DEVICE_TIMEOUT_MS / 1000} s; is its IoT Device Client (or destination proxy) running?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ctrl-C came while getting the tunnel; whatever was opened is closed again. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor() {
    super('interrupted; nothing is left open');
  }
}

/** `work`, or an Interrupted as soon as the signal aborts. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** An open tunnel to the thing with the service and no source connected, if any. */
async function reusable(
  clients: AwsClients,
  thingName: string,
  serviceId: string,
): Promise<string | undefined> {
  const page = await listTunnels(clients, { thingName });
  for (const summary of page.tunnels) {
    try {
      const details = await describeTunnel(clients, summary.tunnelId);
      if (
        details.status === 'OPEN' &&
        details.services.includes(serviceId) &&
        !details.source.connected
      ) {
        return summary.tunnelId;
      }
    } catch (error) {
      if (error instanceof AwsError && error.code === 'not-found') continue;
      throw error;
    }
  }
  return undefined;
}

/** The data plane beside an API endpoint (the local service serves both on one port). */
function endpointOfUrl(url: string): ServiceEndpoint {
  const parsed = new URL(url);
  const secure = parsed.protocol !== 'http:';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 443 : 80,
    secure,
    origin: `--endpoint-url ${url}`,
  };
}
