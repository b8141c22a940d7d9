import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StdioEndpoint } from './stdio-endpoint.js';

function endpoint(): { input: PassThrough; output: PassThrough; stdio: StdioEndpoint } {
  const input = new PassThrough();
  const output = new PassThrough();
  return { input, output, stdio: new StdioEndpoint(input, output) };
}

const closed = (stream: StdioEndpoint): Promise<void> =>
  new Promise((resolve) => stream.once('close', () => resolve()));

describe('StdioEndpoint', () => {
  it('reads stdin and writes stdout, byte for byte', async () => {
    const { input, output, stdio } = endpoint();
    const read: Buffer[] = [];
    stdio.on('data', (chunk: Buffer) => read.push(chunk));
    input.write(Buffer.from([0, 1, 2, 255]));
    stdio.write(Buffer.from('to stdout'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(read)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(output.read()?.toString()).toBe('to stdout');
  });

  it("ends as local-eof on stdin's EOF", async () => {
    const { input, stdio } = endpoint();
    stdio.resume();
    const done = closed(stdio);
    input.end();
    await done;
    expect(stdio.endedBy).toBe('local-eof');
  });

  it("ends as remote-end when the tunnel's side ends it, after its bytes are written", async () => {
    const { output, stdio } = endpoint();
    const done = closed(stdio);
    stdio.end(Buffer.from('last words'));
    await done;
    expect(stdio.endedBy).toBe('remote-end');
    expect(output.read()?.toString()).toBe('last words');
  });

  it('ends as aborted when cut off', async () => {
    const { stdio } = endpoint();
    const done = closed(stdio);
    stdio.destroy();
    await done;
    expect(stdio.endedBy).toBe('aborted');
  });
});
