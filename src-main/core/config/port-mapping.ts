/**
 * The service mappings of `-s/--source-listen-port` and `-d/--destination-app`, with the
 * reference localproxy's syntax (`SSH1=5555,HTTP1=8080`, or one bare value for a V1
 * tunnel) and its validation, plus checks the reference leaves out (a service or a port
 * given twice, empty items) because they only ever hide a typo.
 */
import { isIP } from 'node:net';
import { ConfigError, type DestinationTarget } from './proxy-config.js';

/** A service id: what OpenTunnel's `services` names. */
export const SERVICE_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const MAX_SERVICE_ID_LENGTH = 64;
/** Longest Unix socket path accepted (the reference's path limit). */
export const MAX_PATH_LENGTH = 4096;

const DIGITS = /^[0-9]+$/;
/** Host names and IPv4 addresses (IPv6 goes in brackets and is checked with `isIP`). */
const HOST_NAME = /^[a-zA-Z0-9.-]+$/;
const MAX_HOST_LENGTH = 253;

const SOURCE_PORT_RULE = 'a port is 1 to 65535 (0 picks a free port)';
const DESTINATION_PORT_RULE = 'a port is 1 to 65535';
const SERVICE_ID_RULE = `a service id is 1 to ${MAX_SERVICE_ID_LENGTH} letters, digits, '-' or '_'`;
const TARGET_RULE =
  'a target is PORT, HOST:PORT, [IPv6]:PORT or a Unix socket path (one with a "/")';

/** `"text"`, for naming a bad value in a message. */
function quote(text: string): string {
  return `"${text}"`;
}

/**
 * Parses a listening port of the source side: digits only, 0 to 65535 (0 asks the system
 * for a free port). `item` names the value in messages (e.g. `"SSH1=5555"`).
 */
export function parseListenPort(text: string, item: string, where?: string): number {
  const port = text.trim();
  if (port === '') {
    throw new ConfigError(`${item}: the port is missing; ${SOURCE_PORT_RULE}`, where);
  }
  if (!DIGITS.test(port)) {
    throw new ConfigError(`${item} is not a port; ${SOURCE_PORT_RULE}`, where);
  }
  const value = Number(port);
  if (value > 65_535) {
    throw new ConfigError(`${item}: port ${port} is out of range; ${SOURCE_PORT_RULE}`, where);
  }
  return value;
}

/** Parses a destination port: digits only, 1 to 65535. */
function parseDestinationPort(text: string, item: string, where?: string): number {
  if (text === '') {
    throw new ConfigError(`${item}: the port is missing; ${TARGET_RULE}`, where);
  }
  if (!DIGITS.test(text)) {
    throw new ConfigError(
      `${item}: port ${quote(text)} is not a number; ${DESTINATION_PORT_RULE}`,
      where,
    );
  }
  const value = Number(text);
  if (value < 1 || value > 65_535) {
    throw new ConfigError(`${item}: port ${text} is out of range; ${DESTINATION_PORT_RULE}`, where);
  }
  return value;
}

/**
 * Parses a destination target: `22` (on localhost), `host:22`, `10.0.0.1:22`, `[::1]:22`,
 * or a Unix socket path (anything with a '/', as in the reference: `/run/app.sock`,
 * `./app.sock`). `item` names the value in messages.
 */
