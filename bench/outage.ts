/**
 * `npm run bench -- outage [SECONDS ...]`: how soon traffic flows again after the tunnel
 * service was away. For each outage (5 s and 40 s by default) and each side (TunnelDesk, and
 * the reference localproxy from $LOCALPROXY or PATH when there is one): `tunneldesk service`
 * on a fixed port, a destination and a source proxy of that side on it, an echo round trip,
 * the service killed (SIGKILL: gone without a close frame, as in a crash or a network
 * outage; the reference ends on a service's "going away" close, so a graceful stop would
 * measure nothing on its side), the outage waited out, the service started again on the same port;
 * then an echo round trip through the source is tried every 50 ms until one passes. Prints
 * the time from the service's return to the first passing round trip, and whether both
 * proxies were still running (a proxy that gave up counts as "never").
 */
import {
  echoOnce,
  startEchoServer,
  unusedPort,
} from '../src-main/core/test-support/local-servers.js';
import { startTunneldesk, type Proc } from '../src-main/core/test-support/processes.js';
import { startOurProxies, type ProxyStarter } from './core.js';
import { BUILD_HINT, findReference, referenceProxies } from './compare.js';

const TOKENS = { source: 'OUTAGE_SRC_TOKEN_0001', destination: 'OUTAGE_DST_TOKEN_0001' };
/** Past this after the service's return, the side counts as not back. */
const GIVE_UP_MS = 60_000;

function startService(port: number): Proc {
  return startTunneldesk([
    'service',
    '--port',
    String(port),
    '--tunnel',
    `outage:${TOKENS.source}:${TOKENS.destination}:ECHO1`,
  ]);
}

async function untilEcho(port: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await echoOnce(port)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Milliseconds from the service's return to traffic, or undefined when it never came back. */
async function measure(start: ProxyStarter, outageMs: number): Promise<number | undefined> {
  const echo = await startEchoServer();
  const servicePort = await unusedPort();
  let service = startService(servicePort);
  await service.waitFor(/listening on/);
  const proxies = await start(servicePort, TOKENS, { ECHO1: echo.port });
  const port = proxies.ports.ECHO1!;
  let alive = true;
  void Promise.race([proxies.source.exited, proxies.destination.exited]).then(
    () => (alive = false),
  );
  try {
    if (!(await untilEcho(port, 15_000))) throw new Error('no traffic before the outage');
    service.child.kill('SIGKILL');
    await service.exited;
    await new Promise((r) => setTimeout(r, outageMs));
    service = startService(servicePort);
    await service.waitFor(/listening on/);
    const backAt = Date.now();
    const back = await untilEcho(port, GIVE_UP_MS);
    return back && alive ? Date.now() - backAt : undefined;
  } finally {
    await Promise.all([proxies.source.stop(), proxies.destination.stop()]);
    await service.stop();
    await echo.close();
  }
}

export async function outage(args: string[]): Promise<void> {
  const outages = (args.length ? args.map(Number) : [5, 40]).filter((s) => s > 0);
  const reference = findReference();
  if (!reference) console.log(BUILD_HINT);
  const sides: [string, ProxyStarter][] = [['tunneldesk', startOurProxies]];
  if (reference) sides.push([`localproxy (${reference})`, referenceProxies(reference)]);
  const rows: string[] = [];
  for (const seconds of outages) {
    for (const [name, start] of sides) {
      const ms = await measure(start, seconds * 1_000);
      const figure = ms === undefined ? 'never (gave up)' : `${(ms / 1000).toFixed(2)} s`;
      const row = `outage ${String(seconds).padStart(3)} s  ${name.padEnd(12)}  traffic again ${figure} after the service returned`;
      console.log(row);
      rows.push(row);
    }
  }
  console.log('\nsummary:\n' + rows.join('\n'));
}
