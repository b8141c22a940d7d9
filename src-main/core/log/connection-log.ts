/**
 * One line per local connection at info, the reference's default level, for an operator who
 * greps the log: when it is accepted (service id, connection id, peer) and when it closes,
 * with the bytes it moved. The counts are the socket's own, so they say what reached the
 * local application and what it sent, whatever the tunnel did.
 */
import type net from 'node:net';
import type { Logger } from './logger.js';

export function logConnection(
  log: Logger,
  serviceId: string,
  connectionId: number,
  peer: string,
  socket: net.Socket,
  /** Accepted from a local client (source), or connecting to a target (destination). */
  side: 'accepted' | 'connecting' = 'accepted',
): void {
  const who = `${serviceId || 'service'}: connection ${connectionId} ${side === 'accepted' ? 'from' : 'to'} ${peer}`;
  log.info(`${who} ${side}`);
  socket.once('close', () => {
    log.info(`${who} closed: ${socket.bytesRead} bytes read, ${socket.bytesWritten} bytes written`);
  });
}
