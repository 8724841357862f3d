import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

/** Why an upgrade request is not a valid WebSocket handshake, or `undefined` when it is. */
export function invalidUpgrade(req: IncomingMessage): { status: number; message: string } | undefined {
  if (req.method !== 'GET') return { status: 405, message: 'Invalid HTTP method' };
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return { status: 400, message: 'Invalid Upgrade header' };
  const key = req.headers['sec-websocket-key'];
  if (key === undefined || !KEY_PATTERN.test(key)) return { status: 400, message: 'Invalid Sec-WebSocket-Key header' };
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return { status: 400, message: 'Invalid Sec-WebSocket-Version header' };
  return undefined;
}

/**
 * Answers an upgrade request with a plain HTTP response (no `101`) and closes the socket: what a client
 * sees when API Gateway rejects a connection.
 */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (socket.destroyed) return;
  const all: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...headers,
  };
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}
