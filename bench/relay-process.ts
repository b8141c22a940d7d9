/**
 * The relay process of `npm run bench -- relay` (relay.ts): a plain Node program that is
 * either end of a tunnel with no tunnel protocol at all. `send LISTEN_PORT TLS_PORT`
 * accepts one local TCP connection (as a source proxy does: Node's server sockets, a fresh
 * buffer per read) and writes what it reads to a TLS connection; `receive TLS_PORT
 * SINK_PORT` reads a TLS connection into one reused buffer (as our proxies do, `onread`) and
 * writes what it reads to a local TCP connection. It prints its CPU seconds when its input ends.
 */
import net from 'node:net';
import tls from 'node:tls';

const [mode, first, second] = process.argv.slice(2);
const report = (): void => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`cpu ${(user + system) / 1e6}\n`);
};

if (mode === 'send') {
  const out = tls.connect({ host: '127.0.0.1', port: Number(second), rejectUnauthorized: false });
  const server = net.createServer({ noDelay: true }, (local) => {
    // Backpressure as a proxy must have it: stop reading while the other side is full.
    local.on('data', (chunk: Buffer) => {
      if (!out.write(chunk)) {
        local.pause();
        out.once('drain', () => local.resume());
      }
    });
    local.on('end', () => out.end(report));
  });
  out.once('secureConnect', () =>
    server.listen(Number(first), '127.0.0.1', () => process.stdout.write('ready\n')),
  );
} else if (mode === 'receive') {
  const sink = net.connect({ host: '127.0.0.1', port: Number(second), noDelay: true });
  const buffer = Buffer.allocUnsafe(64_512);
  const input: tls.TLSSocket = tls.connect({
    host: '127.0.0.1',
    port: Number(first),
    rejectUnauthorized: false,
    onread: {
      buffer,
      callback: (length: number) => {
        // The buffer is reused for the next read: what the sink cannot take at once is copied.
        if (!sink.write(Buffer.from(buffer.subarray(0, length)))) {
          input.pause();
          sink.once('drain', () => input.resume());
        }
        return true;
      },
    },
  } as tls.ConnectionOptions);
  input.once('secureConnect', () => process.stdout.write('ready\n'));
  input.on('end', () => sink.end(report));
} else {
  process.stderr.write(
    'usage: relay-process send LISTEN_PORT TLS_PORT | receive TLS_PORT SINK_PORT\n',
  );
  process.exit(2);
}
