/**
 * Applies the decisions of security.ts to Electron's objects: the window's web contents
 * may not navigate away, open windows or attach webviews, and its session grants no
 * permissions and sends the app's CSP on every response. Only Electron's types are
 * imported, so tests drive these with plain stand-in objects.
 */
import type { Session, WebContents } from 'electron';
import type { Logger } from '../core/log/logger.js';
import {
  isNavigationAllowed,
  isPermissionGranted,
  windowOpenDecision,
  withContentSecurityPolicy,
} from './security.js';

/** Long enough to recognise, short enough that a crafted URL cannot flood the log. */
function shown(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}...` : url;
}

/** Keeps one web contents on the app's page and away from everything else. */
export function hardenWebContents(contents: WebContents, appUrl: string, log: Logger): void {
  const blockUnlessApp =
    (what: string) => (event: { readonly url: string; preventDefault(): void }) => {
      if (isNavigationAllowed(event.url, appUrl)) return;
      event.preventDefault();
      log.warn(`blocked a ${what} to ${shown(event.url)}: the window shows only the app`);
    };
  contents.on('will-navigate', blockUnlessApp('navigation'));
  contents.on('will-redirect', blockUnlessApp('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('refused to attach a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`refused to open a window for ${shown(url)}`);
    return windowOpenDecision();
  });
}

/** Refuses the session's permission requests and adds the CSP header to its responses. */
export function hardenSession(session: Session, appUrl: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl, appUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionGranted(permission, details.requestingUrl, appUrl),
  );
  // file:// pages have no response headers to rewrite, so there the meta tag is what holds;
  // the header covers anything the session ever fetches over http(s).
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }),
  );
}
