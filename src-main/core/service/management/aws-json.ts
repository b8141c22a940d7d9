/**
 * The IoT Secure Tunneling API in its wire protocol, awsJson1_1, as the SDK sends it:
 * `POST /` with `X-Amz-Target: IoTSecuredTunneling.<Operation>` and
 * `content-type: application/x-amz-json-1.1`, a JSON body of the operation's input, and a
 * JSON answer; timestamps are epoch seconds. Errors are `{"__type", "message"}` with the
 * name also in `x-amzn-errortype`, which is where the SDK looks first.
 */
import type http from 'node:http';
import { z } from 'zod';
import { ManagementError, invalid } from './errors.js';
import { epochSeconds, send } from './http-io.js';
import { pageSize } from './pagination.js';
import { MAX_TAGS, type TunnelRecord, type TunnelRegistry } from './tunnel-registry.js';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const TUNNELING_TARGET_PREFIX = 'IoTSecuredTunneling.';

// AWS's constraints, from the API reference of each operation.
const NAME = /^[a-zA-Z0-9:_-]+$/;
const ThingName = z.string().min(1).max(128).regex(NAME);
const Services = z.array(z.string().min(1).max(128).regex(NAME)).min(1).max(3);
const TunnelId = z.string().regex(/^[a-zA-Z0-9_\-+=:]{1,128}$/);
const ResourceArn = z.string().min(1).max(1011);
const Tag = z.object({
  key: z
    .string()
    .min(1)
    .max(128)
    .regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u),
  value: z
    .string()
    .max(256)
    .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u),
});
const DestinationConfig = z.object({ thingName: ThingName.optional(), services: Services });

const inputs = {
  OpenTunnel: z.object({
    description: z
      .string()
      .min(1)
      .max(2048)
      .regex(/^[^\p{C}]+$/u)
      .optional(),
    tags: z.array(Tag).min(1).max(MAX_TAGS).optional(),
    destinationConfig: DestinationConfig.optional(),
    timeoutConfig: z
      .object({ maxLifetimeTimeoutMinutes: z.number().int().min(1).max(720).optional() })
      .optional(),
  }),
  CloseTunnel: z.object({ tunnelId: TunnelId, delete: z.boolean().optional() }),
  DescribeTunnel: z.object({ tunnelId: TunnelId }),
  ListTunnels: z.object({
    thingName: ThingName.optional(),
    maxResults: z.unknown().optional(),
    nextToken: z.string().min(1).max(4096).optional(),
  }),
  RotateTunnelAccessToken: z.object({
    tunnelId: TunnelId,
    clientMode: z.enum(['SOURCE', 'DESTINATION', 'ALL']),
    destinationConfig: DestinationConfig.optional(),
  }),
  TagResource: z.object({ resourceArn: ResourceArn, tags: z.array(Tag).max(MAX_TAGS) }),
  UntagResource: z.object({
    resourceArn: ResourceArn,
    tagKeys: z.array(z.string().min(1).max(128)).max(MAX_TAGS),
  }),
  ListTagsForResource: z.object({ resourceArn: ResourceArn }),
};

export type TunnelingOperation = keyof typeof inputs;

/** The operation an `X-Amz-Target` names, if it is one of ours. */
export function tunnelingOperation(target: string | undefined): TunnelingOperation | undefined {
  if (!target?.startsWith(TUNNELING_TARGET_PREFIX)) return undefined;
  const name = target.slice(TUNNELING_TARGET_PREFIX.length);
  return Object.hasOwn(inputs, name) ? (name as TunnelingOperation) : undefined;
}

/** Checks an input against AWS's constraints; the message reads like AWS's. */
function parse<K extends TunnelingOperation>(
  operation: K,
  body: unknown,
): z.output<(typeof inputs)[K]> {
  const parsed = inputs[operation].safeParse(body);
  if (parsed.success) return parsed.data as z.output<(typeof inputs)[K]>;
  const issue = parsed.error.issues[0]!;
  throw invalid(
    `1 validation error detected: Value at '${issue.path.join('.') || 'body'}' failed to satisfy constraint: ${issue.message}`,
  );
}