export function parseDestinationTarget(
  text: string,
  item: string,
  where?: string,
): DestinationTarget {
  const endpoint = text.trim();
  if (endpoint === '') {
    throw new ConfigError(`${item}: the target is missing; ${TARGET_RULE}`, where);
  }
  if (DIGITS.test(endpoint)) {
    return { kind: 'tcp', host: 'localhost', port: parseDestinationPort(endpoint, item, where) };
  }
  if (endpoint.includes('/')) {
    if (endpoint.length > MAX_PATH_LENGTH || endpoint.includes('\0')) {
      throw new ConfigError(
        `${item}: not a usable socket path; a path is at most ${MAX_PATH_LENGTH} characters, without NUL`,
        where,
      );
    }
    return { kind: 'unix', path: endpoint };
  }
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(endpoint);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
    if (isIP(host) !== 6) {
      throw new ConfigError(
        `${item}: ${quote(host)} is not an IPv6 address; brackets hold an IPv6 address, e.g. [::1]:22`,
        where,
      );
    }
  } else {
    const colon = endpoint.lastIndexOf(':');
    host = colon < 0 ? endpoint : endpoint.slice(0, colon);
    port = colon < 0 ? undefined : endpoint.slice(colon + 1);
    if (host.includes(':')) {
      // `::1:22` cannot be split safely: which colon starts the port?
      throw new ConfigError(
        `${item}: an IPv6 address needs brackets to set it apart from the port, e.g. [::1]:22`,
        where,
      );
    }
    if (host === '' || host.length > MAX_HOST_LENGTH || !HOST_NAME.test(host)) {
      throw new ConfigError(`${item}: ${quote(host)} is not a host name; ${TARGET_RULE}`, where);
    }
  }
  if (port === undefined) {
    // The reference accepts a bare host and then has no port to connect to.
    throw new ConfigError(`${item}: no port after the host; ${TARGET_RULE}`, where);
  }
  return { kind: 'tcp', host, port: parseDestinationPort(port, item, where) };
}

const MAX_BIND_ADDRESS_LENGTH = 253;

/**
 * Parses a listen (or connect-from) address: a host name or an IP address, IPv6 with or
 * without brackets. Returns it as sockets take it (`[::1]` becomes `::1`).
 */
export function parseBindAddress(text: string, where?: string): string {
  const address = text.trim();
  if (
    address === '' ||
    address.length > MAX_BIND_ADDRESS_LENGTH ||
    !/^[a-zA-Z0-9.:[\]-]+$/.test(address)
  ) {
    throw new ConfigError(
      `"${text}" is not an address; give a host name or IP address, e.g. 127.0.0.1 or ::1`,
      where,
    );
  }
  return address.replace(/^\[(.*)\]$/, '$1');
}

/** Checks a service id against the reference's rules. */
export function validateServiceId(serviceId: string, item: string, where?: string): void {
  if (serviceId === '') {
    throw new ConfigError(`${item}: the service id is missing; ${SERVICE_ID_RULE}`, where);
  }
  if (serviceId.length > MAX_SERVICE_ID_LENGTH) {
    throw new ConfigError(
      `${item}: the service id is ${serviceId.length} characters long; ${SERVICE_ID_RULE}`,
      where,
    );
  }
  if (!SERVICE_ID_PATTERN.test(serviceId)) {
    throw new ConfigError(
      `${item}: service id ${quote(serviceId)} has other characters; ${SERVICE_ID_RULE}`,
      where,
    );
  }
}

/** One `SERVICE=VALUE` item, or the single bare value of the V1 form (service id ''). */
interface MappingItem {
  readonly serviceId: string;
  readonly value: string;
  /** The item as written, quoted, for messages. */
  readonly label: string;
}

/** Splits a mapping list into items, rejecting what the reference silently skips. */
function splitMappingList(list: string, example: string, where: string): MappingItem[] {
  const text = list.trim();
  if (text === '') {
    throw new ConfigError(`no mapping given; write ${example}`, where);
  }
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) {
    throw new ConfigError(
      `${quote(text)} has an empty item (a doubled comma, or one at an end); write ${example}`,
      where,
    );
  }
  return parts.map((part) => {
    const label = quote(part);
    const equals = part.indexOf('=');
    if (equals < 0) {
      // The V1 form: one value and no service id, for a tunnel with a single service.
      if (parts.length === 1) return { serviceId: '', value: part, label };
      throw new ConfigError(
        `${label} has no service id; with several items each one is SERVICE=VALUE, e.g. ${example}`,
        where,
      );
    }
    if (part.indexOf('=', equals + 1) >= 0) {
      throw new ConfigError(
        `${label} has more than one '='; an item is SERVICE=VALUE, e.g. ${example}`,
        where,
      );
    }
    const serviceId = part.slice(0, equals).trim();
    validateServiceId(serviceId, label, where);
    return { serviceId, value: part.slice(equals + 1).trim(), label };
  });
}

