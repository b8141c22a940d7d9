/**
 * For the AWS layer's tests: a local tunnel service (its management API over HTTPS with
 * its self-signed certificate) and a temporary HOME with ~/.aws files, so that the real
 * SDK clients and credential providers run without AWS and without touching the user's files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../core/service/certificate.js';
import { TunnelService, type TunnelServiceOptions } from '../../core/service/tunnel-service.js';
import type { AwsTarget } from '../target.js';

export interface LocalAws {
  readonly service: TunnelService;
  /** The service as a stand-in target (placeholder credentials). */
  readonly target: AwsTarget & { kind: 'endpoint' };
  /** The service as an AWS target: credentials from the chain, requests to the service. */
  awsTarget(profile?: string): AwsTarget & { kind: 'aws' };
  close(): Promise<void>;
}

export async function startLocalAws(
  options: Partial<TunnelServiceOptions> = {},
): Promise<LocalAws> {
  const material = await selfSignedCertificate();
  const service = new TunnelService({ tls: material, ...options });
  await service.start();
  return {
    service,
    target: {
      kind: 'endpoint',
      endpoint: service.managementUrl,
      region: 'us-east-1',
      ca: material.cert,
      label: 'the local service',
    },
    awsTarget: (profile) => ({
      kind: 'aws',
      ...(profile === undefined ? {} : { profile }),
      region: 'us-east-1',
      endpoint: service.managementUrl,
      ca: material.cert,
    }),
    close: () => service.close(),
  };
}

/** The AWS variables a test must not inherit from the machine it runs on. */
const AWS_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
];

export interface TempHome {
  readonly dir: string;
  /** Writes ~/.aws/<name>. */
  writeAws(name: string, text: string): void;
  /** Puts back HOME and the AWS variables, and removes the directory. */
  restore(): void;
}

/**
 * A fresh HOME with an empty ~/.aws, and no AWS variables: the SDK's loaders read HOME at
 * each call, so this isolates them. Also turns the instance metadata probe off, in case a
 * provider reached it: nothing here may leave the machine.
 */
export function useTempHome(): TempHome {
  const saved = new Map<string, string | undefined>();
  for (const name of ['HOME', 'USERPROFILE', 'AWS_EC2_METADATA_DISABLED', ...AWS_VARIABLES]) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-home-'));
  mkdirSync(join(dir, '.aws', 'sso', 'cache'), { recursive: true });
  process.env.HOME = dir;
  process.env.USERPROFILE = dir;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  return {
    dir,
    writeAws: (name, text) => writeFileSync(join(dir, '.aws', name), text),
    restore: () => {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
