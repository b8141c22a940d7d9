/**
 * A minimal SOCKS5 server (RFC 1928) for tests: no authentication, CONNECT only, to an IPv4
 * address, an IPv6 address or a domain name. It records every CONNECT target, so a test can
 * tell that the tunnel really went through it.
 */
import net from 'node:net';
import type { Closable } from './local-servers.js';

export interface Socks5Server extends Closable {
  readonly port: number;
  /** Every CONNECT target, as `host:port`, in order. */
  readonly connects: readonly string[];
}

const VERSION = 0x05;
const NO_AUTH = 0x00;
const NO_ACCEPTABLE_METHOD = 0xff;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;
const REPLY_OK = 0x00;
const REPLY_GENERAL_FAILURE = 0x01;
const REPLY_COMMAND_NOT_SUPPORTED = 0x07;

export async function startSocks5Server(): Promise<Socks5Server> {
  const sockets = new Set<net.Socket>();
  const connects: string[] = [];
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let stage: 'greeting' | 'request' | 'relaying' = 'greeting';
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (stage === 'greeting') {
        if (buffered.length < 2 || buffered.length < 2 + buffered[1]!) return;
        const methods = buffered.subarray(2, 2 + buffered[1]!);
        buffered = buffered.subarray(2 + buffered[1]!);
        if (!methods.includes(NO_AUTH)) {
          client.end(Buffer.from([VERSION, NO_ACCEPTABLE_METHOD]));
          return;
        }
        client.write(Buffer.from([VERSION, NO_AUTH]));
        stage = 'request';
      }
      if (stage === 'request') {
        const target = parseRequest(buffered);
        if (!target) return;
        client.off('data', onData);
        stage = 'relaying';
        if (target.command !== CMD_CONNECT) {
          client.end(reply(REPLY_COMMAND_NOT_SUPPORTED));
          return;
        }
        connects.push(`${target.host}:${target.port}`);
        const rest = buffered.subarray(target.length);
        const upstream = net.connect(target.port, target.host, () => {
          client.write(reply(REPLY_OK));
          if (rest.length > 0) upstream.write(rest);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => {
          if (!client.destroyed) client.end(reply(REPLY_GENERAL_FAILURE));
        });
        client.on('close', () => upstream.destroy());
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The CONNECT request at the start of `bytes`, or undefined until it is whole. */
function parseRequest(
  bytes: Buffer,
): { command: number; host: string; port: number; length: number } | undefined {
  if (bytes.length < 5) return undefined;
  const command = bytes[1]!;
  const type = bytes[3]!;
  let host: string;
  let at: number;
  if (type === ATYP_IPV4) {
    at = 4 + 4;
    if (bytes.length < at + 2) return undefined;
    host = [...bytes.subarray(4, 8)].join('.');
  } else if (type === ATYP_DOMAIN) {
    at = 5 + bytes[4]!;
    if (bytes.length < at + 2) return undefined;
    host = bytes.subarray(5, at).toString('latin1');
  } else if (type === ATYP_IPV6) {
    at = 4 + 16;
    if (bytes.length < at + 2) return undefined;
    const words: string[] = [];
    for (let i = 4; i < at; i += 2) words.push(bytes.readUInt16BE(i).toString(16));
    host = words.join(':');
  } else {
    return { command: -1, host: '', port: 0, length: bytes.length };
  }
  return { command, host, port: bytes.readUInt16BE(at), length: at + 2 };
}

/** A reply with the bound address 0.0.0.0:0 (clients ignore it for CONNECT). */
function reply(code: number): Buffer {
  return Buffer.from([VERSION, code, 0x00, ATYP_IPV4, 0, 0, 0, 0, 0, 0]);
}
