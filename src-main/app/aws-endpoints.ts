/**
 * Where a source's calls and tunnels go: AWS's regional endpoints (the management API for
 * the SDK clients, the data plane for the source side), the sandbox's, or one stand-in for
 * every AWS source.
 */
import type { AwsTarget } from '../aws/target.js';
import { parseRegionEndpoint } from '../core/config/endpoint.js';
import type { ServiceEndpoint } from '../core/config/proxy-config.js';
import type { AwsSource } from '../ipc/contract.js';
import type { Sandbox } from './sandbox.js';

/**
 * One stand-in for AWS's regional endpoints, for every AWS source: its management API and
 * its data plane. Tests point it at the local tunnel service, which outlives an app as AWS
 * does, so that a tunnel opened by one app can be reconnected by the next.
 */
export interface AwsEndpoints {
  /** The management API, e.g. https://127.0.0.1:8443. */
  readonly api: string;
  /** A PEM certificate to trust for the API (a self-signed one). */
  readonly ca?: string;
  readonly dataPlane: ServiceEndpoint;
  readonly verifyTls: boolean;
}

/** Where the source side of a tunnel connects, and whether its certificate is checked. */
export interface DataPlane {
  readonly endpoint: ServiceEndpoint;
  readonly verifyTls: boolean;
}

/** The SDK clients' target of a source. */
export async function targetOf(
  source: AwsSource,
  sandbox: Sandbox,
  redirect: AwsEndpoints | undefined,
): Promise<AwsTarget> {
  if (source.kind === 'sandbox') return sandbox.target();
  return {
    kind: 'aws',
    region: source.region,
    ...(source.profile === undefined ? {} : { profile: source.profile }),
    ...(redirect === undefined
      ? {}
      : { endpoint: redirect.api, ...(redirect.ca === undefined ? {} : { ca: redirect.ca }) }),
  };
}

/** Where the source side connects: the region's data plane, or the sandbox's. */
export async function dataPlaneOf(
  source: AwsSource,
  sandbox: Sandbox,
  redirect: AwsEndpoints | undefined,
): Promise<DataPlane> {
  if (source.kind === 'aws') {
    if (redirect) return { endpoint: redirect.dataPlane, verifyTls: redirect.verifyTls };
    return {
      endpoint: parseRegionEndpoint(source.region, 'region', 'the tunnel'),
      verifyTls: true,
    };
  }
  const { host, port } = await sandbox.dataPlane();
  // The sandbox's certificate is self-signed, and it is ours, on loopback.
  return { endpoint: { host, port, secure: true, origin: 'sandbox' }, verifyTls: false };
}
