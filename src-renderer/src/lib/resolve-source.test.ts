import { describe, expect, it } from 'vitest';
import type { ProfileInfo } from '../../../src-main/ipc/contract.js';
import { resolveSource } from './resolve-source';

const PROFILES: ProfileInfo[] = [
  { name: null, kind: 'env', region: null, detail: 'access keys' },
  { name: 'ops', kind: 'sso', region: 'eu-west-1', detail: '111122223333 / Operator' },
  { name: 'bare', kind: 'static', region: null, detail: null },
];

describe('the source picked', () => {
  it('is the sandbox, or a profile in its own region or one typed over it', () => {
    expect(resolveSource({ kind: 'sandbox' }, null)).toEqual({
      ok: true,
      source: { kind: 'sandbox' },
      key: 'sandbox',
    });
    expect(resolveSource({ kind: 'aws', profile: 'ops', region: '' }, PROFILES)).toEqual({
      ok: true,
      source: { kind: 'aws', profile: 'ops', region: 'eu-west-1' },
      key: 'aws:ops:eu-west-1',
    });
    expect(resolveSource({ kind: 'aws', profile: 'ops', region: ' us-east-2 ' }, PROFILES)).toEqual(
      {
        ok: true,
        source: { kind: 'aws', profile: 'ops', region: 'us-east-2' },
        key: 'aws:ops:us-east-2',
      },
    );
    // The environment's credentials: no profile is sent.
    expect(resolveSource({ kind: 'aws', profile: null, region: 'ap-south-1' }, PROFILES)).toEqual({
      ok: true,
      source: { kind: 'aws', region: 'ap-south-1' },
      key: 'aws::ap-south-1',
    });
  });

  it('says what is missing or wrong, with the contract’s own rule', () => {
    expect(resolveSource({ kind: 'aws', profile: 'bare', region: '' }, PROFILES)).toEqual({
      ok: false,
      message: 'Give a region: profile "bare" names none.',
    });
    expect(resolveSource({ kind: 'aws', profile: null, region: '' }, PROFILES)).toEqual({
      ok: false,
      message: 'Give a region: the environment sets none (AWS_REGION).',
    });
    expect(resolveSource({ kind: 'aws', profile: 'ops', region: 'Frankfurt' }, PROFILES)).toEqual({
      ok: false,
      message: 'region: not a region name such as eu-west-1',
    });
  });
});
