/**
 * An AWS failure in the UI's words, from its code (aws/errors.ts in main): one sentence
 * that says what happened and which control to turn (Source, Region), and main's own
 * message (AWS's words, the likely causes, the command to run) as the details. Main's
 * message is shared with the CLI; the UI never parses it, only shows it.
 */
import type { ShownError } from './app-error';

export interface AwsErrorWords {
  readonly summary: string;
  /** Main's message, for "Details"; null when the summary says all of it. */
  readonly details: string | null;
}

export function awsErrorWords(error: ShownError): AwsErrorWords {
  const details = error.message;
  switch (error.code) {
    case 'no-credentials':
      return {
        summary:
          'No AWS credentials were found for this source: configure a profile, or choose another in Source.',
        details,
      };
    case 'sso-expired':
      return {
        summary: 'The AWS SSO session expired: sign in again with the command below.',
        details,
      };
    case 'credentials-rejected':
      return {
        summary:
          'AWS refused the credentials of this source: they may have expired or been revoked.',
        details,
      };
    case 'access-denied':
      return {
        summary: `Access denied: AWS refused ${error.action ?? 'the request'}; an administrator can allow it in IAM.`,
        details,
      };
    case 'throttled':
      return {
        summary: 'AWS is throttling requests: wait a moment and try again.',
        details,
      };
    case 'tunnel-limit':
      return {
        summary:
          "The account's limit of open tunnels is reached: close tunnels that are no longer needed.",
        details,
      };
    case 'not-found':
      return {
        summary: 'AWS did not find it: check Source and Region, or whether it was deleted.',
        details,
      };
    case 'invalid-request':
      return { summary: 'AWS refused the request as invalid.', details };
    case 'network':
      return {
        summary: 'AWS cannot be reached: check the network, a web proxy, or Region.',
        details,
      };
    case 'aws-failed':
      return { summary: 'The AWS request failed.', details };
    case 'tunnel-closed':
      return {
        summary: 'The tunnel has closed in AWS, so it cannot be reconnected: open a new one.',
        details,
      };
    case 'disconnected':
      return {
        summary: 'Disconnected from TunnelDesk: try again once the page is live again.',
        details,
      };
    default:
      // The app's own refusals (a bad field, a closed tunnel) are one sentence already.
      return { summary: error.message, details: null };
  }
}
