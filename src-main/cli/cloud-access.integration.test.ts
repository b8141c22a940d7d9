/**
 * CloudAccess with the real SDK clients: against the local service's management API
 * (--endpoint-url, with credentials from a temporary HOME) and against a sandbox started in
 * the process. Tunnels are opened, found by thing and by service, and closed; an unknown
 * thing, missing credentials and an expired SSO session each give one line with its code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsError } from '../aws/errors.js';
import {
  startLocalAws,
  useTempHome,
  type LocalAws,
  type TempHome,
} from '../aws/test-support/local-aws.js';
import { ConfigError } from '../core/config/proxy-config.js';
import { LogLevel, SecretRedactor, silentLogger } from '../core/log/logger.js';
import { CloudAccess, type CloudAccessOptions } from './cloud-access.js';

let local: LocalAws;
let home: TempHome;
let caFile: string;
const opened: CloudAccess[] = [];

beforeEach(async () => {
  home = useTempHome();
  local = await startLocalAws();
  caFile = join(home.dir, 'service-ca.pem');
  writeFileSync(caFile, local.target.ca!);
});
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
  await local.close();
  home.restore();
});

async function access(options: Partial<CloudAccessOptions> = {}): Promise<CloudAccess> {
  const made = await CloudAccess.create(
    { endpointUrl: local.service.managementUrl, caBundle: caFile, ...options },
    { env: process.env, logger: silentLogger, redactor: new SecretRedactor() },
  );
  opened.push(made);
  return made;
}

async function failure(run: () => Promise<unknown>): Promise<AwsError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError);
    return error as AwsError;
  }
  throw new Error('expected an AwsError');
}

describe('CloudAccess through --endpoint-url', () => {
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDCLITEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'cli-test-secret';
  });

  it('opens a tunnel, finds it by thing and by service, and closes it', async () => {
    const cloud = await access();
    const tunnel = await cloud.openTunnel('pump-station-07', ['SSH1', 'HTTP1'], {
      lifetimeMinutes: 30,
    });
    expect(tunnel.sourceAccessToken.length).toBeGreaterThan(10);
    const open = await cloud.findOpenTunnels('pump-station-07');
    expect(open.map((t) => t.tunnelId)).toEqual([tunnel.tunnelId]);
    expect(open[0]).toMatchObject({ services: ['SSH1', 'HTTP1'], maxLifetimeMinutes: 30 });
    expect((await cloud.findTunnelWithService('pump-station-07', 'HTTP1'))?.tunnelId).toBe(
      tunnel.tunnelId,
    );
    expect(await cloud.findTunnelWithService('pump-station-07', 'VNC1')).toBeUndefined();
    expect(await cloud.findOpenTunnels('kiosk-lobby')).toEqual([]);
    await cloud.closeTunnel(tunnel.tunnelId);
    expect(await cloud.findOpenTunnels('pump-station-07')).toEqual([]);
    expect(cloud.dataPlane.endpoint).toMatchObject({ host: '127.0.0.1', secure: true });
    const config = cloud.sourceConfig(tunnel.sourceAccessToken, new Map([['SSH1', 0]]), {
      logLevel: LogLevel.Info,
    });
    expect(config).toMatchObject({ mode: 'source', bindAddress: '127.0.0.1', peerVersion: 'V3' });
  });

  it('names an unknown thing, and opens nothing', async () => {
    const cloud = await access();
    const error = await failure(() => cloud.openTunnel('no-such-thing', ['SSH1']));
    expect(error.code).toBe('not-found');
    expect(error.message).toMatch(/^Thing "no-such-thing" was not found/);
    expect(error.message).not.toContain('\n');
    expect(local.service.listTunnels().filter((t) => t.status === 'OPEN')).toHaveLength(0);
  });

  it('says there are no credentials, in one line', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const cloud = await access();
    const error = await failure(() => cloud.findOpenTunnels());
    expect(error.code).toBe('no-credentials');
    expect(error.message).not.toContain('\n');
  });

  it('gives the aws sso login command for an expired SSO session', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    home.writeAws(
      'config',
      '[profile corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n' +
        'sso_account_id = 111122223333\nsso_role_name = Operator\nregion = eu-west-1\n',
    );
    const cloud = await access({ profile: 'corp' });
    const error = await failure(() => cloud.findOpenTunnels('pump-station-07'));
    expect(error.code).toBe('sso-expired');
    expect(error.message).toContain('aws sso login --profile corp');
  });

  it('refuses a malformed endpoint URL and an unreadable CA bundle before any call', async () => {
    await expect(access({ endpointUrl: 'localhost:8443' })).rejects.toThrow(ConfigError);
    await expect(access({ caBundle: join(home.dir, 'missing.pem') })).rejects.toThrow(
      /--ca-bundle: cannot read/,
    );
  });
});

describe('CloudAccess with --sandbox', () => {
  it('opens and closes tunnels on its own service, and refuses --endpoint-url beside it', async () => {
    const cloud = await CloudAccess.create(
      { sandbox: true, sandboxSshPort: 2222 },
      { env: {}, logger: silentLogger, redactor: new SecretRedactor() },
    );
    opened.push(cloud);
    const tunnel = await cloud.openTunnel('gateway-berlin-01', ['SSH1']);
    expect(await cloud.findTunnelWithService('gateway-berlin-01', 'SSH1')).toMatchObject({
      tunnelId: tunnel.tunnelId,
    });
    await cloud.closeTunnel(tunnel.tunnelId);
    expect(await cloud.findOpenTunnels()).toEqual([]);
    expect(cloud.where).toBe('the sandbox');
    await expect(
      CloudAccess.create(
        { sandbox: true, endpointUrl: 'http://127.0.0.1:1' },
        { env: {}, logger: silentLogger, redactor: new SecretRedactor() },
      ),
    ).rejects.toThrow(/--sandbox runs its own local service/);
  });
});
