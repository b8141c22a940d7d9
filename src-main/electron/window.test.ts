/**
 * The window's options hold the rule that the renderer is untrusted (it shows data from
 * AWS and from devices): an isolated, sandboxed page without Node, webviews or relaxed web
 * security.
 */
import { describe, expect, it } from 'vitest';
import { windowOptions } from './window.js';

describe('windowOptions', () => {
  const preferences = windowOptions('/app/out/preload/preload.cjs').webPreferences!;

  it('isolates the page from the preload and sandboxes the renderer', () => {
    expect(preferences.contextIsolation).toBe(true);
    expect(preferences.sandbox).toBe(true);
  });

  it('gives the page no Node, in the page, its workers or its subframes', () => {
    expect(preferences.nodeIntegration).toBe(false);
    expect(preferences.nodeIntegrationInWorker).toBe(false);
    expect(preferences.nodeIntegrationInSubFrames).toBe(false);
  });

  it('allows no webview and keeps web security on', () => {
    expect(preferences.webviewTag).toBe(false);
    expect(preferences.webSecurity).toBe(true);
    expect(preferences.allowRunningInsecureContent).toBe(false);
    expect(preferences.spellcheck).toBe(false);
  });

  it('loads the given preload', () => {
    expect(preferences.preload).toBe('/app/out/preload/preload.cjs');
  });

  it('has DevTools only when asked for (development)', () => {
    expect(preferences.devTools).toBe(false);
    expect(windowOptions('/p.cjs', { devTools: true }).webPreferences!.devTools).toBe(true);
  });

  it('stays hidden until its first paint is ready', () => {
    expect(windowOptions('/p.cjs').show).toBe(false);
  });
});
