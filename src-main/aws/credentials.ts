/**
 * Where AWS credentials come from: the SDK's own providers, in the order of the standard
 * chain. A named profile is read from ~/.aws/config and ~/.aws/credentials (static keys,
 * IAM Identity Center (SSO), credential_process, role assumption: `fromIni` handles each);
 * without one, environment variables come first, then AWS_PROFILE or the default profile.
 *
 * The instance metadata service (EC2 IMDS) is left out on purpose: this is an operator's
 * desktop tool, where that probe only delays the "no credentials" answer by seconds.
 */
import { createCredentialChain, fromEnv, fromIni } from '@aws-sdk/credential-providers';

/** A function the SDK clients call for credentials (and memoize until they expire). */
export type CredentialProvider = ReturnType<typeof fromIni>;

/**
 * The credential provider for a profile, or for the default chain when none is named. The
 * files are read again at each resolution (`ignoreCache`), so that `aws configure` or
 * `aws sso login` in a terminal takes effect without restarting the app.
 */
export function credentialsFor(profile: string | undefined): CredentialProvider {
  if (profile !== undefined) return fromIni({ profile, ignoreCache: true });
  return createCredentialChain(fromEnv(), fromIni({ ignoreCache: true }));
}
