/** AWS failures as the renderer receives them: the same stable code and message. */
import { AwsError } from '../aws/errors.js';
import { AppError } from '../ipc/contract.js';

export function appErrorFromAws(error: unknown): unknown {
  return error instanceof AwsError
    ? new AppError(error.code, error.message, null, {
        command: error.command,
        action: error.action,
      })
    : error;
}

/** Runs an AWS-layer call; an AwsError comes out as an AppError. */
export async function asAppErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw appErrorFromAws(error);
  }
}
