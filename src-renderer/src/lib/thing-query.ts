/**
 * The thing picker's filters as listThings takes them. ListThings filters by thing type and
 * by one attribute (name and value); main filters by name prefix on top. An attribute
 * filter is typed `name=value` (as the AWS console shows attributes), and checked here for
 * its shape only: AWS judges the characters.
 */
import type { RequestInput } from '../../../src-main/ipc/contract.js';
import type { ThingFilters } from '../stores/things-store';

export type ThingQuery = Pick<RequestInput<'listThings'>, 'namePrefix' | 'thingType' | 'attribute'>;

export type ParsedThingQuery =
  | { readonly ok: true; readonly query: ThingQuery; readonly key: string }
  | { readonly ok: false; readonly field: 'thingType' | 'attribute'; readonly message: string };

export function parseThingQuery(filters: ThingFilters): ParsedThingQuery {
  const query: { -readonly [K in keyof ThingQuery]: ThingQuery[K] } = {};
  const namePrefix = filters.namePrefix.trim();
  if (namePrefix) query.namePrefix = namePrefix.slice(0, 128);
  const thingType = filters.thingType.trim();
  if (thingType) {
    if (thingType.length > 128) {
      return { ok: false, field: 'thingType', message: 'a thing type has at most 128 characters' };
    }
    query.thingType = thingType;
  }
  const attribute = filters.attribute.trim();
  if (attribute) {
    const at = attribute.indexOf('=');
    const name = at === -1 ? '' : attribute.slice(0, at).trim();
    const value = at === -1 ? '' : attribute.slice(at + 1).trim();
    if (at === -1 || name === '') {
      return {
        ok: false,
        field: 'attribute',
        message: 'write the attribute as name=value, e.g. site=berlin',
      };
    }
    if (name.length > 128 || value.length > 800) {
      return {
        ok: false,
        field: 'attribute',
        message: 'an attribute name has at most 128 characters, its value at most 800',
      };
    }
    query.attribute = { name, value };
  }
  return { ok: true, query, key: JSON.stringify(query) };
}

/** A thing's attributes as `name=value` pairs, sorted by name. */
export function attributePairs(attributes: Readonly<Record<string, string>>): string[] {
  return Object.keys(attributes)
    .sort()
    .map((name) => `${name}=${attributes[name]}`);
}
