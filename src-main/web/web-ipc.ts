/**
 * Browser mode's IPC: the contract's requests, replies and events over the WebSocket at
 * /ipc, for pages web-server.ts has already authenticated. Kept apart from the server so
 * that `tunneldesk web` can listen and print its URL before it loads the app and the
 * contract: the browser starts while the rest loads (see cli/web-command.ts).
 *
 * No IPC message or event push may end the process: each is handled inside a guard that
 * logs what went wrong and closes that page's socket instead of throwing.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { TunnelDeskApp } from '../app/app.js';
import { checkEvent, dispatch, failure } from '../app/dispatch.js';
import type { Logger } from '../core/log/logger.js';
import { WebRequestFrame, type WebServerFrame } from '../ipc/web-frames.js';
import { AppError, events, type EventName, type Reply } from '../ipc/contract.js';
import { describeError, type IpcEndpoint } from './web-server.js';

/** Live figures are dropped for a browser this far behind; the next snapshot replaces them. */
const MAX_BUFFERED_FOR_STATS = 4 * 1024 * 1024;

export class WebIpc implements IpcEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  private readonly clients = new Set<WebSocket>();
  private readonly log: Logger;
  private readonly unsubscribe: () => void;

  constructor(private readonly app: TunnelDeskApp) {
    this.log = app.logger.child('web');
    this.unsubscribe = app.subscribe((name, payload) => this.broadcast(name, payload));
  }

  /** Takes over an upgrade the server has authenticated and routed to /ipc. */
  accept(request: http.IncomingMessage, socket: Socket, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onClient(ws));
  }

  close(): void {
    this.unsubscribe();
    for (const client of this.clients) client.terminate();
  }

  private onClient(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(ws, data, isBinary);
      } catch (error) {
        this.log.error(`IPC message failed: ${describeError(error)}`);
        ws.close(1011, 'internal error');
      }
    });
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) return ws.close(1003, 'text frames only');
    let frame: WebRequestFrame;
    try {
      frame = WebRequestFrame.parse(JSON.parse(data.toString()));
    } catch {
      return ws.close(1008, 'malformed request frame');
    }
    dispatch(this.app, frame.channel, frame.input, this.log)
      .catch((error: unknown): Reply => {
        // dispatch() answers every failure with a Reply; this is for a bug in it.
        this.log.error(`${frame.channel} failed: ${describeError(error)}`);
        return failure(new AppError('failed', 'internal error'));
      })
      .then((reply) => this.send(ws, { kind: 'reply', id: frame.id, reply }))
      .catch((error: unknown) => {
        // A reply that cannot be sent (not serialisable, say): the renderer's call times out.
        this.log.error(`cannot send the reply to ${frame.channel}: ${describeError(error)}`);
      });
  }

  /** Called from the app's timers (live figures) and handlers: it must never throw there. */
  private broadcast(name: EventName, payload: unknown): void {
    // No page open: nothing to serialise.
    if (this.clients.size === 0) return;
    try {
      if (!checkEvent(name, payload, this.log)) return;
      const frame: WebServerFrame = { kind: 'event', channel: events[name].channel, payload };
      const text = JSON.stringify(frame);
      for (const client of this.clients) {
        if (name === 'stats' && client.bufferedAmount > MAX_BUFFERED_FOR_STATS) continue;
        if (client.readyState === client.OPEN) client.send(text);
      }
    } catch (error) {
      this.log.error(`cannot push ${name} to the browser: ${describeError(error)}`);
    }
  }

  private send(ws: WebSocket, frame: WebServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }
}