/** Builds the map, refusing a service given twice (the reference keeps the first quietly). */
function collect<T>(
  items: readonly MappingItem[],
  parse: (item: MappingItem) => T,
  where: string,
): Map<string, T> {
  const result = new Map<string, T>();
  const labels = new Map<string, string>();
  for (const item of items) {
    const earlier = labels.get(item.serviceId);
    if (earlier !== undefined) {
      throw new ConfigError(
        `service ${quote(item.serviceId)} is mapped twice (${earlier} and ${item.label}); map each service once`,
        where,
      );
    }
    labels.set(item.serviceId, item.label);
    result.set(item.serviceId, parse(item));
  }
  return result;
}

/**
 * Parses `-s/--source-listen-port`: `SSH1=5555,HTTP1=8080`, or a single port `5555` (the
 * V1 form, service id ''). Port 0 asks for a free port; any other port may appear once.
 * `where` names the flag or file line in messages.
 */
export function parseSourceMappings(list: string, where = '-s'): Map<string, number> {
  const items = splitMappingList(list, 'SSH1=5555,HTTP1=8080 (or one port: 5555)', where);
  const ports = collect(items, (item) => parseListenPort(item.value, item.label, where), where);
  const owners = new Map<number, string>();
  for (const [serviceId, port] of ports) {
    if (port === 0) continue;
    const owner = owners.get(port);
    if (owner !== undefined) {
      throw new ConfigError(
        `port ${port} is given to both ${quote(owner)} and ${quote(serviceId)}; each service needs its own port (0 picks a free one)`,
        where,
      );
    }
    owners.set(port, serviceId);
  }
  return ports;
}

/** The value of a source mapping that binds the service to stdin/stdout instead of a port. */
export const STDIO_BINDING = 'stdio';

/** Source mappings with the one service (if any) bound to stdin/stdout rather than a port. */
export interface SourceBindings {
  readonly ports: Map<string, number>;
  /** The service carried over stdin/stdout ('' for the V1 form `-s stdio`). */
  readonly stdio?: string;
}

/**
 * Parses `-s` like parseSourceMappings, where one service may be `stdio` (`SSH1=stdio`, or
 * `stdio` alone): its one connection is carried over stdin/stdout, with no listening port,
 * for ssh's ProxyCommand. A process has one stdin, so at most one service takes it.
 */
export function parseSourceBindings(list: string, where = '-s'): SourceBindings {
  const items = splitMappingList(list, 'SSH1=5555,HTTP1=8080 or SSH1=stdio', where);
  const stdio = items.filter((item) => item.value.toLowerCase() === STDIO_BINDING);
  if (stdio.length > 1) {
    throw new ConfigError(
      `${stdio.map((item) => item.label).join(' and ')} both take stdin/stdout; a process has one, so bind one service to stdio`,
      where,
    );
  }
  const rest = items.filter((item) => item.value.toLowerCase() !== STDIO_BINDING);
  const ports =
    rest.length > 0
      ? parseSourceMappings(
          rest
            .map((item) => (item.serviceId ? `${item.serviceId}=${item.value}` : item.value))
            .join(','),
          where,
        )
      : new Map<string, number>();
  const bound = stdio[0];
  if (bound && ports.has(bound.serviceId)) {
    throw new ConfigError(
      `service ${quote(bound.serviceId)} is mapped twice (to a port and to stdio); map each service once`,
      where,
    );
  }
  return bound ? { ports, stdio: bound.serviceId } : { ports };
}

/**
 * Parses `-d/--destination-app`: `SSH1=22,HTTP1=10.0.0.1:80,WEB=/run/app.sock`, or one
 * target `22` / `localhost:22` (the V1 form, service id ''). A bare port means localhost.
 */
export function parseDestinationMappings(
  list: string,
  where = '-d',
): Map<string, DestinationTarget> {
  const items = splitMappingList(
    list,
    'SSH1=22,HTTP1=10.0.0.1:80 (or one target: localhost:22)',
    where,
  );
  return collect(items, (item) => parseDestinationTarget(item.value, item.label, where), where);
}
