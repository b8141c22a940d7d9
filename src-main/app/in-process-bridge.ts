/**
 * A bridge that calls the app in the same process, through the same dispatcher, the same
 * check of each event and the same structured-clone copies a real transport makes. Tests of
 * the renderer use it to drive the real app facade (real sessions, sandbox and sockets)
 * without a window.
 */
import { bridgeFrom, type TunnelDeskBridge } from '../ipc/bridge.js';
import { events, type EventName } from '../ipc/contract.js';
import type { TunnelDeskApp } from './app.js';
import { checkEvent, dispatch } from './dispatch.js';

export function inProcessBridge(app: TunnelDeskApp): TunnelDeskBridge {
  return bridgeFrom(
    async (channel, input) => structuredClone(await dispatch(app, channel, structuredClone(input))),
    (channel, listener) =>
      app.subscribe((name: EventName, payload) => {
        if (events[name].channel !== channel || !checkEvent(name, payload, app.logger)) return;
        listener(structuredClone(payload));
      }),
  );
}
