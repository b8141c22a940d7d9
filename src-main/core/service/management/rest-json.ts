/**
 * The two IoT registry calls the app makes, in IoT's wire protocol, restJson1, as the SDK
 * sends them: `GET /things?thingTypeName=&attributeName=&attributeValue=&usePrefixAttributeValue=&maxResults=&nextToken=`
 * (ListThings) and `GET /things/{thingName}` (DescribeThing). Errors carry their name in
 * `x-amzn-errortype` and a `{"message"}` body; IoT calls a bad parameter
 * InvalidRequestException, so a validation failure is answered with that name here.
 */
import type http from 'node:http';
import { ManagementError } from './errors.js';
import { send } from './http-io.js';
import { pageSize } from './pagination.js';
import type { Thing, ThingCatalogue } from './things.js';

export type IotOperation = 'ListThings' | 'DescribeThing';

export interface IotRequest {
  readonly operation: IotOperation;
  readonly url: URL;
  /** DescribeThing's path parameter, decoded. */
  readonly thingName?: string;
}

/** The IoT operation a request is, if it is one of ours. */
export function iotRequest(request: http.IncomingMessage): IotRequest | undefined {
  if (request.method !== 'GET' || !request.url) return undefined;
  const url = new URL(request.url, 'http://local');
  if (url.pathname === '/things' || url.pathname === '/things/') {
    return { operation: 'ListThings', url };
  }
  const match = /^\/things\/([^/]+)$/.exec(url.pathname);
  if (!match) return undefined;
  let thingName: string;
  try {
    thingName = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  return { operation: 'DescribeThing', url, thingName };
}

function summary(thing: Thing) {
  return {
    thingName: thing.thingName,
    ...(thing.thingTypeName === undefined ? {} : { thingTypeName: thing.thingTypeName }),
    thingArn: thing.thingArn,
    attributes: { ...thing.attributes },
    version: thing.version,
  };
}

/** Runs one IoT operation; the JSON answer. */
export function runIotOperation(things: ThingCatalogue, request: IotRequest): object {
  if (request.operation === 'DescribeThing') {
    const thing = things.describe(request.thingName!);
    return {
      defaultClientId: thing.thingName,
      thingName: thing.thingName,
      thingId: thing.thingId,
      thingArn: thing.thingArn,
      ...(thing.thingTypeName === undefined ? {} : { thingTypeName: thing.thingTypeName }),
      attributes: { ...thing.attributes },
      version: thing.version,
    };
  }
  const query = request.url.searchParams;
  const optional = (name: string) => query.get(name) ?? undefined;
  const page = things.list({
    thingTypeName: optional('thingTypeName'),
    attributeName: optional('attributeName'),
    attributeValue: optional('attributeValue'),
    usePrefixAttributeValue: query.get('usePrefixAttributeValue') === 'true',
    maxResults: pageSize(optional('maxResults'), 250, 50),
    nextToken: optional('nextToken'),
  });
  return {
    things: page.items.map(summary),
    ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
  };
}

export function sendRestJson(response: http.ServerResponse, value: object): void {
  send(response, 200, 'application/json', JSON.stringify(value));
}

export function sendRestJsonError(response: http.ServerResponse, error: ManagementError): void {
  const exception =
    error.exception === 'ValidationException' ? 'InvalidRequestException' : error.exception;
  const status = exception === error.exception ? error.status : 400;
  send(response, status, 'application/json', JSON.stringify({ message: error.message }), {
    'x-amzn-errortype': exception,
  });
}
