/**
 * One control-plane call: the SDK does the work (signing, retries with backoff); any
 * failure comes out as an AwsError in the operator's words.
 */
import type { AwsClients } from './clients.js';
import { describeAwsError } from './errors.js';

export async function awsCall<T>(
  clients: AwsClients,
  operation: string,
  subject: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw describeAwsError(error, {
      target: clients.target,
      operation,
      ...(subject === undefined ? {} : { subject }),
      maxAttempts: clients.retry.maxAttempts,
    });
  }
}
