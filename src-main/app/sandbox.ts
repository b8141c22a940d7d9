/**
 * The built-in sandbox: an in-process local tunnel service plus a simulated device per
 * tunnel (a destination agent), so the whole app works with no AWS account. The device's
 * HTTP services serve a status page, its SSH services forward to this machine's
 * 127.0.0.1:22, and any other service echoes. Every tunnel gets fresh random tokens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { DestinationTarget } from '../core/config/proxy-config.js';
import { DestinationAgent } from '../core/destination/destination-agent.js';
import { LogLevel, type Logger, type SecretRedactor } from '../core/log/logger.js';
import { TunnelService } from '../core/service/tunnel-service.js';
import { startDevicePage, type DevicePage } from './device-page.js';

/** Where the sandbox device's SSH services go. */
export const SANDBOX_SSH_TARGET = { host: '127.0.0.1', port: 22 } as const;

export interface SandboxTunnel {
  readonly tunnelId: string;
  /** Secret. */
  readonly sourceToken: string;
  readonly host: string;
  readonly port: number;
}

interface Device {
  agent: DestinationAgent;
  page: DevicePage;
}

export class Sandbox {
  private service: TunnelService | undefined;
  private starting: Promise<TunnelService> | undefined;
  private echo: net.Server | undefined;
  private readonly devices = new Map<string, Device>();

  constructor(
    private readonly log: Logger,
    private readonly redactor: SecretRedactor,
  ) {}

  /** Opens a tunnel to a new simulated device and connects the device side. */
  async openTunnel(deviceName: string, services: readonly string[]): Promise<SandboxTunnel> {
    const service = await this.start();
    const tunnelId = randomUUID();
    const sourceToken = `sandbox-src-${randomBytes(24).toString('base64url')}`;
    const destinationToken = `sandbox-dst-${randomBytes(24).toString('base64url')}`;
    this.redactor.add(sourceToken);
    this.redactor.add(destinationToken);
    service.addTunnel({ id: tunnelId, sourceToken, destinationToken, services: [...services] });
    const page = await startDevicePage(deviceName);
    const echoPort = await this.echoPort();
    const targets = new Map<string, DestinationTarget>();
    for (const id of services) {
      const upper = id.toUpperCase();
      targets.set(
        id,
        upper.startsWith('HTTP')
          ? { kind: 'tcp', host: '127.0.0.1', port: page.port }
          : upper.startsWith('SSH')
            ? { kind: 'tcp', ...SANDBOX_SSH_TARGET }
            : { kind: 'tcp', host: '127.0.0.1', port: echoPort },
      );
    }
    const agent = new DestinationAgent(
      {
        mode: 'destination',
        accessToken: destinationToken,
        clientToken: randomUUID(),
        clientTokenGenerated: true,
        endpoint: { host: '127.0.0.1', port: service.port, secure: true, origin: 'sandbox' },
        tls: { verify: false },
        mappings: { mode: 'destination', targets },
        mappingFiles: [],
        peerVersion: 'V3',
        logLevel: LogLevel.Info,
      },
      { logger: this.log.child(`device ${deviceName}`) },
    );
    await agent.start();
    this.devices.set(tunnelId, { agent, page });
    this.log.info(
      `sandbox device "${deviceName}" is up: ${services
        .map((id) => `${id} -> ${describe(targets.get(id)!)}`)
        .join(', ')}`,
    );
    return { tunnelId, sourceToken, host: '127.0.0.1', port: service.port };
  }

  /** Closes a sandbox tunnel and its device. */
  async closeTunnel(tunnelId: string): Promise<void> {
    const device = this.devices.get(tunnelId);
    this.devices.delete(tunnelId);
    try {
      this.service?.closeTunnel(tunnelId, 'closed by the operator');
    } catch {
      // already gone
    }
    if (device) {
      await device.agent.close();
      await device.page.close();
    }
  }

  async close(): Promise<void> {
    for (const id of [...this.devices.keys()]) await this.closeTunnel(id);
    await this.service?.close();
    await new Promise<void>((resolve) =>
      this.echo ? this.echo.close(() => resolve()) : resolve(),
    );
    this.service = undefined;
    this.starting = undefined;
  }

  private start(): Promise<TunnelService> {
    this.starting ??= (async () => {
      const service = new TunnelService({ tls: 'self-signed', logger: this.log.child('service') });
      await service.start();
      this.service = service;
      return service;
    })();
    return this.starting;
  }

  private async echoPort(): Promise<number> {
    if (!this.echo) {
      const server = net.createServer((socket) => {
        socket.on('error', () => {});
        socket.pipe(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.echo = server;
    }
    return (this.echo.address() as AddressInfo).port;
  }
}

function describe(target: DestinationTarget): string {
  return target.kind === 'tcp' ? `${target.host}:${target.port}` : target.path;
}
