/**
 * The mapping rows of a connect form as typed, and their conversion into the contract's
 * ServiceMapping by main's own check (so a form cannot send what `-s` would refuse).
 */
import type { ServiceMapping, TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import type { ShownError } from '../../lib/app-error';

export interface RowDraft {
  /** A stable React key: rows can be removed from the middle. */
  readonly key: number;
  readonly serviceId: string;
  readonly port: string;
  readonly bindAddress: string;
}

let nextKey = 1;

export function newRow(serviceId = '', port = 'auto', bindAddress = '127.0.0.1'): RowDraft {
  return { key: nextKey++, serviceId, port, bindAddress };
}

export function rowsFromMappings(mappings: readonly ServiceMapping[]): RowDraft[] {
  return mappings.map((m) => newRow(m.serviceId, String(m.port), m.bindAddress));
}

/** Every row checked by main: the mappings, or the first row's error, naming its field. */
export async function checkRows(
  api: TunnelDeskApi,
  rows: readonly RowDraft[],
): Promise<{ ok: true; mappings: ServiceMapping[] } | { ok: false; error: ShownError }> {
  const checks = await Promise.all(
    rows.map((row) =>
      api.checkMapping({ serviceId: row.serviceId, port: row.port, bindAddress: row.bindAddress }),
    ),
  );
  const mappings: ServiceMapping[] = [];
  for (const [index, check] of checks.entries()) {
    if (!check.ok) {
      return {
        ok: false,
        error: {
          code: 'invalid-mapping',
          message: check.message,
          field: `services[${index}].${check.field}`,
        },
      };
    }
    mappings.push(check.mapping);
  }
  return { ok: true, mappings };
}

/**
 * A row that repeats an earlier row's service or port (on an overlapping address), as the
 * operator types: the same rule main applies when the tunnel opens (checkMappings).
 */
export function duplicateProblem(
  rows: readonly RowDraft[],
  index: number,
): { readonly field: 'serviceId' | 'port'; readonly message: string } | null {
  const row = rows[index]!;
  const serviceId = row.serviceId.trim();
  const port = row.port.trim().toLowerCase();
  const address = row.bindAddress.trim() || '127.0.0.1';
  const anyAddress = (a: string) => a === '0.0.0.0' || a === '::';
  for (const earlier of rows.slice(0, index)) {
    if (serviceId !== '' && earlier.serviceId.trim() === serviceId) {
      return {
        field: 'serviceId',
        message: `"${serviceId}" is mapped above; map each service once`,
      };
    }
    const other = earlier.bindAddress.trim() || '127.0.0.1';
    if (
      /^\d+$/.test(port) &&
      earlier.port.trim() === port &&
      (other === address || anyAddress(other) || anyAddress(address))
    ) {
      return {
        field: 'port',
        message: `port ${port} is given to ${earlier.serviceId.trim() || 'a row'} above; each service needs its own port (auto picks a free one)`,
      };
    }
  }
  return null;
}
