/**
 * Pagination as AWS does it: a page of at most `maxResults` items and an opaque
 * `nextToken` to ask for the next one. The token is the offset, wrapped so that callers
 * treat it as opaque and a made-up one is refused rather than misread.
 */
import { invalid } from './errors.js';

const PREFIX = 'tdp1.';

export interface Page<T> {
  readonly items: T[];
  /** Absent on the last page. */
  readonly nextToken?: string;
}

/** One page of `all`, from the position `nextToken` names. */
export function paginate<T>(
  all: readonly T[],
  maxResults: number,
  nextToken: string | undefined,
): Page<T> {
  const start = nextToken === undefined ? 0 : decode(nextToken);
  const items = all.slice(start, start + maxResults);
  const end = start + items.length;
  return end < all.length ? { items, nextToken: encode(end) } : { items };
}

/** Checks `maxResults`: a whole number within AWS's bounds, or the default when absent. */
export function pageSize(value: unknown, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const size = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > max) {
    throw invalid(`maxResults must be a whole number from 1 to ${max}`);
  }
  return size;
}

function encode(offset: number): string {
  return Buffer.from(`${PREFIX}${offset}`).toString('base64url');
}

function decode(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : NaN;
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalid('nextToken is not one this service gave out');
  }
  return offset;
}
