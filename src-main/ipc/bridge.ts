/**
 * The transport-neutral shape both transports expose to the renderer (the Electron preload
 * through contextBridge, browser mode over a WebSocket), and the client the renderer builds
 * on it. A bridge answers every request with a Reply (errors are values: an Error object
 * does not survive contextBridge with its fields); the client unwraps replies into values or
 * thrown AppErrors.
 *
 * No schema here, and no zod: the renderer loads this module at start. What main sends was
 * checked against the contract before it left (app/dispatch.ts), so the client takes it as
 * it comes; main is the side that distrusts, never the renderer.
 */
import { AppError } from './app-error.js';
import {
  EVENT_CHANNELS,
  eventMethodName,
  REQUEST_CHANNELS,
  type EventMethodName,
  type EventName,
  type RequestName,
} from './contract-values.js';
import type { Reply, RequestInput, TunnelDeskApi } from './contract.js';

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
  for (const [name, channel] of Object.entries(REQUEST_CHANNELS)) {
    bridge[name] = (input: unknown) => invoke(channel, input);
  }
  for (const [name, channel] of Object.entries(EVENT_CHANNELS)) {
    bridge[eventMethodName(name as EventName)] = (listener: (payload: unknown) => void) =>
      listen(channel, listener);
  }
  return bridge as TunnelDeskBridge;
}

/** The renderer's API over a bridge: values, or AppErrors thrown. */
export function createClient(bridge: TunnelDeskBridge): TunnelDeskApi {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(REQUEST_CHANNELS) as RequestName[]) {
    const call = bridge[name] as (input: unknown) => Promise<Reply>;
    api[name] = async (input: unknown) => {
      const reply = await call(input);
      if (!reply.ok) throw AppError.fromShape(reply.error);
      return reply.value;
    };
  }
  for (const name of Object.keys(EVENT_CHANNELS) as EventName[]) {
    const method = eventMethodName(name);
    api[method] = bridge[method];
  }
  return api as TunnelDeskApi;
}
