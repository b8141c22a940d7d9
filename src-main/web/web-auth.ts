/**
 * Browser mode's guard. The server listens on 127.0.0.1 only, and still every request must
 * prove it comes from the browser the operator opened: the per-run secret, first in the URL
 * TunnelDesk printed, then in an HttpOnly, SameSite=Strict cookie. The Host header must be
 * ours (a DNS-rebinding page has another), and so must any Origin (a page of another site
 * cannot drive the app; a WebSocket always sends one).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SECRET_QUERY_PARAM = 'secret';

export type AuthResult =
  | { readonly ok: true; readonly viaQuery: boolean }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

/**
 * The request target as a URL, or undefined when it is not a well-formed origin-form path
 * (`/path?query`): a browser sends nothing else. `//host`, `*`, a full URL and a raw
 * backslash (which a URL parser reads as a slash, `/\host` as a host) are refused.
 */
export function requestTarget(url: string | undefined): URL | undefined {
  if (url === undefined || !url.startsWith('/') || url.startsWith('//') || url.includes('\\'))
    return undefined;
  try {
    return new URL(url, 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class WebAuth {
  constructor(
    readonly secret: string,
    /** host:port as the browser addresses us, e.g. 127.0.0.1:43121. */
    private readonly authority: string,
  ) {}

  /** Cookies are per host, not per port: the name carries the port so two runs do not clash. */
  get cookieName(): string {
    return `tunneldesk-${this.authority.split(':').pop()}`;
  }

  get origin(): string {
    return `http://${this.authority}`;
  }

  /** The Set-Cookie value that lets this browser in for the rest of the run. */
  setCookie(): string {
    return `${this.cookieName}=${this.secret}; HttpOnly; SameSite=Strict; Path=/`;
  }

  check(request: IncomingMessage, requireOrigin: boolean): AuthResult {
    if (request.headers.host !== this.authority) {
      return { ok: false, status: 403, message: 'wrong Host header' };
    }
    const origin = request.headers.origin;
    if ((origin !== undefined || requireOrigin) && origin !== this.origin) {
      return { ok: false, status: 403, message: 'requests from other origins are refused' };
    }
    if (sameSecret(cookie(request, this.cookieName), this.secret))
      return { ok: true, viaQuery: false };
    const query = requestTarget(request.url)?.searchParams.get(SECRET_QUERY_PARAM);
    if (sameSecret(query ?? undefined, this.secret)) return { ok: true, viaQuery: true };
    return {
      ok: false,
      status: 401,
      message: "open the URL that `tunneldesk web` printed (it carries this run's secret)",
    };
  }
}