function tunnelJson(record: TunnelRecord) {
  const side = (state: TunnelRecord['sourceConnectionState']) => ({
    status: state.status,
    lastUpdatedAt: epochSeconds(state.lastUpdatedAt),
  });
  return {
    tunnelId: record.tunnelId,
    tunnelArn: record.tunnelArn,
    status: record.status,
    sourceConnectionState: side(record.sourceConnectionState),
    destinationConnectionState: side(record.destinationConnectionState),
    ...(record.description === undefined ? {} : { description: record.description }),
    destinationConfig: {
      ...(record.thingName === undefined ? {} : { thingName: record.thingName }),
      services: [...record.services],
    },
    timeoutConfig: { maxLifetimeTimeoutMinutes: record.maxLifetimeTimeoutMinutes },
    tags: [...record.tags],
    createdAt: epochSeconds(record.createdAt),
    lastUpdatedAt: epochSeconds(record.lastUpdatedAt),
  };
}

/** Runs one operation on its JSON input; the JSON answer. */
export function runTunnelingOperation(
  registry: TunnelRegistry,
  operation: TunnelingOperation,
  body: unknown,
): object {
  switch (operation) {
    case 'OpenTunnel': {
      const input = parse('OpenTunnel', body);
      return registry.open({
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.tags === undefined ? {} : { tags: input.tags }),
        ...(input.destinationConfig?.thingName === undefined
          ? {}
          : { thingName: input.destinationConfig.thingName }),
        services: input.destinationConfig?.services ?? [],
        ...(input.timeoutConfig?.maxLifetimeTimeoutMinutes === undefined
          ? {}
          : { maxLifetimeTimeoutMinutes: input.timeoutConfig.maxLifetimeTimeoutMinutes }),
      });
    }
    case 'CloseTunnel': {
      const input = parse('CloseTunnel', body);
      registry.close(input.tunnelId, input.delete ?? false);
      return {};
    }
    case 'DescribeTunnel':
      return { tunnel: tunnelJson(registry.describe(parse('DescribeTunnel', body).tunnelId)) };
    case 'ListTunnels': {
      const input = parse('ListTunnels', body);
      const page = registry.list(
        input.thingName,
        pageSize(input.maxResults, 100, 100),
        input.nextToken,
      );
      return {
        tunnelSummaries: page.items.map((record) => ({
          tunnelId: record.tunnelId,
          tunnelArn: record.tunnelArn,
          status: record.status,
          ...(record.description === undefined ? {} : { description: record.description }),
          createdAt: epochSeconds(record.createdAt),
          lastUpdatedAt: epochSeconds(record.lastUpdatedAt),
        })),
        ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
      };
    }
    case 'RotateTunnelAccessToken': {
      const input = parse('RotateTunnelAccessToken', body);
      const issued = registry.rotate(
        input.tunnelId,
        input.clientMode,
        input.destinationConfig?.thingName,
      );
      // The answer names the tunnel by ARN only, as AWS's does.
      return {
        tunnelArn: issued.tunnelArn,
        ...(issued.sourceAccessToken === undefined
          ? {}
          : { sourceAccessToken: issued.sourceAccessToken }),
        ...(issued.destinationAccessToken === undefined
          ? {}
          : { destinationAccessToken: issued.destinationAccessToken }),
      };
    }
    case 'TagResource': {
      const input = parse('TagResource', body);
      registry.tag(input.resourceArn, input.tags);
      return {};
    }
    case 'UntagResource': {
      const input = parse('UntagResource', body);
      registry.untag(input.resourceArn, input.tagKeys);
      return {};
    }
    case 'ListTagsForResource':
      return { tags: registry.listTags(parse('ListTagsForResource', body).resourceArn) };
  }
}

/** Parses an awsJson body: empty is `{}`, as the SDK sends for an input without members. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ManagementError('ValidationException', 'the request body is not JSON');
  }
}

export function sendAwsJson(response: http.ServerResponse, value: object): void {
  send(response, 200, AWS_JSON_CONTENT_TYPE, JSON.stringify(value));
}

export function sendAwsJsonError(response: http.ServerResponse, error: ManagementError): void {
  send(
    response,
    error.status,
    AWS_JSON_CONTENT_TYPE,
    JSON.stringify({ __type: error.exception, message: error.message }),
    { 'x-amzn-errortype': error.exception },
  );
}
