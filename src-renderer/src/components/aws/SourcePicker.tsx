/**
 * Where the Devices view looks for things and opens tunnels: the built-in sandbox (always
 * there) or an AWS profile from ~/.aws (or the environment's credentials), with its region
 * or one typed over it; and who those credentials say the operator is (GetCallerIdentity).
 * A source that does not work says why, in main's words.
 */
import { useId } from 'react';
import { useIdentity, useProfiles } from '../../hooks/use-aws-source';
import {
  choiceFromValue,
  choiceValue,
  profileLabel,
  profileOf,
  type ResolvedSource,
} from '../../lib/aws-source';
import { useSourceStore } from '../../stores/source-store';
import { Icon } from '../common/Icon';
import { AwsErrorNotice } from './AwsErrorNotice';

export function SourcePicker({ resolved }: { readonly resolved: ResolvedSource }) {
  const choice = useSourceStore((state) => state.choice);
  const profiles = useSourceStore((state) => state.profiles);
  const profilesError = useSourceStore((state) => state.profilesError);
  const { reload } = useProfiles();
  const { retry } = useIdentity(resolved);
  const selectId = useId();
  const regionId = useId();
  const regionHintId = useId();
  const choose = useSourceStore((state) => state.choose);
  const region = choice.kind === 'aws' ? choice.region : '';
  const profile = profileOf(choice, profiles);
  const value = choiceValue(choice);
  // The picked profile shows even before the list arrives, or once it is gone from ~/.aws,
  // so that the select never claims another source than the one in use.
  const missing =
    choice.kind === 'aws' && profile === undefined
      ? {
          value,
          label: `${choice.profile ?? 'Environment credentials'} ${profiles === null ? '(loading…)' : '(not in ~/.aws any more)'}`,
        }
      : null;
  const regionError = choice.kind === 'aws' && !resolved.ok ? resolved.message : undefined;

  return (
    <section className="panel source-bar" aria-label="Source" data-testid="source-picker">
      <div className="source-bar__row">
        <div className="source-bar__field">
          <label className="field__label" htmlFor={selectId}>
            Source
          </label>
          <select
            id={selectId}
            className="select source-bar__select"
            value={value}
            onChange={(event) => choose(choiceFromValue(event.target.value, region))}
            data-testid="source-select"
          >
            <option value="sandbox">Sandbox: built-in devices, no AWS account</option>
            <optgroup label={profiles === null ? 'AWS profiles (loading…)' : 'AWS profiles'}>
              {(profiles ?? []).map((p) => (
                <option
                  key={p.name ?? '(env)'}
                  value={p.name === null ? 'env' : `profile:${p.name}`}
                >
                  {profileLabel(p)}
                </option>
              ))}
              {missing ? <option value={missing.value}>{missing.label}</option> : null}
              {profiles?.length === 0 ? (
                <option value="none" disabled>
                  No profiles in ~/.aws/config or ~/.aws/credentials
                </option>
              ) : null}
            </optgroup>
          </select>
        </div>
        {choice.kind === 'aws' ? (
          <div className="source-bar__field source-bar__field--region">
            <label className="field__label" htmlFor={regionId}>
              Region
            </label>
            <input
              id={regionId}
              className={`input input--mono${regionError ? ' input--invalid' : ''}`}
              value={region}
              onChange={(event) => choose({ ...choice, region: event.target.value })}
              placeholder={profile?.region ?? 'eu-west-1'}
              aria-describedby={regionHintId}
              aria-invalid={regionError ? true : undefined}
              autoComplete="off"
              spellCheck={false}
              data-testid="source-region"
            />
          </div>
        ) : null}
        <button
          type="button"
          className="button button--small button--quiet source-bar__reload"
          onClick={reload}
          title="Read ~/.aws again, after `aws configure` or `aws configure sso`"
        >
          <Icon name="refresh" />
          Reload profiles
        </button>
        <IdentityLine resolved={resolved} />
      </div>
      {choice.kind === 'aws' ? (
        <p
          id={regionHintId}
          className={`source-bar__hint${regionError ? ' source-bar__hint--error' : ''}`}
          aria-live="polite"
        >
          {regionError ??
            (region.trim()
              ? `Overrides the profile's region${profile?.region ? ` (${profile.region})` : ''}.`
              : `The profile's region${profile?.region ? ` (${profile.region})` : ''}; type another to override it.`)}
        </p>
      ) : null}
      {profilesError ? (
        <AwsErrorNotice error={profilesError} testId="profiles-error" onRetry={reload} />
      ) : null}
      <IdentityError retry={retry} resolved={resolved} />
    </section>
  );
}

function IdentityLine({ resolved }: { readonly resolved: ResolvedSource }) {
  const identity = useSourceStore((state) => state.identity);
  const current = resolved.ok && identity.status !== 'idle' && identity.key === resolved.key;
  return (
    <div
      className="identity"
      data-testid="source-identity"
      data-status={current ? identity.status : 'idle'}
    >
      <Icon name="user" />
      {!current || identity.status === 'loading' ? (
        <span className="identity__pending">
          {resolved.ok ? 'Checking the credentials…' : 'No source yet'}
        </span>
      ) : identity.status === 'ok' ? (
        <span className="identity__text">
          <span className="identity__label">Account</span>{' '}
          <span className="mono" data-testid="identity-account">
            {identity.identity.account}
          </span>
          <span
            className="identity__arn mono"
            title={identity.identity.arn}
            data-testid="identity-arn"
          >
            {identity.identity.arn}
          </span>
        </span>
      ) : (
        <span className="identity__failed">Credentials not working</span>
      )}
    </div>
  );
}

function IdentityError({
  resolved,
  retry,
}: {
  readonly resolved: ResolvedSource;
  readonly retry: () => void;
}) {
  const identity = useSourceStore((state) => state.identity);
  if (!resolved.ok || identity.status !== 'error' || identity.key !== resolved.key) return null;
  return <AwsErrorNotice error={identity.error} testId="identity-error" onRetry={retry} />;
}
