/**
 * The built-in sandbox: an in-process local tunnel service, whose management API the app
 * reaches through the real AWS SDK clients exactly as it reaches AWS (only the endpoint
 * differs), and a simulated device for each of its things. As a real device running the
 * IoT Device Client hears of a new tunnel on its MQTT notify topic, a sandbox device hears
 * of it from the service and connects its destination side with the token it was given.
 * The device's HTTP services serve a status page, its SSH services forward to this
 * machine's 127.0.0.1:22, and any other service echoes.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AwsTarget } from '../aws/target.js';
import type { DestinationTarget } from '../core/config/proxy-config.js';
import { LogLevel, type Logger, type SecretRedactor } from '../core/log/logger.js';
import type { TlsMaterial } from '../core/service/certificate.js';
import type { TunnelNotice } from '../core/service/management/tunnel-registry.js';
import type { TunnelService } from '../core/service/tunnel-service.js';
import type { DestinationProxyHandle } from '../lib/destination.js';
import { startDevicePage, type DevicePage } from './device-page.js';

/** Where the sandbox device's SSH services go. */
export const SANDBOX_SSH_TARGET = { host: '127.0.0.1', port: 22 } as const;

/** Open sandbox tunnels at once, beyond which OpenTunnel says the limit is reached. */
const SANDBOX_MAX_OPEN_TUNNELS = 20;

interface Device {
  agent: DestinationProxyHandle;
  page: DevicePage;
}

interface Running {
  readonly service: TunnelService;
  readonly material: TlsMaterial;
}

export class Sandbox {
  private starting: Promise<Running> | undefined;
  private echo: Promise<net.Server> | undefined;
  /** The device of each tunnel, by tunnel id, as it starts. */
  private readonly devices = new Map<string, Promise<Device | undefined>>();
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly redactor: SecretRedactor,
    /** Where SSH services go (this machine's port 22 unless a test or the CLI says otherwise). */
    private readonly sshTarget: {
      readonly host: string;
      readonly port: number;
    } = SANDBOX_SSH_TARGET,
  ) {}

  /** The sandbox's management API as a target for the AWS clients (its certificate trusted). */
  async target(): Promise<AwsTarget> {
    const { service, material } = await this.start();
    return {
      kind: 'endpoint',
      endpoint: service.managementUrl,
      region: service.management.region,
      ca: material.cert,
      label: 'the sandbox',
    };
  }

  /** Where local proxies connect: the data plane, on the same port. */
  async dataPlane(): Promise<{ host: string; port: number }> {
    const { service } = await this.start();
    return { host: '127.0.0.1', port: service.port };
  }

  /** Adds a thing (a simulated device) unless there is one of that name. */
  async ensureThing(thingName: string): Promise<void> {
    const { service } = await this.start();
    if (!service.management.things.has(thingName)) {
      service.management.things.add({ thingName, thingTypeName: 'SandboxDevice' });
    }
  }

  /** Stops every device and the service. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.devices.keys()]) await this.stopDevice(id);
    const running = await this.starting?.catch(() => undefined);
    await running?.service.close();
    const echo = await this.echo;
    await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
    this.echo = undefined;
    this.starting = undefined;
  }

  private start(): Promise<Running> {
    // Once closed (the app is quitting), nothing may start a service whose port nobody closes.
    if (this.closed) return Promise.reject(new Error('the sandbox is closed: the app is quitting'));
    this.starting ??= (async () => {
      // The service's code loads with the first sandbox tunnel, not with the app.
      const [{ selfSignedCertificate }, { TunnelService }] = await Promise.all([
        import('../core/service/certificate.js'),
        import('../core/service/tunnel-service.js'),
      ]);
      // Our own certificate, so that the SDK clients can trust exactly it.
      const material = await selfSignedCertificate();
      const service = new TunnelService({
        tls: material,
        logger: this.log.child('service'),
        management: { maxOpenTunnels: SANDBOX_MAX_OPEN_TUNNELS },
      });
      service.management.subscribe((notice) => {
        if (notice.kind === 'notify') this.onNotify(notice, service);
        else void this.stopDevice(notice.tunnelId);
      });
      await service.start();
      return { service, material };
    })();
    return this.starting;
  }

  /** A tunnel was opened for a thing (or its device token rotated): the device (re)connects. */
  private onNotify(notice: TunnelNotice, service: TunnelService): void {
    if (this.closed) return;
    this.redactor.add(notice.clientAccessToken);
    const previous = this.devices.get(notice.tunnelId);
    const next = (async () => {
      if (previous) await stop(await previous);
      return this.startDevice(notice, service.port);
    })().catch((error: unknown) => {
      this.log.error(`sandbox device "${notice.thingName}" failed to start: ${String(error)}`);
      return undefined;
    });
    this.devices.set(notice.tunnelId, next);
  }

  private async startDevice(notice: TunnelNotice, port: number): Promise<Device> {
    const page = await startDevicePage(notice.thingName);
    const echoPort = await this.echoPort();
    const targets = new Map<string, DestinationTarget>();
    for (const id of notice.services) {
      const upper = id.toUpperCase();
      targets.set(
        id,
        upper.startsWith('HTTP')
          ? { kind: 'tcp', host: '127.0.0.1', port: page.port }
          : upper.startsWith('SSH')
            ? { kind: 'tcp', ...this.sshTarget }
            : { kind: 'tcp', host: '127.0.0.1', port: echoPort },
      );
    }
    const clientToken = randomUUID();
    this.redactor.add(clientToken);
    const { destinationProxyFromConfig } = await import('../lib/destination.js');
    const agent = destinationProxyFromConfig(
      {
        mode: 'destination',
        accessToken: notice.clientAccessToken,
        // A client token, so that the device reconnects after a dropped connection.
        clientToken,
        clientTokenGenerated: true,
        endpoint: { host: '127.0.0.1', port, secure: true, origin: 'sandbox' },
        tls: { verify: false },
        mappings: { mode: 'destination', targets },
        mappingFiles: [],
        peerVersion: 'V3',
        logLevel: LogLevel.Info,
      },
      { logger: this.log.child(`device ${notice.thingName}`) },
    );
    await agent.begin();
    this.log.info(
      `sandbox device "${notice.thingName}" is up: ${notice.services
        .map((id) => `${id} -> ${describe(targets.get(id)!)}`)
        .join(', ')}`,
    );
    return { agent, page };
  }

  private async stopDevice(tunnelId: string): Promise<void> {
    const device = this.devices.get(tunnelId);
    this.devices.delete(tunnelId);
    if (device) await stop(await device);
  }

  private async echoPort(): Promise<number> {
    // One echo server for every device; two devices starting at once must not make two.
    this.echo ??= (async () => {
      const server = net.createServer((socket) => {
        socket.on('error', () => {});
        socket.pipe(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    })();
    return ((await this.echo).address() as AddressInfo).port;
  }
}

async function stop(device: Device | undefined): Promise<void> {
  if (!device) return;
  await device.agent.close();
  await device.page.close();
}

function describe(target: DestinationTarget): string {
  return target.kind === 'tcp' ? `${target.host}:${target.port}` : target.path;
}
