import { describe, expect, it } from 'vitest';
import { choiceFromValue, choiceValue, describeSource } from './aws-source';

describe('the source picked', () => {
  it('round-trips through the select, and reads in a sentence', () => {
    for (const choice of [
      { kind: 'sandbox' },
      { kind: 'aws', profile: null, region: 'eu-west-1' },
      { kind: 'aws', profile: 'ops', region: 'eu-west-1' },
    ] as const) {
      expect(choiceFromValue(choiceValue(choice), 'eu-west-1')).toEqual(choice);
    }
    expect(describeSource({ kind: 'sandbox' })).toBe('the sandbox');
    expect(describeSource({ kind: 'aws', profile: 'ops', region: 'eu-west-1' })).toBe(
      'AWS (profile ops) in eu-west-1',
    );
  });
});
