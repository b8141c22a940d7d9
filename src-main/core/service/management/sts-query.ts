/**
 * STS GetCallerIdentity, so that "who am I" works against the local service too. STS
 * speaks the awsQuery protocol: `POST /` with a form body `Action=GetCallerIdentity&
 * Version=2011-06-15`, and XML answers; errors are an `<ErrorResponse>` whose `<Code>` the
 * SDK reads.
 */
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ManagementError } from './errors.js';
import { send } from './http-io.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The identity the local service answers for every caller. */
export interface Identity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

export function isStsRequest(request: http.IncomingMessage): boolean {
  return (
    request.method === 'POST' &&
    (request.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_CONTENT_TYPE)
  );
}

/** The `Action` of a form body. */
export function stsAction(body: Buffer): string | undefined {
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
}

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sendCallerIdentity(response: http.ServerResponse, identity: Identity): void {
  send(
    response,
    200,
    'text/xml',
    `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}">` +
      '<GetCallerIdentityResult>' +
      `<Arn>${xml(identity.arn)}</Arn><UserId>${xml(identity.userId)}</UserId><Account>${xml(identity.account)}</Account>` +
      '</GetCallerIdentityResult>' +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>` +
      '</GetCallerIdentityResponse>',
  );
}

/** STS's names differ from the JSON services' for two common failures. */
const STS_CODES: Partial<Record<ManagementError['exception'], string>> = {
  AccessDeniedException: 'AccessDenied',
  ExpiredTokenException: 'ExpiredToken',
  UnrecognizedClientException: 'InvalidClientTokenId',
  ThrottlingException: 'Throttling',
};

export function sendStsError(response: http.ServerResponse, error: ManagementError): void {
  const code = STS_CODES[error.exception] ?? error.exception;
  send(
    response,
    error.status,
    'text/xml',
    `<ErrorResponse xmlns="${STS_NAMESPACE}">` +
      `<Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${xml(error.message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId>` +
      '</ErrorResponse>',
  );
}
