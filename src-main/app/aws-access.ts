/**
 * The AWS SDK clients of every source, one set per target (a region and profile, the
 * sandbox's management API, or the stand-in tests give), and where each source's tunnels
 * connect. The tunnel requests, the saved tunnels and the tunnels' sessions share it, so
 * that a set of clients is made once and released once.
 */
import type { AwsClients, ClientCache } from '../aws/clients.js';
import { loadControlPlane, type ControlPlane } from '../aws/load-control-plane.js';
import type { RetryOptions } from '../aws/retry.js';
import type { AwsTarget } from '../aws/target.js';
import { AppError, CREDENTIAL_ERROR_CODES, type AwsSource } from '../ipc/contract.js';
import { asAppErrors } from './aws-app-errors.js';
import { dataPlaneOf, targetOf, type AwsEndpoints, type DataPlane } from './aws-endpoints.js';
import type { Sandbox } from './sandbox.js';

export interface AwsAccessOptions {
  readonly sandbox: Sandbox;
  /** Where AWS sources go instead of AWS's regional endpoints (tests: the local service). */
  readonly awsEndpoints?: AwsEndpoints;
  readonly retry?: RetryOptions;
  readonly userAgent?: string;
}

export class AwsAccess {
  /** Made with the SDK's first use (see load-control-plane.ts). */
  private clients: ClientCache | undefined;

  constructor(private readonly options: AwsAccessOptions) {}

  /** The SDK's calls (tunnels, things, identity), loaded on first use. */
  controlPlane(): Promise<ControlPlane> {
    return loadControlPlane();
  }

  private cacheOf(plane: ControlPlane): ClientCache {
    return (this.clients ??= new plane.ClientCache({
      ...(this.options.retry === undefined ? {} : { retry: this.options.retry }),
      ...(this.options.userAgent === undefined ? {} : { userAgent: this.options.userAgent }),
    }));
  }

  /** The SDK clients' target of a source. */
  targetOf(source: AwsSource): Promise<AwsTarget> {
    return targetOf(source, this.options.sandbox, this.options.awsEndpoints);
  }

  /** Where the source side of a tunnel connects, and whether its certificate is checked. */
  dataPlaneOf(source: AwsSource): Promise<DataPlane> {
    return dataPlaneOf(source, this.options.sandbox, this.options.awsEndpoints);
  }

  /** The clients of a target; their failures are the AWS layer's AwsErrors. */
  async clientsOf(target: AwsTarget): Promise<AwsClients> {
    return this.cacheOf(await loadControlPlane()).get(target);
  }

  /**
   * Runs a request with a source's clients and the SDK's calls; its failures come back as
   * AppErrors.
   */
  async withClients<T>(
    source: AwsSource,
    run: (clients: AwsClients, plane: ControlPlane) => Promise<T>,
  ): Promise<T> {
    const target = await this.targetOf(source);
    const plane = await loadControlPlane();
    const cache = this.cacheOf(plane);
    try {
      return await asAppErrors(() => run(cache.get(target), plane));
    } catch (error) {
      // Credentials are read afresh next time (after `aws sso login`, say).
      if (error instanceof AppError && CREDENTIAL_ERROR_CODES.has(error.code)) cache.evict(target);
      throw error;
    }
  }

  /** Releases every client's connections (the app quits). */
  destroyAll(): void {
    this.clients?.destroyAll();
  }
}
