/**
 * The transport-neutral shape both transports expose to the renderer (the Electron preload
 * through contextBridge, browser mode over a WebSocket), and the client the renderer builds
 * on it. A bridge answers every request with a Reply (errors are values: an Error object
 * does not survive contextBridge with its fields); the client unwraps replies into values or
 * thrown AppErrors and validates every output and event against the contract.
 */
import { z } from 'zod';
import {
  AppError,
  eventMethodName,
  events,
  Reply,
  requests,
  type EventMethodName,
  type EventName,
  type RequestInput,
  type RequestName,
  type TunnelDeskApi,
} from './contract.js';

/** What a transport provides: one named function per request and per event. */
export type TunnelDeskBridge = {
  [K in RequestName]: (input: RequestInput<K>) => Promise<Reply>;
} & {
  [K in EventName as EventMethodName<K>]: (listener: (payload: unknown) => void) => () => void;
};

/** Builds a bridge's functions from one send function and one subscribe function. */
export function bridgeFrom(
  invoke: (channel: string, input: unknown) => Promise<unknown>,
  listen: (channel: string, listener: (payload: unknown) => void) => () => void,
): TunnelDeskBridge {
  const bridge: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(requests)) {
    bridge[name] = (input: unknown) => invoke(spec.channel, input);
  }
  for (const [name, spec] of Object.entries(events)) {
    bridge[eventMethodName(name as EventName)] = (listener: (payload: unknown) => void) =>
      listen(spec.channel, listener);
  }
  return bridge as TunnelDeskBridge;
}

/** The renderer's API over a bridge: values or AppErrors, every payload checked. */
export function createClient(
  bridge: TunnelDeskBridge,
  onInvalidEvent: (name: EventName, error: string) => void = () => {},
): TunnelDeskApi {
  const api: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(requests) as [
    RequestName,
    (typeof requests)[RequestName],
  ][]) {
    api[name] = async (input: unknown) => {
      const call = bridge[name] as (input: unknown) => Promise<unknown>;
      const reply = Reply.parse(await call(input));
      if (!reply.ok) throw AppError.fromShape(reply.error);
      const output = (spec.output as z.ZodType).safeParse(reply.value);
      if (!output.success) {
        throw new AppError(
          'failed',
          `main answered ${spec.channel} with a malformed value: ${output.error.message}`,
        );
      }
      return output.data;
    };
  }
  for (const [name, spec] of Object.entries(events) as [EventName, (typeof events)[EventName]][]) {
    const method = eventMethodName(name);
    api[method] = (listener: (payload: unknown) => void) =>
      (bridge[method] as (l: (payload: unknown) => void) => () => void)((payload) => {
        const parsed = (spec.payload as z.ZodType).safeParse(payload);
        if (parsed.success) listener(parsed.data);
        else onInvalidEvent(name, parsed.error.message);
      });
  }
  return api as TunnelDeskApi;
}

// ---- browser mode's WebSocket frames ------------------------------------------------------------

export { WEB_IPC_PATH } from './web-ipc-path.js';

export const WebRequestFrame = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  input: z.unknown().optional(),
});
export type WebRequestFrame = z.infer<typeof WebRequestFrame>;

export const WebServerFrame = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('reply'), id: z.number(), reply: Reply }),
  z.strictObject({ kind: z.literal('event'), channel: z.string(), payload: z.unknown() }),
]);
export type WebServerFrame = z.infer<typeof WebServerFrame>;
