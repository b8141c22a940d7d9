/**
 * The SDK clients of one target (IoT Secure Tunneling, IoT, STS), sharing credentials,
 * retry strategy and HTTP agent. For AWS they resolve credentials with the standard
 * chain; for a stand-in they are pointed at its endpoint with placeholder credentials,
 * since it checks that requests are signed but not by whom.
 */
import https from 'node:https';
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTSecureTunnelingClient } from '@aws-sdk/client-iotsecuretunneling';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { credentialsFor } from './credentials.js';
import { TunnelingRetryStrategy, type RetryOptions } from './retry.js';
import { targetKey, type AwsTarget } from './target.js';

/** Placeholder credentials for a stand-in: not secret, and never sent to AWS. */
const STAND_IN_CREDENTIALS = {
  accessKeyId: 'AKIDTUNNELDESKLOCAL',
  secretAccessKey: 'tunneldesk-local-service-ignores-signatures',
};

export interface AwsClients {
  readonly target: AwsTarget;
  readonly tunneling: IoTSecureTunnelingClient;
  readonly iot: IoTClient;
  readonly sts: STSClient;
  readonly retry: TunnelingRetryStrategy;
  destroy(): void;
}

export interface ClientOptions {
  readonly retry?: RetryOptions;
  /** Added to the SDK's user agent, e.g. tunneldesk/0.1.0. */
  readonly userAgent?: string;
}

export function createClients(target: AwsTarget, options: ClientOptions = {}): AwsClients {
  const retry = new TunnelingRetryStrategy(options.retry);
  const common = {
    region: target.region,
    retryStrategy: retry,
    ...(options.userAgent === undefined ? {} : { customUserAgent: options.userAgent }),
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    // A stand-in checks that requests are signed, not by whom.
    credentials: target.kind === 'aws' ? credentialsFor(target.profile) : STAND_IN_CREDENTIALS,
    // Trust that certificate for the endpoint (Node then trusts it instead of its roots).
    ...(target.ca === undefined
      ? {}
      : {
          requestHandler: new NodeHttpHandler({
            httpsAgent: new https.Agent({ keepAlive: true, ca: target.ca }),
          }),
        }),
  };
  const tunneling = new IoTSecureTunnelingClient(common);
  const iot = new IoTClient(common);
  const sts = new STSClient(common);
  return {
    target,
    tunneling,
    iot,
    sts,
    retry,
    destroy: () => {
      tunneling.destroy();
      iot.destroy();
      sts.destroy();
    },
  };
}

/**
 * Clients kept per target, so that credentials are resolved once and connections reused;
 * dropped after a credentials failure, so that the next call reads the files again.
 */
export class ClientCache {
  private readonly clients = new Map<string, AwsClients>();

  constructor(private readonly options: ClientOptions = {}) {}

  get(target: AwsTarget): AwsClients {
    const key = targetKey(target);
    let clients = this.clients.get(key);
    if (!clients) {
      clients = createClients(target, this.options);
      this.clients.set(key, clients);
    }
    return clients;
  }

  evict(target: AwsTarget): void {
    const key = targetKey(target);
    this.clients.get(key)?.destroy();
    this.clients.delete(key);
  }

  destroyAll(): void {
    for (const clients of this.clients.values()) clients.destroy();
    this.clients.clear();
  }
}
