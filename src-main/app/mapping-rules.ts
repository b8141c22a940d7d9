/**
 * The mapping rows of the app, checked with the very rules and messages of the CLI
 * (core/config/port-mapping.ts), so that a row the app accepts is one `-s` accepts.
 */
import { ConfigError } from '../core/config/proxy-config.js';
import {
  parseBindAddress,
  parseListenPort,
  validateServiceId,
} from '../core/config/port-mapping.js';
import type { MappingCheck, ServiceMapping } from '../ipc/contract.js';
import { AppError } from '../ipc/contract.js';

export const DEFAULT_BIND_ADDRESS = '127.0.0.1';

/** Checks one row as typed: port text '' or 'auto' means any free port. */
export function checkMappingRow(row: {
  serviceId: string;
  port: string;
  bindAddress: string;
}): MappingCheck {
  const serviceId = row.serviceId.trim();
  const label = `"${serviceId}=${row.port.trim()}"`;
  try {
    validateServiceId(serviceId, `"${serviceId}"`);
  } catch (error) {
    return { ok: false, field: 'serviceId', message: (error as Error).message };
  }
  let port: number;
  const portText = row.port.trim().toLowerCase();
  try {
    port = portText === '' || portText === 'auto' ? 0 : parseListenPort(portText, label);
  } catch (error) {
    return { ok: false, field: 'port', message: (error as Error).message };
  }
  let bindAddress: string;
  try {
    bindAddress = parseBindAddress(row.bindAddress.trim() || DEFAULT_BIND_ADDRESS);
  } catch (error) {
    return { ok: false, field: 'bindAddress', message: (error as Error).message };
  }
  return { ok: true, mapping: { serviceId, port: port === 0 ? 'auto' : port, bindAddress } };
}

/** Checks a whole set of rows: each as above, and no service or port twice. */
export function checkMappings(rows: readonly ServiceMapping[]): ServiceMapping[] {
  const services = new Set<string>();
  const ports = new Map<string, string>();
  return rows.map((row, index) => {
    const checked = checkMappingRow({
      serviceId: row.serviceId,
      port: String(row.port),
      bindAddress: row.bindAddress,
    });
    if (!checked.ok)
      throw new AppError('invalid-mapping', checked.message, `services[${index}].${checked.field}`);
    const mapping = checked.mapping;
    if (services.has(mapping.serviceId)) {
      throw new AppError(
        'invalid-mapping',
        `service "${mapping.serviceId}" is mapped twice; map each service once`,
        `services[${index}].serviceId`,
      );
    }
    services.add(mapping.serviceId);
    if (mapping.port !== 'auto') {
      const owner = ports.get(String(mapping.port));
      if (owner !== undefined) {
        throw new AppError(
          'invalid-mapping',
          `port ${mapping.port} is given to both "${owner}" and "${mapping.serviceId}"; each service needs its own port (auto picks a free one)`,
          `services[${index}].port`,
        );
      }
      ports.set(String(mapping.port), mapping.serviceId);
    }
    return mapping;
  });
}

/**
 * What the UI calls the setting behind each of the CLI's flags that a core ConfigError can
 * name as its `where`: the UI has fields and switches, not flags.
 */
const UI_NAME_OF_FLAG: Readonly<Record<string, string>> = {
  '-c/--capath': 'CA file or folder',
  '-s': 'Services',
  '-d': 'Services',
  '-b': 'Bind address',
};

/** A ConfigError from the core (a port in use, a bad file line) as an error for the operator. */
export function appErrorFrom(error: unknown, field: string | null = null): Error {
  if (error instanceof ConfigError) {
    const code = error.problem === 'port-in-use' ? 'port-in-use' : 'invalid-mapping';
    return new AppError(code, inUiWords(error), field);
  }
  return error as Error;
}

/** The error's words with a CLI flag as its `where` replaced by the UI's name for it. */
function inUiWords(error: ConfigError): string {
  const where = error.where;
  if (where === undefined || !where.startsWith('-')) return error.message;
  // ConfigError writes "<where>: <message>"; the UI puts its own name in front instead.
  const words = error.message.slice(where.length + 2);
  return `${UI_NAME_OF_FLAG[where] ?? 'Settings'}: ${words}`;
}
