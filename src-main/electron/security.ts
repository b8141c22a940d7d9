/**
 * The shell's security decisions as pure functions: which URL is the app, where the window
 * may go, what it may open or be granted, and the CSP header. Electron's handlers in
 * harden.ts only ask these, so the rules are tested without Electron.
 */
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy.js';

/**
 * Whether `url` is the app's own page: a file URL of exactly the renderer's index.html
 * (any #fragment, for in-page routes). Anything else, another local file included, is not
 * the app and gets neither the window nor IPC.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let candidate: URL;
  let app: URL;
  try {
    candidate = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  return (
    candidate.protocol === 'file:' &&
    app.protocol === 'file:' &&
    candidate.host === app.host &&
    candidate.pathname === app.pathname &&
    candidate.search === ''
  );
}

/** Whether the window may navigate (or be redirected) to `url`: only to the app itself. */
export function isNavigationAllowed(url: string, appUrl: string): boolean {
  return isAppUrl(url, appUrl);
}

/** setWindowOpenHandler's answer for every request: the app opens no windows of its own. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Whether a permission is granted. Only one is: writing sanitized text to the clipboard,
 * from the app's own page, which the "copy the ssh command" buttons need (Chromium asks
 * for it on navigator.clipboard.writeText). It cannot read anything. Everything else
 * (camera, notifications, geolocation, the clipboard's contents, ...) is refused.
 */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string | undefined,
  appUrl: string,
): boolean {
  return (
    permission === 'clipboard-sanitized-write' &&
    requestingUrl !== undefined &&
    isAppUrl(requestingUrl, appUrl)
  );
}

/**
 * Response headers with the app's CSP set, replacing any a response carried (header names
 * are case-insensitive, so every spelling of it goes).
 */
export function withContentSecurityPolicy(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return result;
}
