/**
 * Connections per service (maxConnectionsPerService, 1,000 by default): on the source, a
 * local connection beyond the limit is closed at once and the log says why; on the
 * destination, a CONNECTION_START beyond it is answered with CONNECTION_RESET. Either way
 * the connections within the limit carry on, and a freed place can be taken again.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DestinationAgent } from './destination/destination-agent.js';
import { createLogger, LogLevel, type LogRecord } from './log/logger.js';
import { DEFAULT_MUX_LIMITS } from './mux/tunnel-mux.js';
import { MessageType } from './protocol/wire.js';
import { FakeService } from './test-support/fake-service.js';
import {
  connect,
  echoRoundTrip,
  readAll,
  startEchoServer,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import { plainDestinationConfig, startHarness, token } from './test-support/tunnel-harness.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

function recordingLogger() {
  const records: LogRecord[] = [];
  return {
    records,
    logger: createLogger({ level: LogLevel.Debug, sink: (record) => records.push(record) }),
  };
}

describe('connections per service', () => {
  it('are 1,000 by default', () => {
    expect(DEFAULT_MUX_LIMITS.maxConnectionsPerService).toBe(1_000);
  });

  it('source: closes a local connection beyond the limit, says so, and takes the next one once a place is free', async () => {
    const echo = await startEchoServer();
    cleanup.push(echo);
    const { logger, records } = recordingLogger();
    const tunnel = await startHarness({
      services: ['ECHO1'],
      targets: { ECHO1: echo.port },
      logger,
      runtime: { limits: { maxConnectionsPerService: 3 } },
    });
    cleanup.push(tunnel);
    const port = tunnel.port('ECHO1');
    const open: net.Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = await connect(port);
      expect((await echoRoundTrip(socket, Buffer.from(`n${i}`))).toString()).toBe(`n${i}`);
      open.push(socket);
    }
    const extra = await connect(port);
    extra.write('let me in');
    expect((await readAll(extra)).length).toBe(0); // closed, nothing carried
    const said = records.find((r) => /refused a connection/.test(r.message));
    expect(said?.level).toBe(LogLevel.Warn);
    expect(said?.message).toMatch(
      /ECHO1: refused a connection from 127\.0\.0\.1:\d+: 3 connections are open on 127\.0\.0\.1:\d+, the limit per service \(3\)/,
    );
    // The three carry on; once one ends, a new connection is taken.
    expect((await echoRoundTrip(open[2]!, Buffer.from('still'))).toString()).toBe('still');
    open.shift()!.destroy();
    await waitFor(
      () => tunnel.source.snapshot().services[0]!.connections.length === 2,
      5_000,
      'the place to be freed',
    );
    const next = await connect(port);
    expect((await echoRoundTrip(next, Buffer.from('next'))).toString()).toBe('next');
    for (const socket of [...open, next]) socket.destroy();
    expect(echo.accepted).toBe(4);
  });

  it('destination: answers a CONNECTION_START beyond the limit with CONNECTION_RESET', async () => {
    const echo = await startEchoServer();
    cleanup.push(echo);
    const service = new FakeService({ services: ['ECHO1'] });
    await service.start();
    cleanup.push(service);
    const { logger, records } = recordingLogger();
    const destination = new DestinationAgent(
      plainDestinationConfig(service.port, token('dst'), { ECHO1: echo.port }),
      { logger, limits: { maxConnectionsPerService: 2 } },
    );
    cleanup.push(destination);
    await destination.start();
    await waitFor(() => destination.snapshot().state.kind === 'connected', 5_000, 'connected');
    const ids = { streamId: 1, serviceId: 'ECHO1' };
    service.send({ type: MessageType.STREAM_START, ...ids, connectionId: 1 });
    service.send({ type: MessageType.CONNECTION_START, ...ids, connectionId: 2 });
    service.send({ type: MessageType.CONNECTION_START, ...ids, connectionId: 3 });
    await waitFor(
      () => service.received.some((m) => m.type === MessageType.CONNECTION_RESET),
      5_000,
      'the reset',
    );
    const resets = service.received.filter((m) => m.type === MessageType.CONNECTION_RESET);
    expect(resets.map((m) => [m.streamId, m.connectionId])).toEqual([[1, 3]]);
    await waitFor(() => echo.accepted === 2, 5_000, 'two target connections');
    expect(
      records.some((r) =>
        /refused connection 3 of stream 1: 2 connections are open/.test(r.message),
      ),
    ).toBe(true);
    // The two within the limit carry bytes.
    for (const connectionId of [1, 2]) {
      service.send({
        type: MessageType.DATA,
        ...ids,
        connectionId,
        payload: Buffer.from(`to ${connectionId}`),
      });
    }
    await waitFor(
      () => service.received.filter((m) => m.type === MessageType.DATA).length === 2,
      5_000,
      'the echoes',
    );
    expect(echo.accepted).toBe(2);
  });
});
