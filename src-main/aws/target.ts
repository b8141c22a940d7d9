/**
 * Where a control-plane call goes: AWS itself (a profile or the default chain, and a
 * region), or a stand-in with the same API at an explicit endpoint (the local tunnel
 * service of `tunneldesk service`, the app's sandbox), reached with any credentials.
 */
export type AwsTarget =
  | {
      readonly kind: 'aws';
      /** A profile of ~/.aws/config or ~/.aws/credentials; the default chain when absent. */
      readonly profile?: string;
      readonly region: string;
      /** An explicit API endpoint instead of the regional one (a VPC endpoint; tests). */
      readonly endpoint?: string;
      /** A PEM certificate to trust for that endpoint, instead of the usual roots. */
      readonly ca?: string;
    }
  | {
      readonly kind: 'endpoint';
      /** e.g. https://127.0.0.1:8443 */
      readonly endpoint: string;
      readonly region: string;
      /** A PEM certificate to trust for it (a self-signed one), instead of the usual roots. */
      readonly ca?: string;
      /** How messages name it: "the sandbox". */
      readonly label: string;
    };

/** The profile the chain reads when none is named: AWS_PROFILE, else "default". */
export function effectiveProfile(profile: string | undefined, env = process.env): string {
  return profile ?? env.AWS_PROFILE ?? 'default';
}

/** A key that tells targets apart, for caching their clients. */
export function targetKey(target: AwsTarget): string {
  return target.kind === 'aws'
    ? `aws|${target.profile ?? ''}|${target.region}|${target.endpoint ?? ''}`
    : `endpoint|${target.endpoint}|${target.region}`;
}

/** How messages name a target: `profile "ops" in eu-west-1`, or the stand-in's label. */
export function describeTarget(target: AwsTarget): string {
  if (target.kind === 'endpoint') return target.label;
  return `${target.profile === undefined ? 'the default credentials' : `profile "${target.profile}"`} in ${target.region}`;
}
