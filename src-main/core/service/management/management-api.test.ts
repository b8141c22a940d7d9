/**
 * The management API with the stock AWS SDK v3 clients, over real HTTPS on 127.0.0.1 (the
 * service's self-signed certificate, trusted by the clients' agent): tunnels opened,
 * described as their sides connect, rotated, closed and listed; tags; the thing registry;
 * and every failure, produced on request, raised by the SDK as its own typed exception.
 */
import https from 'node:https';
import {
  CloseTunnelCommand,
  DescribeTunnelCommand,
  IoTSecureTunnelingClient,
  IoTSecureTunnelingServiceException,
  LimitExceededException,
  ListTagsForResourceCommand,
  ListTunnelsCommand,
  OpenTunnelCommand,
  ResourceNotFoundException,
  RotateTunnelAccessTokenCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-iotsecuretunneling';
import {
  DescribeThingCommand,
  IoTClient,
  ListThingsCommand,
  ResourceNotFoundException as ThingNotFoundException,
  ThrottlingException as IotThrottlingException,
  type ThingAttribute,
} from '@aws-sdk/client-iot';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor, type Closable } from '../../test-support/local-servers.js';
import { RawPeer } from '../../test-support/raw-peer.js';
import { selfSignedCertificate } from '../certificate.js';
import { TunnelService, type TunnelServiceOptions } from '../tunnel-service.js';
import type { RegistryNotice } from './tunnel-registry.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

interface Clients {
  service: TunnelService;
  tunneling: IoTSecureTunnelingClient;
  iot: IoTClient;
  sts: STSClient;
}

/** A service on a free port, and the SDK's clients pointed at it with only `endpoint` set. */
async function start(
  options: Partial<TunnelServiceOptions> = {},
  maxAttempts = 3,
): Promise<Clients> {
  const material = await selfSignedCertificate();
  const service = new TunnelService({ tls: material, ...options });
  await service.start();
  const agent = new https.Agent({ ca: material.cert });
  const common = {
    endpoint: service.managementUrl,
    region: 'us-east-1',
    // The service checks that a request is signed, not who signed it.
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
    // The SDK's standard retries, with short waits so that a test need not sleep.
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 10),
  };
  const clients = {
    service,
    tunneling: new IoTSecureTunnelingClient(common),
    iot: new IoTClient(common),
    sts: new STSClient(common),
  };
  cleanup.push({
    close: async () => {
      clients.tunneling.destroy();
      clients.iot.destroy();
      clients.sts.destroy();
      await service.close();
    },
  });
  return clients;
}

async function peer(
  service: TunnelService,
  mode: 'source' | 'destination',
  token: string,
  clientToken?: string,
): Promise<RawPeer> {
  const connected = await RawPeer.connect({
    url: service.url,
    mode,
    token,
    version: 'V3',
    clientToken,
  });
  cleanup.push(connected);
  return connected;
}

async function refusalOf(
  service: TunnelService,
  mode: 'source' | 'destination',
  token: string,
): Promise<number | 'accepted'> {
  const result = await RawPeer.attempt({ url: service.url, mode, token, version: 'V3' });
  if ('peer' in result) {
    cleanup.push(result.peer);
    return 'accepted';
  }
  return result.refusal.status;
}

