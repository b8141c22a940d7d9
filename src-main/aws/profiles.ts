/**
 * The AWS profiles an operator can pick, read with the SDK's own shared-ini loader (so
 * that `[profile x]` sections, the credentials file and AWS_CONFIG_FILE /
 * AWS_SHARED_CREDENTIALS_FILE are understood exactly as the SDK understands them), plus
 * the environment's credentials when they are set. Secrets are never read out: a profile
 * says what kind of credentials it has, not which.
 */
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

/** How a profile gets its credentials. */
export type ProfileKind = 'static' | 'sso' | 'process' | 'role' | 'env' | 'other';

export interface ProfileInfo {
  /** The profile name; null for the environment's credentials (the default chain). */
  readonly name: string | null;
  readonly kind: ProfileKind;
  /** The profile's region, if it names one. */
  readonly region: string | null;
  /** What the picker may show beside the name (an SSO account and role, a role ARN); never a secret. */
  readonly detail: string | null;
}

/** Sections of the config file that are not profiles (the loader keeps them as `type.name`). */
const NOT_PROFILES = /^(sso-session|services)\./;

function kindOf(values: Record<string, string | undefined>): {
  kind: ProfileKind;
  detail: string | null;
} {
  if (values.sso_session !== undefined || values.sso_start_url !== undefined) {
    const account = [values.sso_account_id, values.sso_role_name].filter(Boolean).join(' / ');
    return { kind: 'sso', detail: account || values.sso_session || values.sso_start_url || null };
  }
  if (values.role_arn !== undefined) return { kind: 'role', detail: values.role_arn };
  if (values.credential_process !== undefined) return { kind: 'process', detail: null };
  if (values.aws_access_key_id !== undefined) return { kind: 'static', detail: null };
  return { kind: 'other', detail: null };
}

/** Every profile of the config and credentials files, "default" first, then by name. */
export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfileInfo[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const names = new Set(
    [...Object.keys(configFile), ...Object.keys(credentialsFile)].filter(
      (name) => !NOT_PROFILES.test(name),
    ),
  );
  const profiles = [...names].map((name): ProfileInfo => {
    // The credentials file wins over the config file, as the SDK merges them.
    const values = { ...configFile[name], ...credentialsFile[name] };
    return { name, region: values.region ?? null, ...kindOf(values) };
  });
  profiles.sort((a, b) =>
    a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name!.localeCompare(b.name!),
  );
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    profiles.unshift({
      name: null,
      kind: 'env',
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || null,
      detail: env.AWS_SESSION_TOKEN ? 'temporary credentials' : 'access keys',
    });
  }
  return profiles;
}
