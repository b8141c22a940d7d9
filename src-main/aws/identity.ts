/** Who the credentials are: STS GetCallerIdentity, which any valid credentials may call. */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsCall } from './call.js';
import type { AwsClients } from './clients.js';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

export async function getIdentity(clients: AwsClients): Promise<CallerIdentity> {
  const answer = await awsCall(clients, 'GetCallerIdentity', undefined, () =>
    clients.sts.send(new GetCallerIdentityCommand({})),
  );
  return { account: answer.Account ?? '', arn: answer.Arn ?? '', userId: answer.UserId ?? '' };
}
