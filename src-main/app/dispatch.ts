/**
 * Where the IPC contract is enforced, whatever the transport: a request from the renderer
 * enters main here (the channel must be in the contract, the input must match its schema, a
 * message naming the field otherwise), and whatever the handler does comes back as a Reply,
 * never a throw, its value checked against the contract's output schema. Events are checked
 * here too (`checkEvent`), by each transport before it sends one. The renderer does not
 * check again: it loads no zod (ipc/bridge.ts), so a malformed answer is a bug of main's,
 * reported in main's log with the channel and the field.
 */
import {
  AppError,
  describeSchemaError,
  events,
  requestByChannel,
  requests,
  type EventName,
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
    const output = spec.output.safeParse(value);
    if (!output.success) {
      const { message } = describeSchemaError(output.error, 'the answer');
      log?.error(`${channel} answered a malformed value: ${message}`);
      return failure(
        new AppError('failed', `main answered ${channel} with a malformed value: ${message}`),
      );
    }
    return { ok: true, value: output.data };
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

/**
 * Whether an event's payload matches the contract. A transport calls it once per event it
 * is about to send (not per page); one that does not match is logged and not sent.
 */
export function checkEvent(name: EventName, payload: unknown, log?: Logger): boolean {
  const parsed = events[name].payload.safeParse(payload);
  if (parsed.success) return true;
  log?.error(
    `dropped a malformed ${name} event: ${describeSchemaError(parsed.error, 'the payload').message}`,
  );
  return false;
}
