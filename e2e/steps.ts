/**
 * What the specs do beside clicking: keep a screenshot of each screen as an artifact, and
 * reach the local ports the app serves from the test process itself (Node's http and net),
 * as another program on the operator's machine would.
 */
import http from 'node:http';
import net from 'node:net';
import type { Page, TestInfo } from '@playwright/test';

/** Saves the page as `NN-name.png` in the test's output folder and attaches it to the report. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const index = testInfo.attachments.filter((a) => a.contentType === 'image/png').length + 1;
  const path = testInfo.outputPath(`${String(index).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** GET http://127.0.0.1:PORT/path with a fresh connection (no agent keeps it open after). */
export function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.setTimeout(10_000, () => request.destroy(new Error(`GET :${port}${path} timed out`)));
    request.on('error', reject);
  });
}

/** Whether a TCP connection to 127.0.0.1:PORT is refused (nothing listens there). */
export function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`connecting to :${port} neither succeeded nor was refused within 5 s`));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve(true);
      else reject(error);
    });
  });
}

/** A port free right now on 127.0.0.1 (the OS picks it; it is released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
