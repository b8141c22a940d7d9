/**
 * Credentials through the real SDK providers, from a temporary HOME, against the local
 * service (which takes any signed request): static profiles and environment variables
 * work; an SSO profile whose cached token has expired and a machine without credentials
 * give the operator the exact next step.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClients, type AwsClients } from './clients.js';
import { AwsError } from './errors.js';
import { getIdentity } from './identity.js';
import {
  startLocalAws,
  useTempHome,
  type LocalAws,
  type TempHome,
} from './test-support/local-aws.js';
import type { AwsTarget } from './target.js';

let local: LocalAws;
let home: TempHome;
const made: AwsClients[] = [];
beforeAll(async () => {
  local = await startLocalAws();
});
afterAll(() => local.close());
beforeEach(() => {
  home = useTempHome();
});
afterEach(() => {
  while (made.length) made.pop()!.destroy();
  home.restore();
});

function clients(target: AwsTarget): AwsClients {
  const created = createClients(target);
  made.push(created);
  return created;
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

/** Where the SDK looks for an SSO token: ~/.aws/sso/cache/sha1(session name or start URL).json. */
function ssoCacheFile(id: string): string {
  return `sso/cache/${createHash('sha1').update(id).digest('hex')}.json`;
}

const EXPIRED = new Date(Date.now() - 3_600_000).toISOString();

describe('credentials', () => {
  it('uses the keys of a static profile, and of the environment', async () => {
    home.writeAws(
      'credentials',
      '[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops-secret\n',
    );
    const identity = await getIdentity(clients(local.awsTarget('ops')));
    expect(identity).toEqual({
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/tunneldesk-operator',
      userId: 'AIDAQTUNNELDESKOPERATOR',
    });
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    expect((await getIdentity(clients(local.awsTarget()))).account).toBe('123456789012');
  });

  it('says how to configure credentials when there are none at all', async () => {
    const error = await failure(() => getIdentity(clients(local.awsTarget())));
    expect(error.code).toBe('no-credentials');
    expect(error.message).toMatch(
      /^No AWS credentials found\. Configure them with `aws configure` \(access keys\), `aws configure sso` \(IAM Identity Center\), or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables\./,
    );
  });

  it('names a profile that does not exist', async () => {
    home.writeAws('config', '[profile ops]\nregion = us-east-1\n');
    const error = await failure(() => getIdentity(clients(local.awsTarget('nope'))));
    expect(error.code).toBe('no-credentials');
    expect(error.message).toContain('No AWS credentials found for profile "nope".');
  });

  it('gives the exact aws sso login command for an expired SSO session (sso-session profile)', async () => {
    home.writeAws(
      'config',
      [
        '[profile sso-dev]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = Operator',
        'region = eu-central-1',
        '',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );
    home.writeAws(
      ssoCacheFile('corp'),
      JSON.stringify({ accessToken: 'expired-sso-access-token', expiresAt: EXPIRED }),
    );
    const error = await failure(() => getIdentity(clients(local.awsTarget('sso-dev'))));
    expect(error.code).toBe('sso-expired');
    expect(error.message).toBe(
      'The AWS SSO session of profile "sso-dev" has expired or was never started. Sign in again with: aws sso login --profile sso-dev',
    );
    expect(error.message).not.toContain('expired-sso-access-token');
  });

  it('gives the exact command for a legacy SSO profile, and for AWS_PROFILE', async () => {
    home.writeAws(
      'config',
      [
        '[profile field-ops]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        'sso_account_id = 444455556666',
        'sso_role_name = ReadOnly',
        '',
      ].join('\n'),
    );
    home.writeAws(
      ssoCacheFile('https://corp.awsapps.com/start'),
      JSON.stringify({
        accessToken: 'expired-sso-access-token',
        expiresAt: EXPIRED,
        region: 'us-east-1',
        startUrl: 'https://corp.awsapps.com/start',
      }),
    );
    const error = await failure(() => getIdentity(clients(local.awsTarget('field-ops'))));
    expect(error.code).toBe('sso-expired');
    expect(error.message).toContain('Sign in again with: aws sso login --profile field-ops');
    process.env.AWS_PROFILE = 'field-ops';
    const viaEnv = await failure(() => getIdentity(clients(local.awsTarget())));
    expect(viaEnv.message).toContain('aws sso login --profile field-ops');
  });
});
