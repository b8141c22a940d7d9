/**
 * A local connection cut off for breaking a receive limit: a TCP socket gets a reset, a
 * Unix socket (which has none) is destroyed, and either way the end is reported once, with
 * the reason, and nothing more is reported about its buffer.
 */
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnection, type LocalConnectionHooks } from './local-connection.js';
import { ResourceLimitError } from './limits.js';
import { ServiceChannel } from './service-channel.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

function recordingHooks() {
  const ends: (Error | undefined)[] = [];
  let reports = 0;
  const hooks: LocalConnectionHooks = {
    onLocalData: () => {},
    onLocalEnd: (_connection, error) => ends.push(error),
    onWriteBuffered: () => reports++,
  };
  return { hooks, ends, reports: () => reports };
}

async function pair(path?: string): Promise<{ client: net.Socket; server: net.Socket }> {
  const server = net.createServer();
  server.listen(path ?? { port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  cleanup.push(() => server.close());
  const accepted = once(server, 'connection');
  const client = path
    ? net.connect(path)
    : net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('error', () => {});
  const [serverSide] = (await accepted) as [net.Socket];
  serverSide.on('error', () => {});
  await once(client, 'connect').catch(() => {});
  cleanup.push(() => {
    client.destroy();
    serverSide.destroy();
  });
  return { client, server: serverSide };
}

describe('LocalConnection.fail', () => {
  it.each(['tcp', 'unix'])('cuts a %s socket off and reports the end once', async (kind) => {
    let path: string | undefined;
    if (kind === 'unix') {
      const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-lc-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      path = join(dir, 'target.sock');
    }
    const { client, server } = await pair(path);
    const { hooks, ends, reports } = recordingHooks();
    const connection = new LocalConnection(
      client,
      new ServiceChannel('SSH1', undefined, true),
      1,
      1,
      'peer',
      hooks,
      false,
    );
    connection.deliver(Buffer.alloc(1024), undefined);
    const before = reports();
    expect(before).toBeGreaterThan(0);
    const error = new ResourceLimitError('stalled', 'stuck');
    connection.fail(error);
    connection.fail(error); // twice is once
    expect(ends).toEqual([error]);
    expect(connection.state).toBe('closed');
    expect(client.destroyed).toBe(true);
    connection.deliver(Buffer.alloc(10), undefined); // after the end: dropped, not reported
    // The other end sees a TCP reset (a Unix socket has none: it sees the end).
    const how = await new Promise<string>((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      server.once('close', () => resolve('closed'));
      server.resume();
    });
    expect(how).toBe(kind === 'tcp' ? 'ECONNRESET' : 'closed');
    expect(reports()).toBe(before);
    expect(ends).toHaveLength(1);
  });
});
