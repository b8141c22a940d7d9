/**
 * `npm run bench -- retained [CYCLES]` (60 by default): what memory a tunnel keeps after
 * reconnects and connection churn, measured where RSS cannot: the JavaScript heap after a
 * full collection. The service, both proxies and an echo server run in this process (TLS on
 * loopback); each cycle opens 50 connections, echoes 64 KiB on each (compared byte for byte),
 * closes them, then destroys the service's sockets so both proxies reconnect. Every 10 cycles
 * it collects garbage three times and prints the heap in use. The soak's RSS moves by tens of
 * MiB with the collector and the allocator; this figure does not, so a leak per reconnect or
 * per connection shows here as steady growth. A benchmark: it asserts nothing.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  connect,
  echoRoundTrip,
  startEchoServer,
  waitFor,
} from '../src-main/core/test-support/local-servers.js';
import { startHarness, type Harness } from '../src-main/core/test-support/tunnel-harness.js';

const CONNECTIONS_PER_CYCLE = 50;
const PAYLOAD = Buffer.alloc(64 * 1024, 0x5a);
const REPORT_EVERY = 10;
const MiB = 1024 * 1024;

export async function retained(cycles: number): Promise<void> {
  if (!Number.isInteger(cycles) || cycles < REPORT_EVERY * 2) {
    throw new Error(`cycles must be a whole number of at least ${REPORT_EVERY * 2}, not ${cycles}`);
  }
  const collect = garbageCollector();
  const echo = await startEchoServer();
  const harness = await startHarness({
    services: ['ECHO1'],
    targets: { ECHO1: echo.port },
    runtime: { backoff: { initialMs: 20, maxMs: 100, minMs: 5 } },
  });
  console.log(
    `retained: ${cycles} cycles of ${CONNECTIONS_PER_CYCLE} echo connections and a forced reconnect; ` +
      `heap in use after a full collection every ${REPORT_EVERY} cycles`,
  );
  const heapAt: number[] = [];
  try {
    for (let cycle = 1; cycle <= cycles; cycle++) {
      await churn(harness.port('ECHO1'));
      await forceReconnect(harness);
      if (cycle % REPORT_EVERY === 0) {
        const heap = await heapAfterCollection(collect);
        heapAt.push(heap);
        const tracked = harness.source.snapshot().services.flatMap((s) => s.connections).length;
        console.log(
          `cycle ${String(cycle).padStart(4)}: heap ${(heap / MiB).toFixed(2)} MiB, ` +
            `connections tracked ${tracked}, reconnects ${harness.source.snapshot().reconnects}`,
        );
      }
    }
  } finally {
    await harness.close();
    await echo.close();
  }
  // The first report includes the warm-up (compiled code, pools filling); growth is judged after it.
  const first = heapAt[0]!;
  const last = heapAt.at(-1)!;
  const perCycle = (last - first) / (cycles - REPORT_EVERY);
  console.log('');
  console.log(
    `heap after cycle ${REPORT_EVERY}: ${(first / MiB).toFixed(2)} MiB; after cycle ${cycles}: ` +
      `${(last / MiB).toFixed(2)} MiB; ${(perCycle / 1024).toFixed(1)} KiB per cycle ` +
      `(${CONNECTIONS_PER_CYCLE} connections and a reconnect)`,
  );
}

async function churn(port: number): Promise<void> {
  const sockets = await Promise.all(
    Array.from({ length: CONNECTIONS_PER_CYCLE }, () => connect(port)),
  );
  for (const socket of sockets) socket.on('error', () => {});
  const echoed = await Promise.all(sockets.map((socket) => echoRoundTrip(socket, PAYLOAD)));
  if (echoed.some((data) => !data.equals(PAYLOAD))) throw new Error('an echo came back changed');
  for (const socket of sockets) socket.destroy();
}

async function forceReconnect(harness: Harness): Promise<void> {
  const before = {
    source: harness.source.snapshot().reconnects,
    destination: harness.destination.snapshot().reconnects,
  };
  harness.service.dropConnections();
  await waitFor(
    () => {
      const tunnel = harness.service.describeTunnel(harness.tunnelId);
      const source = harness.source.snapshot();
      const destination = harness.destination.snapshot();
      return (
        source.reconnects > before.source &&
        destination.reconnects > before.destination &&
        source.state.kind === 'connected' &&
        destination.state.kind === 'connected' &&
        tunnel.source.connected &&
        tunnel.destination.connected
      );
    },
    10_000,
    'both proxies to reconnect',
  );
}

async function heapAfterCollection(collect: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
}

/** `gc()` without restarting node with --expose-gc: the flag set now, the function from a fresh context. */
function garbageCollector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
