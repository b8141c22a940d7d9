/**
 * A picked source checked by the contract's own AwsSource schema: the one place the renderer
 * uses a schema of the contract, for the source picker's words before main would refuse it.
 * It brings zod, so only the views that pick a source import it (lazily loaded); the home
 * and the app's start do not.
 */
import {
  AwsSource,
  describeSchemaError,
  type ProfileInfo,
} from '../../../src-main/ipc/contract.js';
import { profileOf, sourceKey, type ResolvedSource, type SourceChoice } from './aws-source';

/** The AwsSource of a choice, or what the operator still has to give. */
export function resolveSource(
  choice: SourceChoice,
  profiles: readonly ProfileInfo[] | null,
): ResolvedSource {
  if (choice.kind === 'sandbox') return { ok: true, source: { kind: 'sandbox' }, key: 'sandbox' };
  const region = choice.region.trim() || profileOf(choice, profiles)?.region || '';
  if (region === '') {
    return {
      ok: false,
      message:
        choice.profile === null
          ? 'Give a region: the environment sets none (AWS_REGION).'
          : `Give a region: profile "${choice.profile}" names none.`,
    };
  }
  const parsed = AwsSource.safeParse({
    kind: 'aws',
    ...(choice.profile === null ? {} : { profile: choice.profile }),
    region,
  });
  if (!parsed.success) return { ok: false, message: describeSchemaError(parsed.error).message };
  return { ok: true, source: parsed.data, key: sourceKey(parsed.data) };
}
