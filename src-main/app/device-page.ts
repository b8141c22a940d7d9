/**
 * The sandbox device's web UI: a small status page served "by the device" on HTTP1, so
 * that a new user sees a real page come through the tunnel.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface DevicePage {
  readonly port: number;
  close(): Promise<void>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderDevicePage(deviceName: string, path: string, startedAt: number): string {
  const uptime = Math.round((Date.now() - startedAt) / 1000);
  const name = escapeHtml(deviceName);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${name} - device status</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#0f172a;color:#e2e8f0}
main{max-width:44rem;margin:3rem auto;padding:0 1.5rem}
h1{font-size:1.6rem;margin:0 0 .25rem}.sub{color:#94a3b8;margin:0 0 2rem}
table{border-collapse:collapse;width:100%}td{padding:.5rem .75rem;border-bottom:1px solid #1e293b}
td:first-child{color:#94a3b8;width:40%}.ok{color:#4ade80}
</style></head>
<body><main>
<h1>${name}</h1>
<p class="sub">Device status page, served by the simulated device through the secure tunnel.</p>
<table>
<tr><td>Status</td><td class="ok">online</td></tr>
<tr><td>Uptime</td><td>${uptime} s</td></tr>
<tr><td>Firmware</td><td>tunneldesk-sandbox 1.0</td></tr>
<tr><td>Requested path</td><td>${escapeHtml(path)}</td></tr>
<tr><td>Served at</td><td>${new Date().toISOString()}</td></tr>
</table>
</main></body></html>
`;
}

export async function startDevicePage(deviceName: string): Promise<DevicePage> {
  const startedAt = Date.now();
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    const body = renderDevicePage(deviceName, request.url ?? '/', startedAt);
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    response.end(body);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
