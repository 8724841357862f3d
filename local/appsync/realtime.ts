import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AppSyncAuthenticator, AppSyncCaller, AuthHeaders } from './auth';
import { AppSyncRequestError, type AppSyncErrorShape } from './errors';
import type { GraphqlRequest, LocalGraphqlApi, Subscription } from './graphql-api';

/**
 * AppSync's real-time protocol, from "Building a real-time WebSocket client in AWS AppSync"
 * (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html):
 * - handshake with the `graphql-ws` subprotocol and the `header` (base64 JSON of the authorization headers)
 *   and `payload` (base64 of `{}`) query parameters; the header may also travel as a `header-<base64url>`
 *   subprotocol;
 * - `connection_init` → `connection_ack` with `connectionTimeoutMs`, then `ka` periodically;
 * - `start` with `payload.data` (the GraphQL request as JSON text) and `payload.extensions.authorization`
 *   (each subscription authorizes itself) → `start_ack`, or `error` with AppSync's `errors`;
 * - `data` for each mutation result the subscription receives; `stop` → `complete`;
 * - `connection_error` for a connection AppSync refuses.
 */
export const GRAPHQL_WS_SUBPROTOCOL = 'graphql-ws';

/** The real-time message types. */
export const REALTIME_MESSAGE_TYPES = {
  connectionInit: 'connection_init', connectionAck: 'connection_ack', connectionError: 'connection_error', keepAlive: 'ka',
  start: 'start', startAck: 'start_ack', data: 'data', stop: 'stop', complete: 'complete', error: 'error',
} as const;

/** Timers of the real-time endpoint. */
export interface RealtimeTimers {
  /** `connectionTimeoutMs` of `connection_ack`: a client closes after this long without a `ka`. @default 300000 (AppSync's) */
  readonly connectionTimeoutMs: number;
  /** How often `ka` is sent. @default 60000 */
  readonly keepAliveIntervalMs: number;
}

/** Largest frame accepted (bytes); a bigger one closes the connection (1009), as `ws` does. */
const MAX_FRAME_BYTES = 256 * 1024;

function decodeBase64Json(text: string, what: string): Record<string, unknown> {
  // Clients put btoa's output in the URL unencoded (AWS's examples do): a `+` arrives as a space.
  const normalized = text.replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) throw new AppSyncRequestError('BadRequestException', `The ${what} is not base64.`, 400);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(normalized, 'base64').toString('utf8'));
  } catch {
    throw new AppSyncRequestError('BadRequestException', `The ${what} is not base64 of a JSON object.`, 400);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AppSyncRequestError('BadRequestException', `The ${what} is not base64 of a JSON object.`, 400);
  return value as Record<string, unknown>;
}

/** The authorization headers of a handshake: the `header` query parameter, else a `header-<base64url>` subprotocol. */
export function handshakeHeaders(url: URL, protocols: readonly string[]): AuthHeaders | undefined {
  const header = url.searchParams.get('header');
  if (header !== null) return decodeBase64Json(header, '"header" query parameter');
  const sub = protocols.find((p) => p.startsWith('header-'));
  if (sub) return decodeBase64Json(sub.slice('header-'.length), 'header- subprotocol');
  return undefined;
}

