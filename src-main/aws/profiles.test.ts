/**
 * Profiles as the picker lists them, read by the SDK's loader from a temporary HOME: their
 * kinds, regions and details, the environment's credentials, and never a secret.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listProfiles } from './profiles.js';
import { useTempHome, type TempHome } from './test-support/local-aws.js';

let home: TempHome;
beforeEach(() => {
  home = useTempHome();
});
afterEach(() => home.restore());

const CONFIG = `[default]
region = eu-west-1

[profile ops]
region = us-east-1

[profile sso-dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Operator
region = eu-central-1

[profile legacy-sso]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile deploy]
role_arn = arn:aws:iam::111122223333:role/deploy
source_profile = ops

[profile vault]
credential_process = /usr/local/bin/vault-creds --secret s3cr3t-in-argv

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
`;

const CREDENTIALS = `[default]
aws_access_key_id = AKIAEXAMPLEDEFAULT
aws_secret_access_key = default-secret-key

[ops]
aws_access_key_id = AKIAEXAMPLEOPS
aws_secret_access_key = ops-secret-key

[ci-only]
aws_access_key_id = AKIAEXAMPLECI
aws_secret_access_key = ci-secret-key
`;

describe('listProfiles', () => {
  it('lists every profile of both files with its kind and region, default first', async () => {
    home.writeAws('config', CONFIG);
    home.writeAws('credentials', CREDENTIALS);
    const profiles = await listProfiles();
    expect(profiles).toEqual([
      { name: 'default', kind: 'static', region: 'eu-west-1', detail: null },
      { name: 'ci-only', kind: 'static', region: null, detail: null },
      {
        name: 'deploy',
        kind: 'role',
        region: null,
        detail: 'arn:aws:iam::111122223333:role/deploy',
      },
      { name: 'legacy-sso', kind: 'sso', region: null, detail: '444455556666 / ReadOnly' },
      { name: 'ops', kind: 'static', region: 'us-east-1', detail: null },
      { name: 'sso-dev', kind: 'sso', region: 'eu-central-1', detail: '111122223333 / Operator' },
      { name: 'vault', kind: 'process', region: null, detail: null },
    ]);
    const text = JSON.stringify(profiles);
    for (const secret of ['secret-key', 'AKIAEXAMPLE', 's3cr3t'])
      expect(text).not.toContain(secret);
  });

  it("puts the environment's credentials first, and is empty without files", async () => {
    expect(await listProfiles()).toEqual([]);
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIAENV',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_SESSION_TOKEN: 'env-session',
      AWS_REGION: 'ap-south-1',
    };
    expect(await listProfiles(env)).toEqual([
      { name: null, kind: 'env', region: 'ap-south-1', detail: 'temporary credentials' },
    ]);
  });

  it('reads the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name, as the SDK does', async () => {
    home.writeAws('elsewhere-config', '[profile moved]\nregion = sa-east-1\n');
    process.env.AWS_CONFIG_FILE = `${home.dir}/.aws/elsewhere-config`;
    expect(await listProfiles()).toEqual([
      { name: 'moved', kind: 'other', region: 'sa-east-1', detail: null },
    ]);
  });
});
