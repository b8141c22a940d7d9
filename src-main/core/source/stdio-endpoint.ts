/**
 * A local endpoint that is not a listener: the one connection of a process's stdin and
 * stdout (`-s SSH1=stdio`, ssh's ProxyCommand). It has the shape of an accepted socket, so
 * the multiplexer carries it like any other local connection: stdin's bytes go over the
 * tunnel, the tunnel's bytes go to stdout, and nothing else is ever written to stdout.
 */
import { Duplex, type Readable, type Writable } from 'node:stream';
import type net from 'node:net';

/** Why the connection ended: stdin's EOF, the tunnel's side ended it, or it was cut off. */
export type StdioEnd = 'local-eof' | 'remote-end' | 'aborted';

export class StdioEndpoint extends Duplex {
  /** What the proxy logs as the peer of this connection. */
  readonly remoteAddress = 'stdio';
  readonly remotePort = 0;
  readonly connecting = false;
  private endedAs: StdioEnd | undefined;
  private readonly onInput = (chunk: Buffer): void => {
    if (!this.push(chunk)) this.input.pause();
  };
  private readonly onInputEnd = (): void => {
    this.endedAs ??= 'local-eof';
    this.push(null);
  };
  private readonly onFailure = (error: Error): void => {
    // EPIPE on stdout (ssh went away) or a read error: the connection is over.
    this.endedAs ??= 'local-eof';
    this.destroy(error);
  };

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
  ) {
    // Not half-open: the protocol has no half-close, so stdin's EOF ends the connection
    // (after what the tunnel already sent is written to stdout).
    super({ allowHalfOpen: false });
    input.on('data', this.onInput);
    input.once('end', this.onInputEnd);
    input.on('error', this.onFailure);
    output.on('error', this.onFailure);
    input.pause();
  }

  /** How the connection ended; undefined while it is open. */
  get endedBy(): StdioEnd | undefined {
    return this.endedAs;
  }

  /** A TCP option: nothing to set on pipes. */
  setNoDelay(): this {
    return this;
  }

  /** A pipe has no TCP reset: closing is the nearest thing. */
  resetAndDestroy(): this {
    return this.destroy();
  }

  /** As a net.Socket, for the multiplexer (it uses only what both have). */
  asSocket(): net.Socket {
    return this as unknown as net.Socket;
  }

  override _read(): void {
    if (!this.input.readableEnded) this.input.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    // The callback waits for stdout: a slow reader (ssh) holds the tunnel back, not memory.
    this.output.write(chunk, (error) => done(error ?? undefined));
  }

  override _writev(chunks: { chunk: Buffer }[], done: (error?: Error | null) => void): void {
    this.output.write(Buffer.concat(chunks.map((c) => c.chunk)), (error) => done(error ?? null));
  }

  override _final(done: (error?: Error | null) => void): void {
    // The tunnel's side ended the connection (and every byte it sent is written).
    this.endedAs ??= 'remote-end';
    done();
    this.destroy();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.endedAs ??= 'aborted';
    this.input.off('data', this.onInput);
    this.input.off('end', this.onInputEnd);
    this.input.pause();
    done(error);
  }
}
