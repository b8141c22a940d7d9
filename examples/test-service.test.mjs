// Run a test tunnel service in a test suite (here node:test; vitest or jest alike): a
// service, a device's destination proxy in front of an echo server, and the source proxy
// under test, all on 127.0.0.1 and free ports. Bytes go through and come back unchanged.
//
//   node --test examples/test-service.test.mjs
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startDestinationProxy, startSourceProxy, startTunnelService } from 'tunneldesk';

const tunnel = {
  id: 'demo',
  sourceToken: 'src-token',
  destinationToken: 'dst-token',
  services: ['ECHO'],
};
let service, device, source, echo;

before(async () => {
  echo = net.createServer((socket) => socket.pipe(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => echo.once('listening', resolve));
  service = await startTunnelService({ tls: 'plain', tunnels: [tunnel] });
  const endpoint = `ws://127.0.0.1:${service.port}`;
  device = await startDestinationProxy({
    accessToken: tunnel.destinationToken,
    endpoint,
    services: { ECHO: echo.address().port },
  });
  source = await startSourceProxy({
    accessToken: tunnel.sourceToken,
    endpoint,
    services: { ECHO: 0 },
  });
  await new Promise((resolve) => source.once('ready', resolve));
});

after(async () => {
  await source?.close();
  await device?.close();
  await service?.close();
  echo?.close();
});

test('a megabyte goes through the tunnel and back unchanged', async () => {
  const sent = randomBytes(1024 * 1024);
  const socket = net.connect(source.ports[0].port, '127.0.0.1');
  const received = [];
  let length = 0;
  await new Promise((resolve, reject) => {
    socket.on('data', (chunk) => {
      received.push(chunk);
      length += chunk.length;
      if (length >= sent.length) resolve();
    });
    socket.on('error', reject);
    socket.write(sent);
  });
  socket.destroy();
  const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
  assert.equal(sha256(Buffer.concat(received)), sha256(sent));
});
