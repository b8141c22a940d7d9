/**
 * Where control-plane requests go, as the operator picks it: the sandbox, or an AWS profile
 * with its region (or a region typed over it). The picked choice becomes the contract's
 * AwsSource only when it is complete and valid by the contract's own schema
 * (resolve-source.ts, loaded with the views that pick a source: it brings zod), so that the
 * source picker says what is missing before main would refuse it.
 */
import type { AwsSource, ProfileInfo } from '../../../src-main/ipc/contract.js';

export type SourceChoice =
  | { readonly kind: 'sandbox' }
  | {
      readonly kind: 'aws';
      /** null: the environment's credentials (the default chain), as ProfileInfo names them. */
      readonly profile: string | null;
      /** A region typed over the profile's; '' uses the profile's own. */
      readonly region: string;
    };

export type ResolvedSource =
  | { readonly ok: true; readonly source: AwsSource; readonly key: string }
  | { readonly ok: false; readonly message: string };

/** The value of a choice in the source <select>. */
export function choiceValue(choice: SourceChoice): string {
  if (choice.kind === 'sandbox') return 'sandbox';
  return choice.profile === null ? 'env' : `profile:${choice.profile}`;
}

/** The choice a <select> value names, keeping the region typed so far. */
export function choiceFromValue(value: string, region: string): SourceChoice {
  if (value === 'sandbox') return { kind: 'sandbox' };
  if (value === 'env') return { kind: 'aws', profile: null, region };
  return { kind: 'aws', profile: value.replace(/^profile:/, ''), region };
}

/** A stable key of a source, to tell whether an answer is still about the source shown. */
export function sourceKey(source: AwsSource): string {
  return source.kind === 'sandbox' ? 'sandbox' : `aws:${source.profile ?? ''}:${source.region}`;
}

export function profileOf(
  choice: SourceChoice,
  profiles: readonly ProfileInfo[] | null,
): ProfileInfo | undefined {
  if (choice.kind !== 'aws') return undefined;
  return profiles?.find((p) => p.name === choice.profile);
}

/** How a source reads in a sentence: "the sandbox", "AWS (profile ops) in eu-west-1". */
export function describeSource(source: AwsSource): string {
  if (source.kind === 'sandbox') return 'the sandbox';
  const who =
    source.profile === undefined ? 'environment credentials' : `profile ${source.profile}`;
  return `AWS (${who}) in ${source.region}`;
}

/** A profile as the picker lists it. */
export function profileLabel(profile: ProfileInfo): string {
  const name = profile.name ?? 'Environment credentials';
  const kind = profile.kind === 'env' || profile.kind === 'other' ? '' : ` · ${profile.kind}`;
  const region = profile.region ? ` · ${profile.region}` : '';
  return `${name}${kind}${region}`;
}
