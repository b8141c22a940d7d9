/**
 * TLS material for the local tunnel service: the user's PEM files, or a self-signed
 * certificate for localhost made at start (the `selfsigned` library, on Node's WebCrypto).
 * Peers must skip verification (`-k`) or trust it; it is for local testing only.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/proxy-config.js';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

let selfSigned: Promise<TlsMaterial> | undefined;

/**
 * A self-signed ECDSA certificate for localhost, 127.0.0.1 and ::1, valid for a year.
 * Made once per process: tests and the app's sandbox start many services.
 */
export function selfSignedCertificate(): Promise<TlsMaterial> {
  // Loaded on first use: selfsigned and its X.509 stack add megabytes to the heap of every
  // process that imports this module, the proxies included, and a bigger heap makes each of
  // V8's full collections dearer on the data path.
  selfSigned ??= import('selfsigned')
    .then(({ generate }) =>
      generate([{ name: 'commonName', value: 'localhost' }], {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [
              { type: 2, value: 'localhost' },
              { type: 7, ip: '127.0.0.1' },
              { type: 7, ip: '::1' },
            ],
          },
        ],
      }),
    )
    .then((pems) => ({ cert: pems.cert, key: pems.private }));
  return selfSigned;
}

/** Reads `--cert` and `--key` PEM files, naming the flag and file of any problem. */
export function readTlsFiles(certFile: string, keyFile: string): TlsMaterial {
  const read = (file: string, flag: string, marker: RegExp, what: string): string => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `cannot read "${file}": ${code === 'ENOENT' ? 'no such file' : code}`,
        flag,
      );
    }
    if (!marker.test(text)) throw new ConfigError(`"${file}" holds no PEM ${what}`, flag);
    return text;
  };
  return {
    cert: read(certFile, '--cert', /-----BEGIN CERTIFICATE-----/, 'certificate'),
    key: read(keyFile, '--key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key'),
  };
}
