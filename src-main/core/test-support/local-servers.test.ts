/**
 * The hash server the upload tests and benchmarks trust to tell a right stream from a wrong
 * one: it must answer the hash of exactly what was announced, and say so when a proxy
 * delivers more, rather than crash or hash the extra bytes as if they belonged.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  lengthHeader,
  readAll,
  startHashServer,
  type RunningServer,
} from './local-servers.js';

describe('the hash server', () => {
  let server: RunningServer | undefined;
  afterEach(() => server?.close());

  it('answers the sha256 of exactly the announced bytes', async () => {
    server = await startHashServer();
    const socket = await connect(server.port);
    const body = Buffer.from('exactly these bytes');
    socket.write(Buffer.concat([lengthHeader(body.length), body]));
    const answer = (await readAll(socket)).toString();
    expect(answer).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('answers "too long" when more arrives than was announced, and survives what follows', async () => {
    server = await startHashServer();
    const socket = await connect(server.port);
    socket.write(Buffer.concat([lengthHeader(4), Buffer.from('four and more')]));
    // Bytes after the answer went out: the server ignores them instead of failing.
    socket.write('still more');
    // (The two writes may arrive as one read.)
    expect((await readAll(socket)).toString()).toMatch(/^too long: (13|23) bytes$/);
    const next = await connect(server.port);
    next.write(Buffer.concat([lengthHeader(2), Buffer.from('ok')]));
    expect((await readAll(next)).toString()).toHaveLength(64);
  });
});
