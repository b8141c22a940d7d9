/**
 * The web proxy the tunnel WebSocket goes through: read from the environment as
 * proxy-from-env reads it (`https_proxy`, `HTTPS_PROXY`, then `all_proxy`, `ALL_PROXY`),
 * checked, and given the reference's default port when it names none. HTTP(S) proxies are
 * reached with CONNECT, SOCKS5 ones with socks-proxy-agent.
 */
import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';

/** The port of a proxy URL that names none: the reference localproxy's default (squid's). */
export const DEFAULT_WEB_PROXY_PORT = 3128;

const SCHEMES = ['http', 'https', 'socks5', 'socks5h'] as const;
export type WebProxyScheme = (typeof SCHEMES)[number];

/** A checked web proxy. */
export interface WebProxy {
  /** The URL to connect with, credentials included, port always given. */
  readonly url: string;
  /** The URL without credentials, for logs and causes. */
  readonly shown: string;
  readonly scheme: WebProxyScheme;
  readonly port: number;
  /** The URL named no port, so {@link DEFAULT_WEB_PROXY_PORT} is used. */
  readonly portDefaulted: boolean;
}

/** A proxy variable that cannot be used: which one, and what is wrong with it. */
export class WebProxyError extends Error {
  override readonly name = 'WebProxyError';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

/** The variable proxy-from-env takes the proxy of an https URL from, and its value. */
export function webProxyVariable(
  env: Record<string, string | undefined>,
): { name: string; value: string } | undefined {
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) {
    const value = env[name];
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * Checks a proxy URL as proxy-from-env hands it on (a value without a scheme gets https://).
 *
 * @throws WebProxyError naming `variable` when the URL cannot be used.
 */
export function parseWebProxy(raw: string, variable: string): WebProxy {
  const text = raw.includes('://') ? raw : `https://${raw}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new WebProxyError(
      variable,
      `"${safeText(raw)}" is not a proxy URL; write e.g. http://proxy.example.com:3128`,
    );
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!(SCHEMES as readonly string[]).includes(scheme)) {
    throw new WebProxyError(
      variable,
      `"${scheme}" proxies are not supported; use http://, https://, socks5:// or socks5h://`,
    );
  }
  if (parsed.hostname === '') {
    throw new WebProxyError(variable, `"${safeText(raw)}" names no proxy host`);
  }
  // URL drops a port equal to the scheme's default (http://proxy:80), so read the text.
  const portDefaulted = !hasExplicitPort(text);
  if (portDefaulted) parsed.port = String(DEFAULT_WEB_PROXY_PORT);
  const port = parsed.port === '' ? defaultPortOf(scheme) : Number(parsed.port);
  const shown = new URL(parsed.toString());
  shown.username = '';
  shown.password = '';
  return {
    url: parsed.toString(),
    shown: shown.toString(),
    scheme: scheme as WebProxyScheme,
    port,
    portDefaulted,
  };
}

/** The checked web proxy of the environment, whether or not NO_PROXY exempts an endpoint. */
export function webProxyOfEnv(env: Record<string, string | undefined>): WebProxy | undefined {
  const variable = webProxyVariable(env);
  return variable ? parseWebProxy(variable.value, variable.name) : undefined;
}

/** The agent that reaches the service through `proxy`. */
export function webProxyAgent(proxy: WebProxy): Agent {
  if (proxy.scheme === 'socks5' || proxy.scheme === 'socks5h') {
    return new SocksProxyAgent(proxy.url) as unknown as Agent;
  }
  return new HttpsProxyAgent(proxy.url) as unknown as Agent;
}

/** Whether the URL's authority ends in `:PORT`. */
function hasExplicitPort(text: string): boolean {
  const authority = text.slice(text.indexOf('://') + 3).split(/[/?#]/, 1)[0]!;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return /(?:^|[^:\]]|\]):\d+$/.test(host) && (!host.startsWith('[') || /\]:\d+$/.test(host));
}

function defaultPortOf(scheme: string): number {
  return scheme === 'https' ? 443 : scheme === 'http' ? 80 : 1080;
}

/** The value as shown in an error: credentials (anything before an `@`) left out. */
function safeText(raw: string): string {
  return raw.replace(/\/\/[^@/]*@/, '//…@').slice(0, 200);
}
