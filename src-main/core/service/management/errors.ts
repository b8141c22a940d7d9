/**
 * The errors of the management API, as AWS names them. Each carries the HTTP status AWS
 * answers with; the protocol handlers put the name where the SDK looks for it (the
 * `x-amzn-errortype` header, and `__type` in awsJson bodies or `<Code>` in awsQuery ones),
 * so that the stock clients raise their own typed exceptions.
 */

/** Every exception the service can answer with, on its own or on request (failNext). */
export const EXCEPTIONS = {
  /** A tunnel, tag resource or thing that does not exist (tunneling and IoT). */
  ResourceNotFoundException: { status: 404 },
  /** Too many open tunnels for the account (tunneling). */
  LimitExceededException: { status: 400 },
  /** IAM refused the action; the message names it, as AWS's does. */
  AccessDeniedException: { status: 403 },
  /** Too many requests; the SDK's retry strategy retries it with backoff. */
  ThrottlingException: { status: 400 },
  /** IoT's name for throttling (REST APIs answer 429). */
  TooManyRequestsException: { status: 429 },
  /** A parameter out of its allowed range or pattern. */
  ValidationException: { status: 400 },
  /** IoT's name for a bad parameter. */
  InvalidRequestException: { status: 400 },
  /** IoT's name for an authorization failure. */
  UnauthorizedException: { status: 401 },
  /** The request's credentials have expired (temporary credentials, SSO roles). */
  ExpiredTokenException: { status: 400 },
  /** The access key id is unknown to AWS. */
  UnrecognizedClientException: { status: 403 },
  /** No `Authorization` header (or no SigV4 one): what AWS answers an unsigned request. */
  MissingAuthenticationTokenException: { status: 403 },
  /** An `Authorization` header that is not a SigV4 one. */
  IncompleteSignatureException: { status: 400 },
  /** The service failed; the SDK retries it. */
  InternalFailureException: { status: 500 },
  /** The service is unavailable for a moment; the SDK retries it. */
  ServiceUnavailableException: { status: 503 },
} as const satisfies Record<string, { status: number }>;

export type ExceptionName = keyof typeof EXCEPTIONS;

/** A failure answered to a management request, in AWS's terms. */
export class ManagementError extends Error {
  override readonly name = 'ManagementError';
  readonly status: number;

  constructor(
    readonly exception: ExceptionName,
    message: string,
  ) {
    super(message);
    this.status = EXCEPTIONS[exception].status;
  }
}

/** Whether a string names an exception of the catalogue. */
export function isExceptionName(name: string): name is ExceptionName {
  return Object.hasOwn(EXCEPTIONS, name);
}

/** A parameter check failed: AWS's 400 with a message that names the parameter. */
export function invalid(message: string): ManagementError {
  return new ManagementError('ValidationException', message);
}
