/**
 * Checks a mapping row as the operator types, with main's checkMapping (the CLI's own rules
 * and messages), debounced so a burst of keystrokes costs one request. An answer to an
 * older input is dropped; until the new one arrives the last answer stays on screen, which
 * keeps the message from flickering on every keystroke.
 */
import { useEffect, useState } from 'react';
import type { MappingCheck } from '../../../src-main/ipc/contract.js';
import { useApi } from '../api/api-context';

export const CHECK_DELAY_MS = 150;

export interface RowText {
  readonly serviceId: string;
  readonly port: string;
  readonly bindAddress: string;
}

export interface MappingCheckState {
  /** The latest answer, possibly for an earlier text. */
  readonly check: MappingCheck | null;
  /** Whether `check` answers the text as it is now. */
  readonly current: boolean;
}

const keyOf = (row: RowText) => `${row.serviceId}\u0000${row.port}\u0000${row.bindAddress}`;

export function useMappingCheck(
  row: RowText,
  delayMs = CHECK_DELAY_MS,
  /** A new tunnel's row: also whether the port is taken, and by whom. */
  inUse = false,
): MappingCheckState {
  const api = useApi();
  const key = keyOf(row);
  const [answer, setAnswer] = useState<{ key: string; check: MappingCheck } | null>(null);
  const { serviceId, port, bindAddress } = row;

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .checkMapping({ serviceId, port, bindAddress, ...(inUse ? { inUse } : {}) })
        .then((check) => {
          if (!cancelled) setAnswer({ key: keyOf({ serviceId, port, bindAddress }), check });
        })
        // The transport's own banner says why; a row keeps its last answer meanwhile.
        .catch(() => {});
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, serviceId, port, bindAddress, delayMs, inUse]);

  return { check: answer?.check ?? null, current: answer?.key === key };
}

/** The message of a failed check for one field, if that is the field to blame. */
export function checkMessage(
  check: MappingCheck | null,
  field: 'serviceId' | 'port' | 'bindAddress',
): string | undefined {
  return check && !check.ok && check.field === field ? check.message : undefined;
}
