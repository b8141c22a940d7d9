/**
 * The HTTP edges of the management API: reading a request body with a limit, the SigV4
 * `Authorization` header that every AWS request carries (its presence and shape only: the
 * service checks no signature, so any credentials work), and writing answers.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ManagementError } from './errors.js';

/** Bodies of management requests are small JSON or form documents. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Reads the whole body; over the limit is AWS's 400 rather than an unbounded buffer. */
export function readBody(request: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(
          new ManagementError('ValidationException', `the request body is over ${limit} bytes`),
        );
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The caller, as far as the unsigned check can tell: the access key id of the credential scope. */
export interface Caller {
  readonly accessKeyId: string;
}

/**
 * Requires a SigV4 `Authorization` header, as AWS does before anything else: none is
 * MissingAuthenticationTokenException, another scheme or a header without its three
 * parts is IncompleteSignatureException. The signature itself is not verified.
 */
export function requireSigV4(request: http.IncomingMessage): Caller {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw new ManagementError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    );
  }
  const match =
    /^AWS4-HMAC-SHA256 +Credential=([^/,\s]+)\/[^,\s]+, *SignedHeaders=[^,\s]+, *Signature=[0-9a-f]+$/.exec(
      header.trim(),
    );
  if (!match) {
    throw new ManagementError(
      'IncompleteSignatureException',
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters of an AWS4-HMAC-SHA256 signature",
    );
  }
  return { accessKeyId: match[1]! };
}

/** Writes an answer with the request id header every AWS response carries. */
export function send(
  response: http.ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(body);
}

/** ms since the epoch as AWS's JSON protocols carry timestamps: seconds, with a fraction. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
