/**
 * The services offered when opening a tunnel to a thing: those last used for that thing,
 * else those kept for its thing type, else SSH1 on any free port. openTunnel keeps the
 * thing's (the oldest are dropped past the settings' bound).
 */
import type { ServiceMapping, Settings } from '../ipc/contract.js';
import { DEFAULT_BIND_ADDRESS } from './mapping-rules.js';

/** The settings' bound on the number of things (and of thing types) kept. */
const MAX_KEPT = 1_000;

const FALLBACK: ServiceMapping[] = [
  { serviceId: 'SSH1', port: 'auto', bindAddress: DEFAULT_BIND_ADDRESS },
];

export function serviceDefaults(
  settings: Settings,
  thingName: string,
  thingTypeName: string | null | undefined,
): ServiceMapping[] {
  const kept = settings.tunnelDefaults;
  return (
    kept?.byThing[thingName] ??
    (thingTypeName ? kept?.byThingType[thingTypeName] : undefined) ??
    FALLBACK
  ).map((mapping) => ({ ...mapping }));
}

/** The settings change that keeps `mappings` for `thingName`, most recent last. */
export function keepServices(
  settings: Settings,
  thingName: string,
  mappings: readonly ServiceMapping[],
): Pick<Settings, 'tunnelDefaults'> {
  const byThing = { ...settings.tunnelDefaults?.byThing };
  delete byThing[thingName];
  byThing[thingName] = mappings.map((mapping) => ({ ...mapping }));
  const names = Object.keys(byThing);
  for (const name of names.slice(0, Math.max(0, names.length - MAX_KEPT))) delete byThing[name];
  return {
    tunnelDefaults: { byThing, byThingType: { ...settings.tunnelDefaults?.byThingType } },
  };
}
