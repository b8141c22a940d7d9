/**
 * The shell's security decisions: the window stays on the app's own page, opens nothing,
 * is granted nothing but a sanitized clipboard write, and every response carries the CSP.
 */
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy.js';
import { appPaths } from './paths.js';
import {
  isAppUrl,
  isNavigationAllowed,
  isPermissionGranted,
  windowOpenDecision,
  withContentSecurityPolicy,
} from './security.js';

const { appUrl } = appPaths('/opt/TunnelDesk/resources/app.asar/out/main');

describe('isAppUrl', () => {
  it('is the built renderer page, as a file URL', () => {
    expect(appUrl).toMatch(/^file:\/\/\/.*\/app\.asar\/out\/renderer\/index\.html$/);
    expect(isAppUrl(appUrl, appUrl)).toBe(true);
  });

  it('accepts an in-page #route of the app', () => {
    expect(isAppUrl(`${appUrl}#/sessions/1`, appUrl)).toBe(true);
  });

  it.each([
    ['another local file', 'file:///opt/TunnelDesk/resources/app.asar/out/renderer/other.html'],
    ['a file beside the app', 'file:///etc/passwd'],
    [
      'a file URL on another host',
      'file://evil.example/opt/TunnelDesk/resources/app.asar/out/renderer/index.html',
    ],
    ['the app with a query', `${appUrl}?inject=1`],
    ['a web page', 'https://example.com/'],
    [
      'the app path over http',
      'http://127.0.0.1/opt/TunnelDesk/resources/app.asar/out/renderer/index.html',
    ],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['javascript:', 'javascript:alert(1)'],
    ['about:blank', 'about:blank'],
    ['not a URL', 'index.html'],
    ['nothing', ''],
  ])('refuses %s', (_what, url) => {
    expect(isAppUrl(url, appUrl)).toBe(false);
  });
});

describe('navigation', () => {
  it('is allowed only to the app itself', () => {
    expect(isNavigationAllowed(appUrl, appUrl)).toBe(true);
    expect(isNavigationAllowed('https://evil.example/', appUrl)).toBe(false);
    expect(isNavigationAllowed('http://127.0.0.1:5555/', appUrl)).toBe(false);
  });

  it('never opens a window', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });
});

describe('isPermissionGranted', () => {
  it('grants a sanitized clipboard write to the app page', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', appUrl, appUrl)).toBe(true);
  });

  it('refuses the clipboard write to anything but the app page', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example/', appUrl)).toBe(
      false,
    );
    expect(isPermissionGranted('clipboard-sanitized-write', undefined, appUrl)).toBe(false);
  });

  it.each([
    'clipboard-read',
    'media',
    'display-capture',
    'geolocation',
    'notifications',
    'openExternal',
    'fileSystem',
    'hid',
    'usb',
    'serial',
    'fullscreen',
    'unknown',
  ])('refuses %s, even to the app page', (permission) => {
    expect(isPermissionGranted(permission, appUrl, appUrl)).toBe(false);
  });
});

describe('withContentSecurityPolicy', () => {
  it('adds the CSP and keeps the other headers', () => {
    expect(withContentSecurityPolicy({ 'Content-Type': ['text/html'], 'X-One': 'a' })).toEqual({
      'Content-Type': ['text/html'],
      'X-One': ['a'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('replaces a CSP the response carried, whatever its case', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
      'CONTENT-SECURITY-POLICY': 'default-src *',
    });
    expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('works on a response without headers', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });
});