async function thrown(run: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await run();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('the management API: tunnels', () => {
  it('opens a tunnel with random single-use tokens and tells the thing, as MQTT notify does', async () => {
    const { service, tunneling } = await start();
    const notices: RegistryNotice[] = [];
    service.management.subscribe((notice) => notices.push(notice));
    const opened = await tunneling.send(
      new OpenTunnelCommand({
        description: 'maintenance',
        destinationConfig: { thingName: 'gateway-berlin-01', services: ['SSH1', 'HTTP1'] },
        tags: [{ key: 'ticket', value: 'OPS-42' }],
        timeoutConfig: { maxLifetimeTimeoutMinutes: 30 },
      }),
    );
    expect(opened.tunnelId).toMatch(/^[0-9a-f-]{36}$/);
    expect(opened.tunnelArn).toBe(`arn:aws:iot:us-east-1:123456789012:tunnel/${opened.tunnelId}`);
    expect(opened.sourceAccessToken!.length).toBeGreaterThan(400);
    expect(opened.destinationAccessToken!.length).toBeGreaterThan(400);
    expect(opened.sourceAccessToken).not.toBe(opened.destinationAccessToken);
    expect(notices).toEqual([
      {
        kind: 'notify',
        thingName: 'gateway-berlin-01',
        tunnelId: opened.tunnelId,
        clientAccessToken: opened.destinationAccessToken,
        clientMode: 'destination',
        region: 'us-east-1',
        services: ['SSH1', 'HTTP1'],
      },
    ]);

    const { tunnel } = await tunneling.send(
      new DescribeTunnelCommand({ tunnelId: opened.tunnelId }),
    );
    expect(tunnel).toMatchObject({
      tunnelId: opened.tunnelId,
      status: 'OPEN',
      description: 'maintenance',
      destinationConfig: { thingName: 'gateway-berlin-01', services: ['SSH1', 'HTTP1'] },
      timeoutConfig: { maxLifetimeTimeoutMinutes: 30 },
      tags: [{ key: 'ticket', value: 'OPS-42' }],
      sourceConnectionState: { status: 'DISCONNECTED' },
      destinationConnectionState: { status: 'DISCONNECTED' },
    });
    expect(tunnel!.createdAt).toBeInstanceOf(Date);

    // Without a client token, the first handshake spends the token, as AWS's rules say.
    const source = await peer(service, 'source', opened.sourceAccessToken!);
    source.ws.close();
    await source.closed;
    expect(await refusalOf(service, 'source', opened.sourceAccessToken!)).toBe(403);
  });

  it("describes each side's connection: the destination connects, then leaves", async () => {
    const { service, tunneling } = await start();
    const opened = await tunneling.send(
      new OpenTunnelCommand({
        destinationConfig: { thingName: 'kiosk-lobby', services: ['SSH1'] },
      }),
    );
    const describe = async () =>
      (await tunneling.send(new DescribeTunnelCommand({ tunnelId: opened.tunnelId }))).tunnel!;
    const before = await describe();
    expect(before.destinationConnectionState?.status).toBe('DISCONNECTED');

    const device = await peer(
      service,
      'destination',
      opened.destinationAccessToken!,
      crypto.randomUUID(),
    );
    const connected = await describe();
    expect(connected.destinationConnectionState?.status).toBe('CONNECTED');
    expect(connected.sourceConnectionState?.status).toBe('DISCONNECTED');
    expect(connected.destinationConnectionState!.lastUpdatedAt!.getTime()).toBeGreaterThanOrEqual(
      before.destinationConnectionState!.lastUpdatedAt!.getTime(),
    );

    device.ws.close();
    await device.closed;
    await waitFor(() => !service.describeTunnel(opened.tunnelId!).destination.connected);
    expect((await describe()).destinationConnectionState?.status).toBe('DISCONNECTED');
  });

  it('rotates the source token: the old one is refused, the new one connects, the device stays', async () => {
    const { service, tunneling } = await start();
    const opened = await tunneling.send(
      new OpenTunnelCommand({
        destinationConfig: { thingName: 'kiosk-lobby', services: ['SSH1'] },
      }),
    );
    const device = await peer(
      service,
      'destination',
      opened.destinationAccessToken!,
      crypto.randomUUID(),
    );
    const oldSource = await peer(service, 'source', opened.sourceAccessToken!, crypto.randomUUID());
    const rotated = await tunneling.send(
      new RotateTunnelAccessTokenCommand({ tunnelId: opened.tunnelId, clientMode: 'SOURCE' }),
    );
    expect(rotated.tunnelArn).toBe(opened.tunnelArn);
    expect(rotated.destinationAccessToken).toBeUndefined();
    expect(rotated.sourceAccessToken).toBeDefined();
    expect(rotated.sourceAccessToken).not.toBe(opened.sourceAccessToken);
    // A revoked token keeps no connection.
    expect((await oldSource.closed).reason).toBe('the access token was rotated');
    expect(await refusalOf(service, 'source', opened.sourceAccessToken!)).toBe(403);
    expect(await refusalOf(service, 'source', rotated.sourceAccessToken!)).toBe('accepted');
    expect(service.describeTunnel(opened.tunnelId!).destination.connected).toBe(true);
    void device;
  });

  it('rotates the destination token for a thing: the new one is announced to it', async () => {
    const { service, tunneling } = await start();
    const notices: RegistryNotice[] = [];
    const opened = await tunneling.send(
      new OpenTunnelCommand({
        destinationConfig: { thingName: 'kiosk-lobby', services: ['SSH1'] },
      }),
    );
    service.management.subscribe((notice) => notices.push(notice));
    const rotated = await tunneling.send(
      new RotateTunnelAccessTokenCommand({
        tunnelId: opened.tunnelId,
        clientMode: 'ALL',
        destinationConfig: { thingName: 'kiosk-lobby', services: ['SSH1'] },
      }),
    );
    expect(rotated.sourceAccessToken).toBeDefined();
    expect(notices).toMatchObject([
      {
        kind: 'notify',
        thingName: 'kiosk-lobby',
        clientAccessToken: rotated.destinationAccessToken,
      },
    ]);
    expect(await refusalOf(service, 'destination', opened.destinationAccessToken!)).toBe(403);
  });

  it('closes a tunnel: peers are disconnected, tokens refused, and it shows as CLOSED until deleted', async () => {
    const { service, tunneling } = await start();
    const notices: RegistryNotice[] = [];
    service.management.subscribe((notice) => notices.push(notice));
    const opened = await tunneling.send(
      new OpenTunnelCommand({
        destinationConfig: { thingName: 'kiosk-lobby', services: ['SSH1'] },
      }),
    );
    const device = await peer(
      service,
      'destination',
      opened.destinationAccessToken!,
      crypto.randomUUID(),
    );
    await tunneling.send(new CloseTunnelCommand({ tunnelId: opened.tunnelId }));
    expect((await device.closed).code).toBe(1000);
    expect(await refusalOf(service, 'source', opened.sourceAccessToken!)).toBe(403);
    const { tunnel } = await tunneling.send(
      new DescribeTunnelCommand({ tunnelId: opened.tunnelId }),
    );
    expect(tunnel?.status).toBe('CLOSED');
    expect(tunnel?.destinationConnectionState?.status).toBe('DISCONNECTED');
    expect(notices.at(-1)).toEqual({
      kind: 'closed',
      tunnelId: opened.tunnelId,
      thingName: 'kiosk-lobby',
    });
    // Closing again is harmless; deleting forgets it.
    await tunneling.send(new CloseTunnelCommand({ tunnelId: opened.tunnelId, delete: true }));
    const gone = await thrown(() =>
      tunneling.send(new DescribeTunnelCommand({ tunnelId: opened.tunnelId })),
    );
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect(gone.message).toBe(`Tunnel ${opened.tunnelId} not found`);
  });

  it("lists a thing's tunnels, newest first, a page at a time, closed ones included", async () => {
    const { tunneling } = await start();
    const open = (thingName: string) =>
      tunneling.send(
        new OpenTunnelCommand({ destinationConfig: { thingName, services: ['SSH1'] } }),
      );
    const first = await open('kiosk-lobby');
    await open('pump-station-07');
    const third = await open('kiosk-lobby');
    const fourth = await open('kiosk-lobby');
    await tunneling.send(new CloseTunnelCommand({ tunnelId: first.tunnelId }));

    const page1 = await tunneling.send(
      new ListTunnelsCommand({ thingName: 'kiosk-lobby', maxResults: 2 }),
    );
    expect(page1.tunnelSummaries?.map((t) => t.tunnelId)).toEqual([
      fourth.tunnelId,
      third.tunnelId,
    ]);
    expect(page1.nextToken).toBeDefined();
    const page2 = await tunneling.send(
      new ListTunnelsCommand({
        thingName: 'kiosk-lobby',
        maxResults: 2,
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.tunnelSummaries).toMatchObject([{ tunnelId: first.tunnelId, status: 'CLOSED' }]);
    expect(page2.nextToken).toBeUndefined();
    expect((await tunneling.send(new ListTunnelsCommand({}))).tunnelSummaries).toHaveLength(4);
  });

  it('tags a tunnel: TagResource merges, UntagResource removes, ListTagsForResource shows', async () => {
    const { tunneling } = await start();
    const opened = await tunneling.send(
      new OpenTunnelCommand({
        destinationConfig: { services: ['SSH1'] },
        tags: [{ key: 'team', value: 'field' }],
      }),
    );
    await tunneling.send(
      new TagResourceCommand({
        resourceArn: opened.tunnelArn,
        tags: [
          { key: 'team', value: 'ops' },
          { key: 'ticket', value: 'OPS-7' },
        ],
      }),
    );
    const tags = async () =>
      (await tunneling.send(new ListTagsForResourceCommand({ resourceArn: opened.tunnelArn })))
        .tags;
    expect(await tags()).toEqual([
      { key: 'team', value: 'ops' },
      { key: 'ticket', value: 'OPS-7' },
    ]);
    await tunneling.send(
      new UntagResourceCommand({ resourceArn: opened.tunnelArn, tagKeys: ['team'] }),
    );
    expect(await tags()).toEqual([{ key: 'ticket', value: 'OPS-7' }]);
    const unknown = await thrown(() =>
      tunneling.send(
        new ListTagsForResourceCommand({ resourceArn: 'arn:aws:iot:us-east-1:1:tunnel/nope' }),
      ),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses parameters out of AWS bounds with a ValidationException that names them', async () => {
    const { tunneling } = await start();
    const tooLong = await thrown(() =>
      tunneling.send(
        new OpenTunnelCommand({
          destinationConfig: { services: ['SSH1'] },
          timeoutConfig: { maxLifetimeTimeoutMinutes: 721 },
        }),
      ),
    );
    expect(tooLong.name).toBe('ValidationException');
    expect(tooLong).toBeInstanceOf(IoTSecureTunnelingServiceException);
    expect(tooLong.message).toContain("'timeoutConfig.maxLifetimeTimeoutMinutes'");
    const fourServices = await thrown(() =>
      tunneling.send(
        new OpenTunnelCommand({ destinationConfig: { services: ['A', 'B', 'C', 'D'] } }),
      ),
    );
    expect(fourServices.message).toContain("'destinationConfig.services'");
  });

  it('refuses tunnels past the open-tunnel quota with LimitExceededException', async () => {
    const { tunneling } = await start({ management: { maxOpenTunnels: 2 } });
    const open = () =>
      tunneling.send(new OpenTunnelCommand({ destinationConfig: { services: ['SSH1'] } }));
    const first = await open();
    await open();
    const refused = await thrown(open);
    expect(refused).toBeInstanceOf(LimitExceededException);
    await tunneling.send(new CloseTunnelCommand({ tunnelId: first.tunnelId }));
    expect((await open()).tunnelId).toBeDefined();
  });
});

describe('the management API: things and identity', () => {
  it('lists the built-in things, by thing type, by attribute and attribute prefix', async () => {
    const { iot } = await start();
    const names = (things: ThingAttribute[] | undefined) => things?.map((t) => t.thingName);
    const all = await iot.send(new ListThingsCommand({}));
    expect(names(all.things)).toEqual([
      'gateway-berlin-01',
      'gateway-berlin-02',
      'kiosk-lobby',
      'pump-station-07',
      'sensor-hub-lab',
    ]);
    expect(all.things![0]).toMatchObject({
      thingTypeName: 'EdgeGateway',
      thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/gateway-berlin-01',
      attributes: { site: 'berlin', rack: 'a3', firmware: '2.4.1' },
      version: 1,
    });
    const gateways = await iot.send(new ListThingsCommand({ thingTypeName: 'EdgeGateway' }));
    expect(names(gateways.things)).toEqual(['gateway-berlin-01', 'gateway-berlin-02']);
    const berlin = await iot.send(
      new ListThingsCommand({ attributeName: 'site', attributeValue: 'berlin' }),
    );
    expect(names(berlin.things)).toEqual(['gateway-berlin-01', 'gateway-berlin-02', 'kiosk-lobby']);
    const firmware2 = await iot.send(
      new ListThingsCommand({
        attributeName: 'firmware',
        attributeValue: '2.',
        usePrefixAttributeValue: true,
      }),
    );
    expect(names(firmware2.things)).toEqual(['gateway-berlin-01', 'gateway-berlin-02']);
  });

  it('pages through ListThings with nextToken, and describes a thing added at run time', async () => {
    const { service, iot } = await start({
      management: { things: [{ thingName: 'rover-7', thingTypeName: 'Rover' }] },
    });
    service.management.things.add({ thingName: 'rover-8', attributes: { site: 'mars' } });
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await iot.send(new ListThingsCommand({ maxResults: 2, nextToken }));
      expect(page.things!.length).toBeLessThanOrEqual(2);
      seen.push(...page.things!.map((t) => t.thingName!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);

    const rover = await iot.send(new DescribeThingCommand({ thingName: 'rover-8' }));
    expect(rover).toMatchObject({
      thingName: 'rover-8',
      defaultClientId: 'rover-8',
      attributes: { site: 'mars' },
      thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/rover-8',
    });
    const missing = await thrown(() =>
      iot.send(new DescribeThingCommand({ thingName: 'no-such-thing' })),
    );
    expect(missing).toBeInstanceOf(ThingNotFoundException);
    expect(missing.message).toBe('Thing no-such-thing cannot be found.');
  });

  it('answers GetCallerIdentity', async () => {
    const { sts } = await start();
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/tunneldesk-operator',
    });
  });
});

describe('the management API: failures on request', () => {
  it('fails the next OpenTunnel with LimitExceededException, then works again', async () => {
    const { service, tunneling } = await start();
    // The stock SDK counts LimitExceededException among throttling errors and retries it:
    // it must fail every attempt to reach the caller.
    service.management.failNext('OpenTunnel', 'LimitExceededException', { times: 3 });
    const open = () =>
      tunneling.send(new OpenTunnelCommand({ destinationConfig: { services: ['SSH1'] } }));
    const refused = await thrown(open);
    expect(refused).toBeInstanceOf(LimitExceededException);
    expect(refused.$metadata).toMatchObject({ httpStatusCode: 400 });
    expect((await open()).tunnelId).toBeDefined();
  });

  it('fails with ResourceNotFoundException, in the tunneling and the IoT clients', async () => {
    const { service, tunneling, iot } = await start();
    service.management.failNext('DescribeTunnel', 'ResourceNotFoundException');
    service.management.failNext('ListThings', 'ResourceNotFoundException');
    expect(
      await thrown(() => tunneling.send(new DescribeTunnelCommand({ tunnelId: 'abc' }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(await thrown(() => iot.send(new ListThingsCommand({})))).toBeInstanceOf(
      ThingNotFoundException,
    );
  });

  it('denies access in AWS words, naming the action', async () => {
    const { service, tunneling, iot, sts } = await start();
    service.management.failNext('OpenTunnel', 'AccessDeniedException');
    service.management.failNext('ListThings', 'AccessDeniedException');
    service.management.failNext('GetCallerIdentity', 'AccessDeniedException');
    const open = await thrown(() =>
      tunneling.send(new OpenTunnelCommand({ destinationConfig: { services: ['SSH1'] } })),
    );
    expect(open.name).toBe('AccessDeniedException');
    expect(open.message).toContain('is not authorized to perform: iot:OpenTunnel on resource');
    const list = await thrown(() => iot.send(new ListThingsCommand({})));
    expect(list.name).toBe('AccessDeniedException');
    expect(list.message).toContain('iot:ListThings');
    const who = await thrown(() => sts.send(new GetCallerIdentityCommand({})));
    expect(who.name).toBe('AccessDenied');
  });

  it('throttles: the SDK retries with backoff and succeeds, or gives up after its attempts', async () => {
    const { service, tunneling, iot } = await start({}, 3);
    service.management.failNext('ListTunnels', 'ThrottlingException', { times: 2 });
    const listed = await tunneling.send(new ListTunnelsCommand({}));
    expect(listed.$metadata.attempts).toBe(3);

    service.management.failNext('ListThings', 'ThrottlingException', { times: 3 });
    const throttled = await thrown(() => iot.send(new ListThingsCommand({})));
    expect(throttled).toBeInstanceOf(IotThrottlingException);
    expect((throttled.$metadata as { attempts: number }).attempts).toBe(3);
  });

  it('fails with expired credentials, a custom message, and server errors the SDK retries', async () => {
    const { service, tunneling, sts } = await start();
    service.management.failNext('CloseTunnel', 'ExpiredTokenException');
    const expired = await thrown(() => tunneling.send(new CloseTunnelCommand({ tunnelId: 'abc' })));
    expect(expired.name).toBe('ExpiredTokenException');
    service.management.failNext('GetCallerIdentity', 'ExpiredTokenException');
    expect((await thrown(() => sts.send(new GetCallerIdentityCommand({})))).name).toBe(
      'ExpiredToken',
    );
    service.management.failNext('RotateTunnelAccessToken', 'ValidationException', {
      message: 'custom words',
    });
    const custom = await thrown(() =>
      tunneling.send(new RotateTunnelAccessTokenCommand({ tunnelId: 'abc', clientMode: 'SOURCE' })),
    );
    expect(custom.message).toBe('custom words');
    service.management.failNext('ListTunnels', 'InternalFailureException');
    const retried = await tunneling.send(new ListTunnelsCommand({}));
    expect(retried.$metadata.attempts).toBe(2);
  });
});

describe('the management API over HTTP', () => {
  function raw(
    service: TunnelService,
    headers: Record<string, string>,
    method = 'POST',
    path = '/',
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        `${service.managementUrl}${path}`,
        { method, headers, rejectUnauthorized: false },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          );
        },
      );
      request.on('error', reject);
      request.end(method === 'POST' ? '{}' : undefined);
    });
  }

  it('answers an unsigned request as AWS does, and any other request as before', async () => {
    const { service } = await start();
    const unsigned = await raw(service, {
      'x-amz-target': 'IoTSecuredTunneling.ListTunnels',
      'content-type': 'application/x-amz-json-1.1',
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(unsigned.body)).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    const basic = await raw(service, {
      'x-amz-target': 'IoTSecuredTunneling.ListTunnels',
      authorization: 'Basic dXNlcjpwYXNz',
    });
    expect(basic.headers['x-amzn-errortype']).toBe('IncompleteSignatureException');
    const things = await raw(service, {}, 'GET', '/things');
    expect(things.status).toBe(403);
    expect(things.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    const other = await raw(service, {}, 'GET', '/');
    expect(other.status).toBe(404);
    expect(other.body).toContain('TunnelDesk local tunnel service');
  });

  it('serves the management API on plain http with --plain', async () => {
    const service = new TunnelService({ tls: 'plain' });
    await service.start();
    cleanup.push(service);
    expect(service.managementUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const tunneling = new IoTSecureTunnelingClient({
      endpoint: service.managementUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    });
    cleanup.push({ close: async () => tunneling.destroy() });
    const opened = await tunneling.send(
      new OpenTunnelCommand({ destinationConfig: { services: ['SSH1'] } }),
    );
    expect(service.describeTunnel(opened.tunnelId!).status).toBe('OPEN');
  });
});
