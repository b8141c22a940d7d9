import { describe, expect, it } from 'vitest';
import { attributePairs, parseThingQuery } from './thing-query';

describe('the thing filters', () => {
  it('become listThings fields, empty ones left out', () => {
    expect(parseThingQuery({ namePrefix: '', thingType: '', attribute: '' })).toEqual({
      ok: true,
      query: {},
      key: '{}',
    });
    expect(
      parseThingQuery({
        namePrefix: ' gw- ',
        thingType: 'EdgeGateway',
        attribute: 'site = berlin',
      }),
    ).toMatchObject({
      ok: true,
      query: {
        namePrefix: 'gw-',
        thingType: 'EdgeGateway',
        attribute: { name: 'site', value: 'berlin' },
      },
    });
    // A value may hold "=" itself; only the first one splits.
    expect(parseThingQuery({ namePrefix: '', thingType: '', attribute: 'k=a=b' })).toMatchObject({
      query: { attribute: { name: 'k', value: 'a=b' } },
    });
  });

  it('name the field that is wrong', () => {
    expect(parseThingQuery({ namePrefix: '', thingType: '', attribute: 'site' })).toEqual({
      ok: false,
      field: 'attribute',
      message: 'write the attribute as name=value, e.g. site=berlin',
    });
    expect(parseThingQuery({ namePrefix: '', thingType: '', attribute: '=berlin' })).toMatchObject({
      ok: false,
      field: 'attribute',
    });
    expect(
      parseThingQuery({ namePrefix: '', thingType: 'x'.repeat(129), attribute: '' }),
    ).toMatchObject({ ok: false, field: 'thingType' });
  });

  it('show attributes as sorted name=value pairs', () => {
    expect(attributePairs({ site: 'lyon', firmware: '1.9.0' })).toEqual([
      'firmware=1.9.0',
      'site=lyon',
    ]);
  });
});
