import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server already listening, with no request handler yet. The local cloud binds its ports first, so
 * every URL is known before the template is read; each service then answers on the port it is given.
 */
export interface BoundPort {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly url: string;
  /** Stops listening and closes the open connections; closing twice is harmless. */
  close(): Promise<void>;
}

/** Listens on `host:port` (`0` picks a free port) with a bare HTTP server. Rejects with `EADDRINUSE` when taken. */
export async function bindPort(host: string, port: number): Promise<BoundPort> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    host,
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The port a service was given: one bound already, or a number to bind on `host`. */
export function portOf(port: number | BoundPort, host: string): Promise<BoundPort> {
  return typeof port === 'number' ? bindPort(host, port) : Promise.resolve(port);
}
