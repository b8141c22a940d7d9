/**
 * The service's TLS material: the self-signed certificate verifies for localhost and
 * 127.0.0.1 once trusted, and PEM files the user gives are what the service presents.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError } from '../config/proxy-config.js';
import { SUBPROTOCOLS } from '../protocol/wire.js';
import type { Closable } from '../test-support/local-servers.js';
import { readTlsFiles, selfSignedCertificate } from './certificate.js';
import { TunnelService } from './tunnel-service.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

/** Opens a verified wss:// connection that trusts only `ca`; resolves with the chosen subprotocol. */
function verifiedConnect(url: string, ca: string, token: string): Promise<string> {
  const ws = new WebSocket(`${url}/tunnel?local-proxy-mode=source`, [SUBPROTOCOLS.V3], {
    headers: { 'access-token': token },
    ca,
    rejectUnauthorized: true,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      resolve(ws.protocol);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('selfSignedCertificate', () => {
  it('is made once per process, for localhost, 127.0.0.1 and ::1, valid for about a year', async () => {
    const material = await selfSignedCertificate();
    expect(await selfSignedCertificate()).toBe(material);
    const x509 = new X509Certificate(material.cert);
    expect(x509.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const days = (Date.parse(x509.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(360);
    expect(days).toBeLessThan(367);
  });

  it('verifies, once trusted, for a client connecting to 127.0.0.1', async () => {
    const material = await selfSignedCertificate();
    const tunnel = {
      id: 'tls',
      sourceToken: 'tls-source',
      destinationToken: 'tls-dest',
      services: [],
    };
    const service = new TunnelService({ tls: 'self-signed', tunnels: [tunnel] });
    await service.start();
    cleanup.push(service);
    expect(await verifiedConnect(service.url, material.cert, 'tls-source')).toBe(SUBPROTOCOLS.V3);
  });
});

describe('readTlsFiles', () => {
  it('reads PEM files, and the service presents exactly that certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-cert-'));
    cleanup.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
    const material = await selfSignedCertificate();
    writeFileSync(join(dir, 'c.pem'), material.cert);
    writeFileSync(join(dir, 'k.pem'), material.key);
    const read = readTlsFiles(join(dir, 'c.pem'), join(dir, 'k.pem'));
    expect(read).toEqual(material);

    const tunnel = {
      id: 'files',
      sourceToken: 'f-source',
      destinationToken: 'f-dest',
      services: [],
    };
    const service = new TunnelService({ tls: read, tunnels: [tunnel] });
    await service.start();
    cleanup.push(service);
    expect(await verifiedConnect(service.url, material.cert, 'f-source')).toBe(SUBPROTOCOLS.V3);
  });

  it('names the flag and the file of what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-cert-'));
    try {
      writeFileSync(join(dir, 'empty.pem'), '');
      expect(() => readTlsFiles(join(dir, 'nope.pem'), join(dir, 'empty.pem'))).toThrow(
        ConfigError,
      );
      expect(() => readTlsFiles(join(dir, 'nope.pem'), join(dir, 'empty.pem'))).toThrow(
        /^--cert: cannot read ".*nope\.pem": no such file$/,
      );
      expect(() => readTlsFiles(join(dir, 'empty.pem'), join(dir, 'empty.pem'))).toThrow(
        /^--cert: ".*empty\.pem" holds no PEM certificate$/,
      );
      expect(() => readTlsFiles(dir, join(dir, 'empty.pem'))).toThrow(
        /^--cert: cannot read ".*": EISDIR$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
