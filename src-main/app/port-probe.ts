/**
 * Whether a local port can be listened on right now, by trying: the only sure way, and what
 * the listener itself will do. The probe closes at once; a port that is free now can still
 * be taken before the tunnel opens, which the open then reports (port-in-use).
 */
import net from 'node:net';

/** `not-local`: the address is not one of this machine's (EADDRNOTAVAIL). */
export type PortProbe = 'free' | 'in-use' | 'not-allowed' | 'not-local' | 'unknown';

export function probePort(port: number, host: string): Promise<PortProbe> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve(
        error.code === 'EADDRINUSE'
          ? 'in-use'
          : error.code === 'EACCES'
            ? 'not-allowed'
            : error.code === 'EADDRNOTAVAIL'
              ? 'not-local'
              : 'unknown',
      );
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** Whether two listeners on the same port collide: same address, or either on every address. */
export function addressesOverlap(a: string, b: string): boolean {
  const any = (address: string) => address === '0.0.0.0' || address === '::';
  return a === b || any(a) || any(b);
}

const ALWAYS_LOCAL = new Set(['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost']);

/** The first of `addresses` that is not an address of this machine, if any. */
export async function firstNonLocalAddress(
  addresses: readonly string[],
): Promise<string | undefined> {
  for (const address of new Set(addresses)) {
    // Loopback and "every address" are always this machine's: no need to ask the OS.
    if (ALWAYS_LOCAL.has(address)) continue;
    if ((await probePort(0, address)) === 'not-local') return address;
  }
  return undefined;
}

/** What the UI says of a bind address this machine does not have. */
export function notLocalMessage(address: string): string {
  return `${address} is not an address of this machine; use 127.0.0.1, or an address of one of its network interfaces`;
}
