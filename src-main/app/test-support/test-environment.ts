/**
 * The app as tests build it: the real facade, real sockets and sandbox, with launching
 * recorded instead of done (a test cannot open a browser or a terminal window here).
 */
import net from 'node:net';
import { expect } from 'vitest';
import { AppError } from '../../ipc/contract.js';
import type { LocalAws } from '../../aws/test-support/local-aws.js';
import type { AppEnvironment } from '../app.js';
import type { AwsEndpoints } from '../aws-endpoints.js';
import { TunnelDeskApp } from '../app.js';
import type { LaunchDeps } from '../launchers.js';
import { LogLevel } from '../../core/log/logger.js';

export interface RecordedLaunches {
  urls: string[];
  programs: { program: string; args: readonly string[] }[];
}

export function recordingLaunchDeps(
  platform: NodeJS.Platform = 'linux',
  available: readonly string[] = ['x-terminal-emulator'],
  env: Readonly<Record<string, string | undefined>> = { DISPLAY: ':0' },
): LaunchDeps & { launched: RecordedLaunches } {
  const launched: RecordedLaunches = { urls: [], programs: [] };
  return {
    platform,
    env,
    launched,
    openExternal: async (url) => {
      launched.urls.push(url);
    },
    spawnDetached: async (program, args) => {
      launched.programs.push({ program, args });
    },
    findProgram: (name) => (available.includes(name) ? `/usr/bin/${name}` : undefined),
  };
}

export function testApp(overrides: Partial<AppEnvironment> = {}): {
  app: TunnelDeskApp;
  launched: RecordedLaunches;
} {
  const launch = recordingLaunchDeps();
  const app = new TunnelDeskApp({
    runtime: 'web',
    version: 'test',
    launch,
    logLevel: process.env.TUNNELDESK_TEST_LOG ? LogLevel.Trace : LogLevel.Debug,
    statsIntervalMs: 50,
    ...overrides,
  });
  return { app, launched: launch.launched };
}

/** The AppError that `run` fails with; the test fails if it succeeds or throws anything else. */
export async function appErrorOf(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}

/**
 * The local tunnel service as the app's AWS: its management API and its data plane, whose
 * self-signed certificate the source side does not check.
 */
export function localAwsEndpoints(local: LocalAws): AwsEndpoints {
  return {
    api: local.service.managementUrl,
    ca: local.target.ca!,
    dataPlane: { host: '127.0.0.1', port: local.service.port, secure: true, origin: 'test' },
    verifyTls: false,
  };
}

/** Idle client connections to a local port, as many as asked (renderer tests cannot open sockets). */
export interface ClientConnections {
  /** The local port of each, in the order they were opened. */
  readonly localPorts: readonly number[];
  /** Sends bytes on the one whose local port this is. */
  write(localPort: number, data: string): void;
  close(): void;
}

export async function openClientConnections(
  port: number,
  count: number,
): Promise<ClientConnections> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
          socket.once('error', reject);
          socket.resume();
        }),
    ),
  );
  for (const socket of sockets) socket.on('error', () => {});
  return {
    localPorts: sockets.map((socket) => socket.localPort!),
    write: (localPort, data) => sockets.find((s) => s.localPort === localPort)!.write(data),
    close: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
