/**
 * AWS failures in the operator's words, each with a stable code:
 *
 * - `no-credentials`: nothing in the chain; says how to configure some.
 * - `sso-expired`: an IAM Identity Center session to renew; gives the exact `aws sso login`.
 * - `credentials-rejected`: AWS refused the keys (expired or unknown).
 * - `access-denied`: IAM refused; names the action (e.g. iot:OpenTunnel).
 * - `throttled`: still throttled after the SDK's retries with backoff.
 * - `tunnel-limit`: the account's quota of open tunnels is reached (LimitExceededException).
 * - `not-found`: no such thing or tunnel (ResourceNotFoundException).
 * - `invalid-request`: a parameter AWS refused (ValidationException, InvalidRequestException).
 * - `network`: AWS (or the stand-in) could not be reached.
 * - `aws-failed`: anything else, with AWS's own message.
 */
import { describeTarget, effectiveProfile, type AwsTarget } from './target.js';

export type AwsErrorCode =
  | 'no-credentials'
  | 'sso-expired'
  | 'credentials-rejected'
  | 'access-denied'
  | 'throttled'
  | 'tunnel-limit'
  | 'not-found'
  | 'invalid-request'
  | 'network'
  | 'aws-failed';

/** A control-plane failure, ready to show. */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    readonly code: AwsErrorCode,
    message: string,
    /** The IAM action refused, for access-denied. */
    readonly action?: string,
    /** The command that fixes it, for sso-expired. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** What was being done, to name it in the message. */
export interface CallContext {
  readonly target: AwsTarget;
  /** The AWS operation, e.g. OpenTunnel. */
  readonly operation: string;
  /** What it was about, e.g. `thing "pump-7"`, `tunnel 0d3e...`. */
  readonly subject?: string;
  /** The attempts the retry strategy makes. */
  readonly maxAttempts: number;
}

const HOW_TO_CONFIGURE =
  'Configure them with `aws configure` (access keys), `aws configure sso` (IAM Identity Center), ' +
  'or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables.';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedException']);
const REJECTED_CREDENTIALS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A profile name as a shell word, so that the command can be pasted as it is. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_.@+=:/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that renews an SSO session. */
export function ssoLoginCommand(profile: string): string {
  return `aws sso login --profile ${shellWord(profile)}`;
}

/** The IAM action of an operation (the secure tunneling API's actions are in IoT's namespace). */
export function iamAction(operation: string): string {
  return `${operation === 'GetCallerIdentity' ? 'sts' : 'iot'}:${operation}`;
}

function credentialsFailure(error: Error, context: CallContext): AwsError {
  const profile =
    context.target.kind === 'aws' ? effectiveProfile(context.target.profile) : undefined;
  // Every SSO path of the SDK (token missing, expired, unrefreshable) ends with its advice
  // to run `aws sso login`; we give the exact command instead.
  if (profile !== undefined && /\bSSO\b|sso login/i.test(error.message)) {
    const command = ssoLoginCommand(profile);
    return new AwsError(
      'sso-expired',
      `The AWS SSO session of profile "${profile}" has expired or was never started. ` +
        `Sign in again with: ${command}`,
      undefined,
      command,
    );
  }
  const generic = /Could not load credentials from any providers/.test(error.message);
  const which =
    context.target.kind === 'aws' && context.target.profile !== undefined
      ? ` for profile "${context.target.profile}"`
      : '';
  return new AwsError(
    'no-credentials',
    `No AWS credentials found${which}. ${HOW_TO_CONFIGURE}${generic ? '' : ` (${error.message.split('\n')[0]})`}`,
  );
}

/** The failure of one AWS call, in the operator's words. Never includes a secret. */
export function describeAwsError(error: unknown, context: CallContext): AwsError {
  if (error instanceof AwsError) return error;
  if (!(error instanceof Error)) return new AwsError('aws-failed', String(error));
  const where = describeTarget(context.target);
  const action = iamAction(context.operation);
  const name = error.name;
  const code = (error as NodeJS.ErrnoException).code;
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return credentialsFailure(error, context);
  }
  if (name === 'LimitExceededException') {
    return new AwsError(
      'tunnel-limit',
      `The limit of open tunnels is reached (${where}). Close tunnels that are no longer needed, ` +
        'or ask AWS for a higher quota.',
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new AwsError(
      'not-found',
      `${context.subject === undefined ? 'The resource' : upperFirst(context.subject)} was not found (${where}).`,
    );
  }
  if (DENIED.has(name)) {
    const denied = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(error.message)?.[1];
    const refused = denied ?? action;
    return new AwsError(
      'access-denied',
      `AWS denied ${refused} (${where}). Ask an administrator for a policy that allows ${refused}.`,
      refused,
    );
  }
  if (THROTTLING.has(name)) {
    return new AwsError(
      'throttled',
      `AWS is throttling ${action} (${where}): still refused after ${context.maxAttempts} attempts with backoff. Wait a moment and try again.`,
    );
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return new AwsError(
      'credentials-rejected',
      `AWS refused the credentials (${where}): ${error.message}. Renew them (\`aws configure\`, or \`aws sso login\` for an SSO profile).`,
    );
  }
  if (name === 'ValidationException' || name === 'InvalidRequestException') {
    return new AwsError('invalid-request', `AWS refused ${context.operation}: ${error.message}`);
  }
  if ((code !== undefined && NETWORK.has(code)) || name === 'TimeoutError') {
    return new AwsError(
      'network',
      `Cannot reach the AWS API (${where}): ${code ?? error.message}. Check the network, a proxy, or the region.`,
    );
  }
  return new AwsError('aws-failed', `${context.operation} failed (${where}): ${error.message}`);
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
