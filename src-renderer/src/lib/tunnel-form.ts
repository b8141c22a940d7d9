/**
 * The "Open tunnel" form's own fields, checked as typed with the contract's limits (tags:
 * key 1 to 128 characters, value at most 256, at most 50; lifetime: whole minutes from 1 to
 * 720), so that the operator hears what is wrong before anything is sent. An error names
 * its field the way main would (`tags[1].key`), so one display serves both.
 */
import type { TunnelTag } from '../../../src-main/ipc/contract.js';
import type { ShownError } from './app-error';

export const MAX_LIFETIME_MINUTES = 720;
export const MAX_TAGS = 50;

export interface TagDraft {
  /** A stable React key: rows can be removed from the middle. */
  readonly id: number;
  readonly key: string;
  readonly value: string;
}

let nextId = 1;

export function newTag(key = '', value = ''): TagDraft {
  return { id: nextId++, key, value };
}

/** What is wrong with one tag row, if anything (an empty row is ignored). */
export function tagProblem(
  tag: TagDraft,
  index: number,
  all: readonly TagDraft[],
): { readonly field: 'key' | 'value'; readonly message: string } | null {
  const key = tag.key.trim();
  if (key === '' && tag.value.trim() === '') return null;
  if (key === '') return { field: 'key', message: 'a tag needs a key' };
  if (key.length > 128) return { field: 'key', message: 'a tag key has at most 128 characters' };
  if (key.startsWith('aws:')) {
    return { field: 'key', message: 'keys starting with "aws:" are reserved by AWS' };
  }
  if (tag.value.trim().length > 256) {
    return { field: 'value', message: 'a tag value has at most 256 characters' };
  }
  if (all.findIndex((other) => other.key.trim() === key) !== index) {
    return { field: 'key', message: `the key "${key}" is already used above` };
  }
  return null;
}

/** The tags to send, or the first row's error. */
export function checkTags(
  tags: readonly TagDraft[],
): { ok: true; tags: TunnelTag[] } | { ok: false; error: ShownError } {
  const kept = tags.filter((tag) => tag.key.trim() !== '' || tag.value.trim() !== '');
  if (kept.length > MAX_TAGS) {
    return {
      ok: false,
      error: { code: 'invalid-input', message: `at most ${MAX_TAGS} tags`, field: 'tags' },
    };
  }
  for (const [index, tag] of tags.entries()) {
    const problem = tagProblem(tag, index, tags);
    if (problem) {
      // Main names rows by their place in what was sent: empty rows are not sent.
      const sent = kept.indexOf(tag);
      return {
        ok: false,
        error: {
          code: 'invalid-input',
          message: problem.message,
          field: `tags[${sent}].${problem.field}`,
        },
      };
    }
  }
  return { ok: true, tags: kept.map((tag) => ({ key: tag.key.trim(), value: tag.value.trim() })) };
}

/** What is wrong with the lifetime as typed, if anything. */
export function lifetimeProblem(text: string): string | null {
  const trimmed = text.trim();
  const minutes = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || minutes < 1 || minutes > MAX_LIFETIME_MINUTES) {
    return `whole minutes from 1 to ${MAX_LIFETIME_MINUTES} (12 h, the most AWS allows)`;
  }
  return null;
}

/** "12 h", "1 h 30 min", "45 min". */
export function describeMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
