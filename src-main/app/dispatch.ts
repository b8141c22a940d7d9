/**
 * The one place a request from the renderer enters main, whatever the transport: the
 * channel must be in the contract, the input must match its schema (a message naming the
 * field otherwise), and whatever the handler does comes back as a Reply, never a throw.
 */
import {
  AppError,
  describeSchemaError,
  requestByChannel,
  requests,
  type Reply,
  type RequestHandlers,
} from '../ipc/contract.js';
import type { Logger } from '../core/log/logger.js';

export async function dispatch(
  handlers: RequestHandlers,
  channel: string,
  rawInput: unknown,
  log?: Logger,
): Promise<Reply> {
  const name = requestByChannel(channel);
  if (!name) {
    return {
      ok: false,
      error: {
        code: 'invalid-input',
        message: `no such request: ${String(channel).slice(0, 80)}`,
        field: null,
      },
    };
  }
  const spec = requests[name];
  const parsed = spec.input.safeParse(rawInput);
  if (!parsed.success) {
    const { message, field } = describeSchemaError(parsed.error);
    log?.warn(`refused ${channel}: ${message}`);
    return { ok: false, error: { code: 'invalid-input', message, field } };
  }
  try {
    const handler = handlers[name] as (input: unknown) => unknown;
    const value = await handler.call(handlers, parsed.data);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toShape() };
    log?.error(`${channel} failed: ${(error as Error).stack ?? String(error)}`);
    return {
      ok: false,
      error: { code: 'failed', message: (error as Error).message ?? String(error), field: null },
    };
  }
}
