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
