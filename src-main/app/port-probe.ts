/**
 * Whether a local port can be listened on right now, by trying: the only sure way, and what
 * the listener itself will do. The probe closes at once; a port that is free now can still
 * be taken before the tunnel opens, which the open then reports (port-in-use).
 */
import net from 'node:net';

export type PortProbe = 'free' | 'in-use' | 'not-allowed' | 'unknown';

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
