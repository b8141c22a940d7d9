/**
 * Where the tunnel of `connect`/`ssh` comes from: AWS through the credential chain (or an
 * API endpoint with the same API), or the built-in sandbox, always through the real AWS SDK
 * clients. An open tunnel to the thing that carries the service and whose source side
 * nobody holds is reused (with a new source token: the device keeps its connection);
 * otherwise one is opened, and closed again by whoever opened it.
 */
import { CloudAccess, type CloudAccessOptions } from './cloud-access.js';
import { AwsError } from '../aws/errors.js';
import type { ServiceEndpoint, TlsOptions } from '../core/config/proxy-config.js';
import type { Logger, SecretRedactor } from '../core/log/logger.js';

/** How the command reaches the control plane, from its flags (cloud-access's options). */
export type TargetChoice = CloudAccessOptions;

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
  return choice.sandbox
    ? `sandbox|${choice.sandboxSshPort ?? 22}`
    : `aws|${choice.profile ?? ''}|${choice.region ?? ''}|${choice.endpointUrl ?? ''}`;
}

/** The SSH service of a tunnel: the one named, else SSH1. */
export const DEFAULT_SSH_SERVICE = 'SSH1';

/**
 * Finds (or opens) a tunnel to `thingName` carrying `serviceId`, and a source token for it.
 * A tunnel whose source side is connected is someone else's (the app, another tool): a new
 * source token would knock them out, so such a tunnel is left alone and another is opened.
 */
export async function acquireTunnel(
  choice: TargetChoice,
  thingName: string,
  serviceId: string,
  log: Logger,
  redactor: SecretRedactor,
  env: Record<string, string | undefined>,
  /** Ctrl-C: stop at the next step; a tunnel already being opened is closed again. */
  signal?: AbortSignal,
): Promise<HeldTunnel> {
  const step = <T>(work: Promise<T>): Promise<T> => untilAborted(work, signal);
  const access = await step(CloudAccess.create(choice, { env, logger: log, redactor }));
  try {
    await step(access.requireThing(thingName));
    const found = (await step(access.findOpenTunnels(thingName))).find(
      (tunnel) => tunnel.services.includes(serviceId) && !tunnel.source.connected,
    );
    const held = (tunnelId: string, sourceToken: string, opened: boolean): HeldTunnel => ({
      tunnelId,
      thingName,
      serviceId,
      sourceToken,
      endpoint: access.dataPlane.endpoint,
      tls: access.dataPlane.tls,
      opened,
      close: () => access.closeTunnel(tunnelId),
      waitForDevice: () => waitForDevice(access, tunnelId, thingName),
      dispose: () => access.close(),
    });
    if (found) {
      log.info(`reusing open tunnel ${found.tunnelId} to ${thingName} (a new source token)`);
      return held(found.tunnelId, await step(access.newSourceToken(found.tunnelId)), false);
    }
    // Not raced with Ctrl-C: once asked for, the tunnel is ours to close, so wait for its id.
    const opened = await access.openTunnel(thingName, [serviceId], {
      description: `tunneldesk ${serviceId} to ${thingName}`,
    });
    if (signal?.aborted) {
      await access.closeTunnel(opened.tunnelId).catch(() => {});
      throw new Interrupted();
    }
    log.info(`opened tunnel ${opened.tunnelId} to ${thingName} (${serviceId})`);
    return held(opened.tunnelId, opened.sourceAccessToken, true);
  } catch (error) {
    await access.close();
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
  access: CloudAccess,
  tunnelId: string,
  thingName: string,
): Promise<void> {
  const deadline = Date.now() + DEVICE_TIMEOUT_MS;
  for (;;) {
    const details = await access.describeTunnel(tunnelId);
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
