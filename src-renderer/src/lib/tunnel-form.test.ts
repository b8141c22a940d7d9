import { describe, expect, it } from 'vitest';
import { checkTags, describeMinutes, lifetimeProblem, newTag } from './tunnel-form';

describe('the open-tunnel form', () => {
  it('sends tags trimmed, leaves empty rows out, and names a bad row as main would', () => {
    expect(checkTags([newTag(' team ', ' ops '), newTag(), newTag('ticket', '')])).toEqual({
      ok: true,
      tags: [
        { key: 'team', value: 'ops' },
        { key: 'ticket', value: '' },
      ],
    });
    // The empty row is not sent, so the bad row is the second one main would see.
    expect(checkTags([newTag('a', '1'), newTag(), newTag('', 'orphan')])).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'a tag needs a key', field: 'tags[1].key' },
    });
    expect(checkTags([newTag('a', '1'), newTag('a', '2')])).toMatchObject({
      ok: false,
      error: { field: 'tags[1].key', message: 'the key "a" is already used above' },
    });
    expect(checkTags([newTag('k', 'v'.repeat(257))])).toMatchObject({
      ok: false,
      error: { field: 'tags[0].value' },
    });
    expect(checkTags([newTag('aws:owner', 'x')])).toMatchObject({
      ok: false,
      error: { field: 'tags[0].key' },
    });
  });

  it('takes a lifetime of whole minutes from 1 to 720', () => {
    expect(lifetimeProblem('720')).toBeNull();
    expect(lifetimeProblem(' 1 ')).toBeNull();
    for (const bad of ['0', '721', '1.5', '', 'ten', '-5'])
      expect(lifetimeProblem(bad)).not.toBeNull();
    expect(describeMinutes(720)).toBe('12 h');
    expect(describeMinutes(90)).toBe('1 h 30 min');
    expect(describeMinutes(45)).toBe('45 min');
  });
});
