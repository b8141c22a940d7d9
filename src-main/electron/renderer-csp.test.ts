/**
 * The Content-Security-Policy of the BUILT renderer (out/renderer/index.html, made by
 * `npm run build` or `npx electron-vite build --config electron.config.ts`): what the
 * Electron window and browser mode actually load, after Vite has rewritten the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
} from '../app/content-security-policy.js';

const builtPage = join(import.meta.dirname, '..', '..', 'out', 'renderer', 'index.html');

let html = '';
let policy = '';
let directives = new Map<string, string[]>();

function parsePolicy(text: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) result.set(name.toLowerCase(), sources);
  }
  return result;
}

beforeAll(() => {
  if (!existsSync(builtPage)) {
    throw new Error(
      `${builtPage} is missing: run \`npm run build\` (or \`npx electron-vite build --config electron.config.ts\`) first`,
    );
  }
  html = readFileSync(builtPage, 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  policy = meta?.[1] ?? '';
  directives = parsePolicy(policy);
});

describe('the built renderer page', () => {
  it('declares a CSP in a meta tag', () => {
    expect(policy).not.toBe('');
  });

  it("allows only the app's own files by default", () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
  });

  it('runs scripts only from its own files, never inline or eval', () => {
    const scripts = directives.get('script-src')!;
    expect(scripts).toEqual(["'self'"]);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval/);
  });

  it('allows no plugins, and leaves framing to the header (a meta tag cannot say it)', () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.has('frame-ancestors')).toBe(false);
    expect(parsePolicy(CONTENT_SECURITY_POLICY).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('is the policy main sends as a header (Electron session and browser mode), less framing', () => {
    expect(parsePolicy(policy)).toEqual(parsePolicy(META_CONTENT_SECURITY_POLICY));
    const header = parsePolicy(CONTENT_SECURITY_POLICY);
    header.delete('frame-ancestors');
    expect(parsePolicy(policy)).toEqual(header);
  });

  it('has no inline script the policy would have to allow', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\.\//);
      expect(body!.trim()).toBe('');
    }
  });
});
