/**
 * Raw HTTP for tests of browser mode: bytes no HTTP client would send, on a fresh socket to
 * 127.0.0.1, and what came back.
 */
import net from 'node:net';

export interface RawAnswer {
  /** The status of the response, or undefined when the server closed without one. */
  readonly status: number | undefined;
  /** Everything the server sent before it closed. */
  readonly text: string;
}

/** Sends `request` as it is and reads until the server closes (or ends) the connection. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(text)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of the answer within ${timeoutMs} ms; got: ${chunks.join('')}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
    // A server that refuses early may reset before reading all of a long request.
    socket.on('error', () => {});
    socket.write(request);
  });
}

/** A GET request with the given target and headers, asking the server to close after. */
export function rawGet(target: string, headers: Record<string, string>): string {
  const lines = Object.entries({ connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
