/**
 * Where the tunnel service is: a region's data plane endpoint, or an explicit endpoint
 * (`-e`), with the reference localproxy's rules. Shared by the CLI and the app.
 */
import { ConfigError, type ServiceEndpoint } from './proxy-config.js';

/** The port of the AWS data plane (and the default of `-e HOST`). */
export const DEFAULT_SERVICE_PORT = 443;
/** Regions whose endpoint is under amazonaws.com.cn (the reference's region overrides). */
const CHINA_REGIONS = new Set(['cn-north-1', 'cn-northwest-1']);
const MAX_ENDPOINT_LENGTH = 253;
const MAX_REGION_LENGTH = 64;

/** The data plane host of a region, as the reference builds it. */
export function regionEndpointHost(region: string): string {
  const domain = CHINA_REGIONS.has(region) ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `data.tunneling.iot.${region}.${domain}`;
}

/** The endpoint of a region's data plane: `-r us-east-1`. */
export function parseRegionEndpoint(text: string, where: string, origin: string): ServiceEndpoint {
  const region = text.trim();
  if (region === '' || region.length > MAX_REGION_LENGTH || !/^[a-z0-9-]+$/.test(region)) {
    throw new ConfigError(
      `"${text}" is not a region; a region is lowercase letters, digits and "-", e.g. us-east-1`,
      where,
    );
  }
  return {
    host: regionEndpointHost(region),
    port: DEFAULT_SERVICE_PORT,
    secure: true,
    origin: `region ${region} (${origin})`,
  };
}

/**
 * `-e`: `host[:port]`, `[IPv6][:port]`, optionally `wss://` (the default) or `ws://` (a
 * plain local test service). Lower-cased, as the reference does; port 443 by default.
 */
export function parseServiceEndpoint(text: string, where: string, origin: string): ServiceEndpoint {
  const rule = 'give HOST[:PORT], e.g. data.tunneling.iot.us-east-1.amazonaws.com:443';
  let rest = text.trim().toLowerCase();
  let secure = true;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    if (scheme[1] !== 'ws' && scheme[1] !== 'wss') {
      throw new ConfigError(
        `"${text}": ${scheme[1]}:// is not a tunnel scheme; leave it out (TLS), or write ws:// for a plain local test service`,
        where,
      );
    }
    secure = scheme[1] === 'wss';
    rest = rest.slice(scheme[0].length).replace(/\/$/, '');
  }
  if (rest === '' || rest.length > MAX_ENDPOINT_LENGTH || !/^[a-z0-9.:[\]-]+$/.test(rest)) {
    throw new ConfigError(`"${text}" is not an endpoint; ${rule}`, where);
  }
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([0-9a-f:.]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    port = colon < 0 ? undefined : rest.slice(colon + 1);
    if (host === '' || /[:[\]]/.test(host)) {
      throw new ConfigError(
        `"${text}" is not an endpoint; ${rule} (an IPv6 address goes in brackets: [::1]:8443)`,
        where,
      );
    }
  }
  let portNumber = secure ? DEFAULT_SERVICE_PORT : 80;
  if (port !== undefined) {
    portNumber = /^[0-9]+$/.test(port) ? Number(port) : NaN;
    if (!(portNumber >= 1 && portNumber <= 65_535)) {
      throw new ConfigError(`"${text}": the port is 1 to 65535 (443 when left out)`, where);
    }
  }
  return { host, port: portNumber, secure, origin };
}
