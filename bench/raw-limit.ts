import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A bare WebSocket server that writes frames straight to its sockets: the bench's ceiling ("limit"). */
export interface RawLimitServer {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  /** Writes `frame` (a text frame) to every open socket; returns how many it was written to. */
  broadcast(frame: Buffer): number;
  stop(): Promise<void>;
}

/**
 * Starts the limit's server in the bench's own process, on a free loopback port: no gateway, no management
 * API, no HTTP per message, no Lambda. The subscribers connect to it as they connect to the gateway.
 */
export async function startRawLimitServer(): Promise<RawLimitServer> {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.once('close', () => sockets.delete(ws));
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    broadcast: (frame) => {
      let n = 0;
      for (const ws of sockets) {
        if (ws.readyState !== ws.OPEN) continue;
        ws.send(frame, { binary: false });
        n++;
      }
      return n;
    },
    stop: () => {
      for (const ws of sockets) ws.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
