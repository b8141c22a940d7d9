/**
 * A device that speaks protocol V1, as older AWS IoT Device Client builds do, for tests of
 * how a source meets one: it connects with the 1.0 subprotocol, carries one service to one
 * TCP target, ignores the service and connection ids it is sent, answers with neither, and
 * resets the stream on a message type V1 does not know (CONNECTION_START).
 */
import net from 'node:net';
import { MessageType } from '../protocol/wire.js';
import { RawPeer } from './raw-peer.js';

export interface V1Device {
  close(): Promise<void>;
}

export async function startV1Device(options: {
  url: string;
  token: string;
  targetPort: number;
}): Promise<V1Device> {
  const peer = await RawPeer.connect({
    url: options.url,
    mode: 'destination',
    token: options.token,
    version: 'V1',
  });
  let socket: net.Socket | undefined;
  let streamId = 0;
  const reset = (id: number): void => peer.send({ type: MessageType.STREAM_RESET, streamId: id });
  peer.onMessage = (message) => {
    switch (message.type) {
      case MessageType.STREAM_START: {
        socket?.destroy();
        streamId = message.streamId;
        const current = streamId;
        const target = net.connect(options.targetPort, '127.0.0.1');
        socket = target;
        target.on('data', (chunk: Buffer) => {
          for (let at = 0; at < chunk.length; at += 63 * 1024)
            peer.send({
              type: MessageType.DATA,
              streamId: current,
              payload: chunk.subarray(at, at + 63 * 1024),
            });
        });
        target.on('error', () => {});
        target.on('close', () => {
          if (socket === target && streamId === current) reset(current);
        });
        return;
      }
      case MessageType.DATA:
        if (message.streamId === streamId) socket?.write(Buffer.from(message.payload));
        return;
      case MessageType.STREAM_RESET:
        if (message.streamId === streamId) socket?.destroy();
        return;
      case MessageType.SESSION_RESET:
        socket?.destroy();
        return;
      default:
        // V1 knows no other types: the stream cannot go on.
        if (streamId !== 0) reset(streamId);
        socket?.destroy();
    }
  };
  return {
    close: async () => {
      socket?.destroy();
      await peer.close();
    },
  };
}
