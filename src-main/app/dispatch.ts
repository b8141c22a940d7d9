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
    return failure(
      new AppError('invalid-input', `no such request: ${String(channel).slice(0, 80)}`),
    );
  }
  const spec = requests[name];
  const parsed = spec.input.safeParse(rawInput);
  if (!parsed.success) {
    const { message, field } = describeSchemaError(parsed.error);
    log?.warn(`refused ${channel}: ${message}`);
    return failure(new AppError('invalid-input', message, field));
  }
  try {
    const handler = handlers[name] as (input: unknown) => unknown;
    const value = await handler.call(handlers, parsed.data);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof AppError) return failure(error);
    log?.error(`${channel} failed: ${(error as Error).stack ?? String(error)}`);
    return failure(new AppError('failed', (error as Error).message ?? String(error)));
  }
}

/** The reply for a request that failed. */
export function failure(error: AppError): Reply {
  return { ok: false, error: error.toShape() };
}
