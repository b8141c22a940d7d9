/**
 * Failures on request, for tests and demos: "make the next OpenTunnel fail with
 * LimitExceededException". The request is still checked for authentication first (an
 * unsigned one never reaches an operation), then the planned failure answers instead of
 * the operation, with AWS's status and a message in AWS's words.
 */
import { ManagementError, type ExceptionName } from './errors.js';

/** Every operation the management API serves, by its AWS name. */
export const OPERATIONS = [
  'OpenTunnel',
  'CloseTunnel',
  'DescribeTunnel',
  'ListTunnels',
  'RotateTunnelAccessToken',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'ListThings',
  'DescribeThing',
  'GetCallerIdentity',
] as const;

export type OperationName = (typeof OPERATIONS)[number];

export interface FailureOptions {
  /** How many calls in a row fail (1 by default): more than the SDK's attempts outlasts its retries. */
  readonly times?: number;
  /** The message; AWS's usual wording for the exception when absent. */
  readonly message?: string;
}

interface Planned {
  readonly exception: ExceptionName;
  readonly message: string | undefined;
  remaining: number;
}

/** The failures planned per operation, consumed in order. */
export class FaultPlan {
  private readonly planned = new Map<OperationName, Planned[]>();

  /** The next call(s) of `operation` fail with `exception`. */
  failNext(operation: OperationName, exception: ExceptionName, options: FailureOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a whole number of at least 1, got ${times}`);
    }
    const queue = this.planned.get(operation) ?? [];
    queue.push({ exception, message: options.message, remaining: times });
    this.planned.set(operation, queue);
  }

  /** Forgets every planned failure. */
  clear(): void {
    this.planned.clear();
  }

  /** The failure planned for this call of `operation`, if any (and counts it as used). */
  take(
    operation: OperationName,
    defaultMessage: (exception: ExceptionName) => string,
  ): ManagementError | undefined {
    const queue = this.planned.get(operation);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    next.remaining--;
    if (next.remaining === 0) queue.shift();
    return new ManagementError(next.exception, next.message ?? defaultMessage(next.exception));
  }
}

/**
 * What AWS says for each exception, so that code which reads the message (the app names
 * the denied action from it) sees the real wording.
 */
export function awsMessage(
  exception: ExceptionName,
  context: { operation: OperationName; identityArn: string; resource: string },
): string {
  const action = `${context.operation === 'GetCallerIdentity' ? 'sts' : 'iot'}:${context.operation}`;
  switch (exception) {
    case 'AccessDeniedException':
    case 'UnauthorizedException':
      return `User: ${context.identityArn} is not authorized to perform: ${action} on resource: ${context.resource} because no identity-based policy allows the ${action} action`;
    case 'LimitExceededException':
      return 'The limit of open tunnels for this account has been reached';
    case 'ResourceNotFoundException':
      return `${context.resource} not found`;
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return 'Rate exceeded';
    case 'ExpiredTokenException':
      return 'The security token included in the request is expired';
    case 'UnrecognizedClientException':
      return 'The security token included in the request is invalid.';
    case 'MissingAuthenticationTokenException':
      return 'Missing Authentication Token';
    case 'IncompleteSignatureException':
      return 'Authorization header requires a SigV4 signature (AWS4-HMAC-SHA256 Credential=...)';
    case 'InternalFailureException':
      return 'An internal failure occurred';
    case 'ServiceUnavailableException':
      return 'The service is temporarily unavailable';
    case 'ValidationException':
    case 'InvalidRequestException':
      return `1 validation error detected in ${context.operation}`;
  }
}
