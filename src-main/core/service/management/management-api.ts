/**
 * The management API of the local tunnel service: the same HTTP API as AWS's control plane
 * (IoT Secure Tunneling, the IoT thing registry, STS GetCallerIdentity), on the same port
 * as the data plane, so that the stock AWS SDK v3 clients work against it with only
 * `endpoint` set. It routes a request by what the SDK sends (see each protocol module),
 * requires a SigV4 `Authorization` header (unchecked: any credentials work), answers a
 * failure planned with `failNext` or runs the operation, and writes AWS's error shapes.
 */
import type http from 'node:http';
import type { Logger } from '../../log/logger.js';
import {
  parseJsonBody,
  runTunnelingOperation,
  sendAwsJson,
  sendAwsJsonError,
  tunnelingOperation,
} from './aws-json.js';
import { ManagementError, type ExceptionName } from './errors.js';
import { awsMessage, FaultPlan, type FailureOptions, type OperationName } from './faults.js';
import { readBody, requireSigV4 } from './http-io.js';
import { iotRequest, runIotOperation, sendRestJson, sendRestJsonError } from './rest-json.js';
import {
  isStsRequest,
  sendCallerIdentity,
  sendStsError,
  stsAction,
  type Identity,
} from './sts-query.js';
import { BUILT_IN_THINGS, ThingCatalogue, type ThingSpec } from './things.js';
import { TunnelRegistry, type DataPlane, type RegistryNotice } from './tunnel-registry.js';

export interface ManagementOptions {
  /** The region in ARNs and notify messages; us-east-1 by default. */
  readonly region?: string;
  /** The account in ARNs and GetCallerIdentity; 123456789012 by default. */
  readonly accountId?: string;
  /** Things beside the built-in ones (or instead of them, with builtInThings: false). */
  readonly things?: readonly ThingSpec[];
  readonly builtInThings?: boolean;
  /** OpenTunnel past this many open tunnels answers LimitExceededException; 10 by default. */
  readonly maxOpenTunnels?: number;
}

/** How a request is answered, once routed: its operation, and how to write an error. */
interface Route {
  /** The operation; undefined for one this service does not know (no failure is planned for it). */
  readonly operation: OperationName | undefined;
  readonly fail: (response: http.ServerResponse, error: ManagementError) => void;
  readonly run: (body: Buffer) => (response: http.ServerResponse) => void;
}

export class ManagementApi {
  readonly things: ThingCatalogue;
  readonly tunnels: TunnelRegistry;
  readonly region: string;
  readonly accountId: string;
  private readonly faults = new FaultPlan();

  constructor(
    dataPlane: DataPlane,
    private readonly log: Logger,
    options: ManagementOptions = {},
  ) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.things = new ThingCatalogue(this.region, this.accountId, [
      ...(options.builtInThings === false ? [] : BUILT_IN_THINGS),
      ...(options.things ?? []),
    ]);
    this.tunnels = new TunnelRegistry(dataPlane, {
      region: this.region,
      accountId: this.accountId,
      maxOpenTunnels: options.maxOpenTunnels ?? 10,
    });
  }

  /** Who every caller is (GetCallerIdentity, and the user named in AccessDenied messages). */
  get identity(): Identity {
    return {
      account: this.accountId,
      arn: `arn:aws:iam::${this.accountId}:user/tunneldesk-operator`,
      userId: 'AIDAQTUNNELDESKOPERATOR',
    };
  }

  /**
   * The next call(s) of `operation` fail with `exception` (AWS's status, and AWS's
   * message unless one is given). E.g. `failNext('OpenTunnel', 'LimitExceededException')`.
   */
  failNext(operation: OperationName, exception: ExceptionName, options?: FailureOptions): void {
    this.faults.failNext(operation, exception, options);
  }

  /** Forgets every failure planned with failNext. */
  clearFailures(): void {
    this.faults.clear();
  }

  /** Hears tunnels opened for a thing (the MQTT notify) and closed; returns the unsubscribe. */
  subscribe(listener: (notice: RegistryNotice) => void): () => void {
    return this.tunnels.subscribe(listener);
  }

  /**
   * Answers the request if it is a management call, and says whether it was; anything
   * else is left to the data plane's own answer.
   */
  handle(request: http.IncomingMessage, response: http.ServerResponse): boolean {
    const route = this.route(request);
    if (!route) return false;
    void this.answer(route, request, response);
    return true;
  }

  /** Stops the lifetime timers of every tunnel. */
  close(): void {
    this.tunnels.dispose();
  }

  private route(request: http.IncomingMessage): Route | undefined {
    const path = (request.url ?? '/').split('?')[0];
    const target = request.headers['x-amz-target'];
    if (request.method === 'POST' && path === '/' && typeof target === 'string') {
      const operation = tunnelingOperation(target);
      if (!operation) {
        return {
          operation: undefined,
          fail: sendAwsJsonError,
          run: () => {
            throw new ManagementError('ValidationException', `Unknown operation ${target}`);
          },
        };
      }
      return {
        operation,
        fail: sendAwsJsonError,
        run: (body) => {
          const value = runTunnelingOperation(this.tunnels, operation, parseJsonBody(body));
          return (response) => sendAwsJson(response, value);
        },
      };
    }
    if (path === '/' && isStsRequest(request)) {
      return {
        operation: 'GetCallerIdentity',
        fail: sendStsError,
        run: (body) => {
          const action = stsAction(body);
          if (action !== 'GetCallerIdentity') {
            throw new ManagementError(
              'ValidationException',
              `Could not find operation ${action ?? '(none)'} for version 2011-06-15`,
            );
          }
          return (response) => sendCallerIdentity(response, this.identity);
        },
      };
    }
    const iot = iotRequest(request);
    if (iot) {
      return {
        operation: iot.operation,
        fail: sendRestJsonError,
        run: () => {
          const value = runIotOperation(this.things, iot);
          return (response) => sendRestJson(response, value);
        },
      };
    }
    return undefined;
  }

  private async answer(
    route: Route,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    try {
      const body = await readBody(request);
      requireSigV4(request);
      const operation = route.operation;
      const planned =
        operation &&
        this.faults.take(operation, (exception) =>
          awsMessage(exception, {
            operation,
            identityArn: this.identity.arn,
            resource: this.resourceOf(operation),
          }),
        );
      if (planned) {
        this.log.info(`${operation}: failing on request with ${planned.exception}`);
        throw planned;
      }
      route.run(body)(response);
      this.log.debug(`${operation ?? 'an unknown operation'}: answered`);
    } catch (error) {
      if (response.headersSent) return;
      if (error instanceof ManagementError) {
        this.log.debug(
          `${route.operation ?? 'an unknown operation'}: ${error.exception}: ${error.message}`,
        );
        route.fail(response, error);
        return;
      }
      this.log.error(
        `${route.operation ?? 'an unknown operation'} failed: ${(error as Error).stack ?? String(error)}`,
      );
      route.fail(
        response,
        new ManagementError('InternalFailureException', 'An internal failure occurred'),
      );
    }
  }

  /** The resource an AccessDenied message names, in ARN form. */
  private resourceOf(operation: OperationName): string {
    const prefix = `arn:aws:iot:${this.region}:${this.accountId}`;
    switch (operation) {
      case 'ListThings':
      case 'DescribeThing':
        return `${prefix}:thing/*`;
      case 'GetCallerIdentity':
        return this.identity.arn;
      default:
        return `${prefix}:tunnel/*`;
    }
  }
}
