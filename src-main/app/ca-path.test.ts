/**
 * The token form's CA file or folder: checked by main as typed (how many certificates),
 * refused on connect with a message on the CA field and nothing opened, and remembered for
 * "Edit & retry". Real files in a temporary folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../core/service/certificate.js';
import type { TunnelDeskApp } from './app.js';
import { appErrorOf, testApp } from './test-support/test-environment.js';

let dir: string;
let app: TunnelDeskApp;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tunneldesk-ca-'));
  ({ app } = testApp());
});
afterEach(async () => {
  await app.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const request = (caPath: string) => ({
  name: 'private-ca',
  accessToken: 'not-a-real-token-0123456789',
  target: { kind: 'endpoint' as const, endpoint: '127.0.0.1:9' },
  services: [{ serviceId: 'SSH1', port: 'auto' as const, bindAddress: '127.0.0.1' }],
  peerVersion: 'V3' as const,
  verifyTls: true,
  caPath,
});

describe('a CA file or folder in the token form', () => {
  it('counts the certificates of a file and of a folder', async () => {
    const { cert } = await selfSignedCertificate();
    writeFileSync(join(dir, 'one.pem'), cert);
    writeFileSync(join(dir, 'two.pem'), `${cert}\n${cert}`);
    expect(app.checkCaPath({ path: join(dir, 'one.pem') })).toEqual({ ok: true, certificates: 1 });
    expect(app.checkCaPath({ path: dir })).toEqual({ ok: true, certificates: 3 });
  });

  it('says what is wrong with a missing path or a file without certificates', () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a certificate');
    expect(app.checkCaPath({ path: join(dir, 'missing') })).toEqual({
      ok: false,
      message: `"${join(dir, 'missing')}" does not exist; give a directory or file of PEM CA certificates`,
    });
    expect(app.checkCaPath({ path: join(dir, 'notes.txt') })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^no PEM certificate/),
    });
  });

  it('refuses to connect with a bad one, on the CA field, opening nothing', async () => {
    const error = await appErrorOf(() => app.connectWithToken(request(join(dir, 'missing'))));
    expect(error).toMatchObject({ code: 'invalid-input', field: 'caPath' });
    expect(error.message).not.toMatch(/-c\b|--capath/);
    expect(app.listSessions()).toEqual([]);
  });

  it('connects with a good one and keeps it for Edit & retry', async () => {
    const { cert } = await selfSignedCertificate();
    writeFileSync(join(dir, 'ca.pem'), cert);
    const session = await app.connectWithToken(request(join(dir, 'ca.pem')));
    expect(session.reopen).toMatchObject({ kind: 'token', caPath: join(dir, 'ca.pem') });
  });

  it('browser mode has no file dialog: it says to type the path', async () => {
    const error = await appErrorOf(() => app.pickCaPath({ kind: 'file' }));
    expect(error).toMatchObject({ code: 'unsupported' });
  });
});