/** The real-time endpoint of one API: upgrades, connections, their subscriptions and keep-alives. */
export class RealtimeEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, handleProtocols: (offered) => (offered.has(GRAPHQL_WS_SUBPROTOCOL) ? GRAPHQL_WS_SUBPROTOCOL : false) });
  private readonly connections = new Set<WebSocket>();

  constructor(
    private readonly api: LocalGraphqlApi,
    private readonly auth: AppSyncAuthenticator,
    private readonly timers: RealtimeTimers,
    private readonly log: (line: string) => void,
  ) {}

  /** Open connections (the console, tests). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Handles an upgrade on the real-time path. A handshake without the `graphql-ws` subprotocol is refused (400). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    if (!protocols.includes(GRAPHQL_WS_SUBPROTOCOL)) {
      const body = JSON.stringify({ errors: [{ errorType: 'BadRequestException', message: `The handshake must offer the "${GRAPHQL_WS_SUBPROTOCOL}" subprotocol.` }] });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, url, protocols));
  }

  private send(ws: WebSocket, message: Record<string, unknown>): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  private open(ws: WebSocket, url: URL, protocols: readonly string[]): void {
    this.connections.add(ws);
    const subscriptions = new Map<string, Subscription>();
    let keepAlive: NodeJS.Timeout | undefined;
    const closed = () => {
      clearInterval(keepAlive);
      for (const s of subscriptions.values()) this.api.remove(s);
      subscriptions.clear();
      this.connections.delete(ws);
    };
    ws.on('close', closed);
    ws.on('error', () => ws.terminate());

    // The connection is authorized by its handshake header; one AppSync refuses gets a connection_error.
    const authorized: Promise<AppSyncCaller | undefined> = (async () => {
      const headers = handshakeHeaders(url, protocols);
      if (!headers) throw new AppSyncRequestError('UnauthorizedException', 'You are not authorized to make this call.', 401);
      return this.auth.authenticate(headers);
    })().catch((error) => {
      const shape = error instanceof AppSyncRequestError ? error.toShape(true) : { errorType: 'InternalFailure', message: 'The handshake could not be checked.', errorCode: 500 };
      this.send(ws, { type: REALTIME_MESSAGE_TYPES.connectionError, payload: { errors: [shape] } });
      ws.close(1000);
      return undefined;
    });

    // Frames are handled one after the other, in order (a `stop` right after its `start` finds it).
    let queue: Promise<unknown> = authorized;
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      queue = queue.then(() => authorized).then(async (caller) => {
        if (!caller) return;
        try {
          await this.onMessage(ws, raw, isBinary, subscriptions, () => {
            if (keepAlive) return;
            this.send(ws, { type: REALTIME_MESSAGE_TYPES.keepAlive });
            keepAlive = setInterval(() => this.send(ws, { type: REALTIME_MESSAGE_TYPES.keepAlive }), this.timers.keepAliveIntervalMs);
            keepAlive.unref();
          });
        } catch (error) {
          // Never let one frame take the endpoint down.
          this.log(`real-time frame failed: ${(error as Error).message}`);
          this.send(ws, { type: REALTIME_MESSAGE_TYPES.error, payload: { errors: [{ errorType: 'InternalFailure', message: 'The message could not be handled.' }] } });
        }
      });
    });
  }

  private errorMessage(ws: WebSocket, id: string | undefined, errors: AppSyncErrorShape[]): void {
    this.send(ws, { type: REALTIME_MESSAGE_TYPES.error, ...(id !== undefined ? { id } : {}), payload: { errors } });
  }

  private async onMessage(ws: WebSocket, raw: RawData, isBinary: boolean, subscriptions: Map<string, Subscription>, startKeepAlive: () => void): Promise<void> {
    const bad = (message: string, id?: string) => this.errorMessage(ws, id, [{ errorType: 'BadRequestException', message }]);
    if (isBinary) return bad('Binary frames are not supported: send JSON text.');
    let message: { type?: unknown; id?: unknown; payload?: any };
    try {
      message = JSON.parse(raw.toString());
    } catch {
      return bad('The message is not valid JSON.');
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) return bad('The message must be a JSON object with a "type".');
    const id = typeof message.id === 'string' ? message.id : undefined;
    switch (message.type) {
      case REALTIME_MESSAGE_TYPES.connectionInit:
        this.send(ws, { type: REALTIME_MESSAGE_TYPES.connectionAck, payload: { connectionTimeoutMs: this.timers.connectionTimeoutMs } });
        startKeepAlive();
        return;
      case REALTIME_MESSAGE_TYPES.start:
        return this.start(ws, id, message.payload, subscriptions);
      case REALTIME_MESSAGE_TYPES.stop: {
        if (id === undefined) return bad('A stop message needs the "id" of its subscription.');
        const s = subscriptions.get(id);
        if (s) this.api.remove(s);
        subscriptions.delete(id);
        this.send(ws, { type: REALTIME_MESSAGE_TYPES.complete, id });
        return;
      }
      default:
        return this.errorMessage(ws, id, [{ errorType: 'UnsupportedOperation', message: `Message type ${JSON.stringify(message.type ?? null)} is not supported: send connection_init, start or stop.` }]);
    }
  }

  private async start(ws: WebSocket, id: string | undefined, payload: any, subscriptions: Map<string, Subscription>): Promise<void> {
    const refuse = (error: AppSyncRequestError) => this.errorMessage(ws, id, [error.toShape()]);
    if (id === undefined || id === '') return refuse(new AppSyncRequestError('BadRequestException', 'A start message needs a string "id" for its subscription.'));
    if (subscriptions.has(id)) return refuse(new AppSyncRequestError('DuplicatedOperationError', `A subscription with id ${id} is already started on this connection.`));
    if (payload === null || typeof payload !== 'object' || typeof payload.data !== 'string') {
      return refuse(new AppSyncRequestError('BadRequestException', 'A start message needs "payload.data": the GraphQL request as JSON text.'));
    }
    const authorization = payload.extensions?.authorization;
    if (authorization === null || typeof authorization !== 'object' || Array.isArray(authorization)) {
      return refuse(new AppSyncRequestError('UnauthorizedException', 'You are not authorized to make this call.', 401));
    }
    let request: GraphqlRequest;
    try {
      request = JSON.parse(payload.data);
    } catch {
      return refuse(new AppSyncRequestError('BadRequestException', '"payload.data" is not valid JSON.'));
    }
    if (request === null || typeof request !== 'object') return refuse(new AppSyncRequestError('BadRequestException', '"payload.data" must be a JSON object with a "query".'));
    try {
      const caller = await this.auth.authenticate(authorization);
      const subscription = this.api.prepareSubscription(request, caller, (data) => this.send(ws, { type: REALTIME_MESSAGE_TYPES.data, id, payload: data }));
      if (ws.readyState !== ws.OPEN || subscriptions.has(id)) return;
      subscriptions.set(id, subscription);
      this.api.add(subscription);
      this.send(ws, { type: REALTIME_MESSAGE_TYPES.startAck, id });
    } catch (error) {
      if (error instanceof AppSyncRequestError) return refuse(error);
      throw error;
    }
  }

  /** Closes every connection. */
  async stop(): Promise<void> {
    for (const ws of this.connections) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
