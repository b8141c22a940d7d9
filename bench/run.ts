/**
 * `npm run bench -- [core|throughput|first-byte|connections|fairness|soak [MINUTES]|retained [CYCLES]|compare [--rounds N] [--mib N]|compare-profile DIR|outage [SECONDS ...]|compat [--record]|relay [--mib N] [--rounds N]|ui [--connections N] [--seconds S] [--baseline REF]]`: prints figures,
 * asserts nothing. The script compiles the benchmarks to dist-bench/ (tsconfig.bench.json: they use
 * test-support helpers, which the product build leaves out); the `tunneldesk` command they start
 * runs from the product build (`npm run build`; npm ci does it).
 */
import { compare } from './compare.js';
import { compareProfile } from './compare-profile.js';
import { compat } from './compat.js';
import { firstByte, manyConnections, throughput } from './core.js';
import { fairness } from './fairness.js';
import { relay } from './relay.js';
import { outage } from './outage.js';
import { retained } from './retained.js';
import { soak } from './soak.js';
import { ui } from './ui.js';

const suites: Record<string, () => Promise<void>> = {
  throughput: () => throughput(),
  'first-byte': () => firstByte(),
  connections: () => manyConnections(),
  fairness: () => fairness(),
  // `soak 1` for one minute; 10 by default. Not part of `core`: it takes minutes.
  soak: () => soak(process.argv[3] ? Number(process.argv[3]) : 10),
  // `retained 200` for more cycles; 60 by default.
  retained: () => retained(process.argv[3] ? Number(process.argv[3]) : 60),
  // `compare --rounds 5 --mib 50`: TunnelDesk against the reference localproxy ($LOCALPROXY or PATH).
  compare: () => compare(process.argv.slice(3)),
  // `compare-profile DIR`: the heaviest frames of the profiles `compare --cpu-prof DIR` wrote.
  'compare-profile': async () =>
    compareProfile(process.argv[3], process.argv[4] ? Number(process.argv[4]) : 10),
  // `outage 5 40`: seconds of each outage; traffic again after the service returns, ours and the reference's.
  outage: () => outage(process.argv.slice(3)),
  // `compat [--record]`: the compatibility table, ours and the reference's side by side.
  compat: () => compat(process.argv.slice(3)),
  // `relay --mib 400 --rounds 3`: a plain Node relay's CPU per GiB, with no tunnel protocol.
  relay: () => relay(process.argv.slice(3)),
  // `ui --connections 1000 --seconds 20 --baseline DIR`: the UI in browser mode under load.
  ui: () => ui(process.argv.slice(3)),
  core: async () => {
    await throughput();
    await firstByte();
    await manyConnections();
  },
};

const name = process.argv[2] ?? 'core';
const suite = suites[name];
if (!suite) {
  console.error(`unknown benchmark "${name}"; choose one of: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
console.log(
  `tunneldesk bench ${name}: node ${process.version}, ${(await import('node:os')).cpus().length} cores`,
);
await suite();
