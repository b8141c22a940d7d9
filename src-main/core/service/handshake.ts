/**
 * Reads a WebSocket upgrade request the way the tunnel service does (V3 guide, "Connecting
 * to the proxy server and tunnel"): path `/tunnel`, `local-proxy-mode`, exactly one access
 * token (header or cookie), at most one well-formed client token, a request under 4 KiB,
 * and a subprotocol we speak. Whether the token opens a tunnel is the registry's business.
 */
import type { IncomingMessage } from 'node:http';
import {
  ACCESS_TOKEN_COOKIE,
  ACCESS_TOKEN_HEADER,
  CLIENT_TOKEN_HEADER,
  CLIENT_TOKEN_PATTERN,
  MODE_QUERY_PARAM,
  SUBPROTOCOLS,
  TUNNEL_PATH,
  versionOfSubprotocol,
  type ProtocolVersion,
  type ProxyMode,
} from '../protocol/wire.js';

/** The largest upgrade request the service reads. */
export const MAX_HANDSHAKE_REQUEST_BYTES = 4096;

export interface HandshakeRequest {
  readonly mode: ProxyMode;
  /** Secret. */
  readonly accessToken: string;
  /** Secret. */
  readonly clientToken: string | undefined;
  /** The highest version the peer offered that we speak. */
  readonly version: ProtocolVersion;
  readonly subprotocol: string;
}

/** An HTTP answer that refuses the upgrade. */
export interface HandshakeRejection {
  readonly status: 400 | 403 | 404;
  readonly message: string;
}

export type HandshakeResult =
  | { readonly ok: true; readonly request: HandshakeRequest }
  | { readonly ok: false; readonly rejection: HandshakeRejection };

const VERSION_PREFERENCE: readonly ProtocolVersion[] = ['V3', 'V2', 'V1'];

function reject(status: HandshakeRejection['status'], message: string): HandshakeResult {
  return { ok: false, rejection: { status, message } };
}

/** Every value of a header, however often it was sent (Node joins repeats in `headers`). */
function headerValues(request: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]!.toLowerCase() === name) values.push(request.rawHeaders[i + 1]!);
  }
  return values;
}

function cookieValues(request: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (const header of headerValues(request, 'cookie')) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
    }
  }
  return values;
}

function requestSize(request: IncomingMessage): number {
  let size = `${request.method} ${request.url} HTTP/1.1\r\n`.length + 2;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    size += request.rawHeaders[i]!.length + request.rawHeaders[i + 1]!.length + 4;
  }
  return size;
}

/** Checks an upgrade request; never looks at whether the token is valid. */
export function readHandshake(request: IncomingMessage): HandshakeResult {
  if (requestSize(request) > MAX_HANDSHAKE_REQUEST_BYTES) {
    return reject(400, `the upgrade request is over ${MAX_HANDSHAKE_REQUEST_BYTES} bytes`);
  }
  const url = new URL(request.url ?? '/', 'http://service');
  if (url.pathname !== TUNNEL_PATH) {
    return reject(400, `the path must be ${TUNNEL_PATH}, not ${url.pathname.slice(0, 100)}`);
  }
  const modes = url.searchParams.getAll(MODE_QUERY_PARAM);
  if (modes.length !== 1 || (modes[0] !== 'source' && modes[0] !== 'destination')) {
    return reject(
      400,
      `the query parameter ${MODE_QUERY_PARAM} must be given once, as source or destination`,
    );
  }
  const mode = modes[0];
  // An empty value is no token: "no access token" says more than "unknown token" would.
  const tokens = [
    ...headerValues(request, ACCESS_TOKEN_HEADER),
    ...cookieValues(request, ACCESS_TOKEN_COOKIE),
  ].filter((token) => token !== '');
  if (tokens.length === 0) {
    return reject(
      400,
      `no access token: send it in the ${ACCESS_TOKEN_HEADER} header or the ${ACCESS_TOKEN_COOKIE} cookie`,
    );
  }
  if (tokens.length > 1) {
    return reject(
      400,
      `${tokens.length} access tokens in one request; send exactly one, in the header or the cookie`,
    );
  }
  const clientTokens = headerValues(request, CLIENT_TOKEN_HEADER);
  if (clientTokens.length > 1) {
    return reject(400, `${clientTokens.length} client tokens in one request; send at most one`);
  }
  const clientToken = clientTokens[0];
  if (clientToken !== undefined && !CLIENT_TOKEN_PATTERN.test(clientToken)) {
    return reject(400, 'the client token must be 32 to 128 letters, digits or "-"');
  }
  const offered = headerValues(request, 'sec-websocket-protocol')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  const offeredVersions = new Set(offered.map(versionOfSubprotocol));
  const version = VERSION_PREFERENCE.find((candidate) => offeredVersions.has(candidate));
  if (!version) {
    return reject(
      400,
      `no supported subprotocol offered in Sec-WebSocket-Protocol; offer one of ${Object.values(SUBPROTOCOLS).join(', ')}`,
    );
  }
  return {
    ok: true,
    request: {
      mode,
      accessToken: tokens[0]!,
      clientToken,
      version,
      subprotocol: SUBPROTOCOLS[version],
    },
  };
}
