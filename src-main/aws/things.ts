/**
 * The thing picker's data: IoT ListThings, a page at a time, filtered by thing type or one
 * attribute as AWS filters. ListThings has no name filter, so a name prefix is applied
 * here to whole pages of AWS's answer (several per call, within a bound), and the page
 * token handed back is AWS's: no thing is skipped, though a page may hold fewer matches.
 */
import { DescribeThingCommand, ListThingsCommand } from '@aws-sdk/client-iot';
import { awsCall } from './call.js';
import type { AwsClients } from './clients.js';

export interface ThingQuery {
  readonly namePrefix?: string;
  readonly thingType?: string;
  readonly attribute?: { readonly name: string; readonly value: string };
  readonly nextToken?: string;
  /** Matches wanted (at most 250); 50 by default. */
  readonly maxResults?: number;
}

export interface ThingInfo {
  readonly thingName: string;
  readonly thingTypeName: string | null;
  readonly thingArn: string | null;
  readonly attributes: Record<string, string>;
}

export interface ThingPage {
  readonly things: ThingInfo[];
  /** AWS's token for the rest; null when there is none. */
  readonly nextToken: string | null;
}

/** AWS pages read per call when filtering by name: bounds the wait and the API calls. */
const MAX_PAGES_PER_SEARCH = 10;

export async function listThings(clients: AwsClients, query: ThingQuery): Promise<ThingPage> {
  const wanted = query.maxResults ?? 50;
  const prefix = query.namePrefix?.trim() || undefined;
  const things: ThingInfo[] = [];
  let nextToken = query.nextToken;
  for (let page = 0; page < MAX_PAGES_PER_SEARCH; page++) {
    const answer = await awsCall(clients, 'ListThings', undefined, () =>
      clients.iot.send(
        new ListThingsCommand({
          // Scanning for a prefix: ask for large pages, there are fewer matches than things.
          maxResults: prefix === undefined ? wanted : 250,
          ...(nextToken === undefined ? {} : { nextToken }),
          ...(query.thingType === undefined ? {} : { thingTypeName: query.thingType }),
          ...(query.attribute === undefined
            ? {}
            : { attributeName: query.attribute.name, attributeValue: query.attribute.value }),
        }),
      ),
    );
    for (const thing of answer.things ?? []) {
      if (!thing.thingName) continue;
      if (prefix !== undefined && !thing.thingName.startsWith(prefix)) continue;
      things.push({
        thingName: thing.thingName,
        thingTypeName: thing.thingTypeName ?? null,
        thingArn: thing.thingArn ?? null,
        attributes: { ...thing.attributes },
      });
    }
    nextToken = answer.nextToken || undefined;
    if (nextToken === undefined || prefix === undefined || things.length >= wanted) break;
  }
  return { things, nextToken: nextToken ?? null };
}

export async function describeThing(clients: AwsClients, thingName: string): Promise<ThingInfo> {
  const thing = await awsCall(clients, 'DescribeThing', `thing "${thingName}"`, () =>
    clients.iot.send(new DescribeThingCommand({ thingName })),
  );
  return {
    thingName: thing.thingName ?? thingName,
    thingTypeName: thing.thingTypeName ?? null,
    thingArn: thing.thingArn ?? null,
    attributes: { ...thing.attributes },
  };
}
