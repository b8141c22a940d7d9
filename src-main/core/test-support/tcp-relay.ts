/**
 * A TCP relay on loopback between a proxy and its tunnel service, for faults no service can
 * play by itself: `blackHole()` makes every open connection stop forwarding both ways
 * without closing (a network path that silently died: no FIN, no RST, nothing), and
 * `destroyAll()` cuts them at once. It also keeps the head of each plain-text upgrade
 * request, so that a test can read the headers a proxy sent on every (re)connect.
 */
import net from 'node:net';
import { once } from 'node:events';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  holed: boolean;
}

export class TcpRelay {
  /** The HTTP head (request line and headers) of each connection, plain text (ws:// only). */
  readonly requests: string[] = [];
  private readonly pairs = new Set<Pair>();
  private readonly server: net.Server;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => this.relay(client));
  }

  async start(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this.port;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The value of a header in each request seen so far (undefined where absent). */
  header(name: string): (string | undefined)[] {
    const pattern = new RegExp(`^${name}: *(.*)$`, 'im');
    return this.requests.map((head) => pattern.exec(head)?.[1]?.trim());
  }

  /** Open connections stop carrying anything, both ways, and stay open. */
  blackHole(): void {
    for (const pair of this.pairs) {
      pair.holed = true;
      pair.client.pause();
      pair.upstream.pause();
    }
  }

  /** Destroys every open connection (both sides see the connection end). */
  destroyAll(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
  }

  async close(): Promise<void> {
    this.destroyAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect({ host: '127.0.0.1', port: this.targetPort });
    const pair: Pair = { client, upstream, holed: false };
    this.pairs.add(pair);
    let head = '';
    let headDone = false;
    const index = this.requests.length;
    this.requests.push('');
    client.on('data', (chunk: Buffer) => {
      if (!headDone) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0 || head.length > 16_384) {
          headDone = true;
          this.requests[index] = end >= 0 ? head.slice(0, end) : head;
        }
      }
      if (!pair.holed) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.holed) client.write(chunk);
    });
    const end = (): void => {
      if (pair.holed) return; // a black hole says nothing, not even goodbye
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', () => {});
      socket.on('close', end);
    }
  }
}
