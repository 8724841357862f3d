import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  IDLE_TIMEOUT_MS,
  MAX_CONNECTION_MS,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
} from '../../shared/limits';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../aws-wire';
import { portOf, type BoundPort } from '../http/bound-port';
import { admitConnection, type Admission, type AdmissionContext } from './admission';
import { FaultInjector } from './faults';
import { CLOSE } from './close-codes';
import { GatewayConnection } from './connection';
import { GatewayError } from './errors';
import { disconnectEvent, messageEvent, type ConnectionScope } from './events';
import { createFrameGuard } from './frame-guard';
import { invalidUpgrade, rejectUpgrade } from './handshake';
import { awsStyleId } from './ids';
import { handleManagementRequest } from './management-api';
import { errorFrame, errorText, responseBody } from './integration-result';
import { headerValue, readRequestInfo } from './request-info';
import { compileRouteSelection, type RouteSelector } from './route-selection';
import type { Gateway, GatewayConnectionInfo, GatewayLimits, GatewayOptions, RouteIntegration } from './types';
import { invokeWithTimeout } from './with-timeout';

/** API Gateway's integration timeout. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/** Defaults of {@link GatewayLimits}: API Gateway's quotas (see `shared/limits.ts`). */
export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  idleTimeoutMs: IDLE_TIMEOUT_MS,
  maxConnectionMs: MAX_CONNECTION_MS,
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxFrameBytes: MAX_FRAME_BYTES,
  integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
  maxBufferedBytes: 1024 * 1024,
  stopTimeoutMs: 2_000,
};

/**
 * The local API Gateway WebSocket API: one HTTP server that upgrades WebSocket clients on `/` and
 * `/<stage>` (running the authorizer and `$connect` first), routes their messages to integrations, runs
 * `$disconnect`, enforces API Gateway's limits, and serves the management API on `/<stage>/@connections`.
 * It owns all its state; create one per gateway and `start()`/`stop()` it.
 */
export class WebSocketGateway {
  private readonly limits: GatewayLimits;
  private readonly selector: RouteSelector;
  private readonly log: (line: string) => void;
  private readonly region: string;
  private readonly accountId: string;
  private readonly domainName: string;
  private readonly faults?: FaultInjector;
  private readonly connections = new Map<string, GatewayConnection>();
  private readonly pendingSockets = new Set<Duplex>();
  private readonly disconnects = new Set<Promise<void>>();
  /** Subprotocol chosen for each upgrade request (from the `$connect` response), read by `ws`. */
  private readonly protocols = new WeakMap<IncomingMessage, string>();
  private readonly wss: WebSocketServer;
  private bound?: BoundPort;
  private stopping = false;

  constructor(private readonly opts: GatewayOptions) {
    if (!/^[A-Za-z0-9_\-]+$/.test(opts.stage)) {
      throw new GatewayError('InvalidGatewayOptions', `Stage "${opts.stage}" is invalid: use letters, digits, - and _`);
    }
    this.limits = { ...DEFAULT_GATEWAY_LIMITS, ...opts.limits };
    for (const [k, v] of Object.entries(this.limits)) {
      if (!(typeof v === 'number' && v > 0)) {
        throw new GatewayError('InvalidGatewayOptions', `limits.${k} must be a positive number, got ${String(v)}`);
      }
    }
    this.selector = compileRouteSelection(opts.routeSelectionExpression);
    this.log = opts.log ?? (() => undefined);
    this.region = opts.region ?? LOCAL_REGION;
    this.accountId = opts.accountId ?? LOCAL_ACCOUNT;
    this.domainName = opts.domainName ?? `${opts.apiId}.execute-api.${this.region}.amazonaws.com`;
    const faults = new FaultInjector(opts.faults);
    if (faults.active) this.faults = faults;
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: this.limits.maxMessageBytes,
      handleProtocols: (_offered, req) => this.protocols.get(req) ?? false,
    });
  }

  /** Listens on the configured port (binding it unless it was bound already). */
  async start(): Promise<Gateway> {
    const bound = await portOf(this.opts.port, this.opts.host ?? '127.0.0.1');
    bound.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    bound.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      void this.onUpgrade(req, socket, head).catch((e) => {
        this.log(`gateway  upgrade failed: ${errorText(e)}`);
        rejectUpgrade(socket, 500, JSON.stringify({ message: 'Internal server error' }));
      });
    });
    this.bound = bound;
    const callbackUrl = `${bound.url}/${this.opts.stage}`;
    return {
      url: callbackUrl.replace(/^http/, 'ws'),
      callbackUrl,
      port: bound.port,
      connections: () => this.openConnections(),
      list: () => this.listConnections(),
      stop: () => this.stop(),
    };
  }

  /** Number of open connections. */
  openConnections(): number {
    let n = 0;
    for (const c of this.connections.values()) if (c.open) n++;
    return n;
  }

  /** The open connections, as the console shows them. */
  listConnections(): GatewayConnectionInfo[] {
    return [...this.connections.values()].filter((c) => c.open).map((c) => ({
      connectionId: c.id,
      principalId: typeof c.scope.authorizer?.principalId === 'string' ? c.scope.authorizer.principalId : undefined,
      origin: c.origin,
      sourceIp: c.scope.sourceIp,
      connectedAt: c.scope.connectedAt,
      lastActiveAt: c.lastActiveAt,
    }));
  }

  /** Closes every connection with 1001 (awaiting their `$disconnect` up to `stopTimeoutMs`), then the server. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const socket of this.pendingSockets) socket.destroy();
    for (const conn of this.connections.values()) conn.close(CLOSE.goingAway.code, CLOSE.goingAway.reason, this.limits.stopTimeoutMs / 2);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, this.limits.stopTimeoutMs).unref());
    const closed = Promise.all(
      [...this.connections.values()].map((c) => new Promise<void>((resolve) => {
        if (c.ws.readyState === c.ws.CLOSED) resolve();
        else c.ws.once('close', () => resolve());
      })),
    ).then(() => Promise.all([...this.disconnects]));
    await Promise.race([closed, deadline]);
    for (const conn of this.connections.values()) conn.ws.terminate();
    this.wss.close();
    await this.bound?.close();
    this.log('gateway  stopped');
  }

  private isApiPath(pathname: string): boolean {
    return pathname === '/' || pathname === `/${this.opts.stage}` || pathname === `/${this.opts.stage}/`;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const ctx = {
      stage: this.opts.stage,
      limits: this.limits,
      find: (id: string) => this.connections.get(id),
      log: this.log,
      faults: this.faults,
      authorize: this.opts.authorizeManagement,
      events: this.opts.events,
    };
    if (handleManagementRequest(req, res, ctx)) return;
    if (this.opts.requestHandler?.(req, res)) return;
    const pathname = (req.url ?? '/').split('?')[0]!;
    const upgradeRequired = this.isApiPath(pathname) && pathname !== '/';
    const body = JSON.stringify({ message: upgradeRequired ? 'Upgrade Required' : 'Forbidden' });
    res.writeHead(upgradeRequired ? 426 : 403, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      ...(upgradeRequired ? {} : { 'x-amzn-ErrorType': 'ForbiddenException' }),
    });
    res.end(body);
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (this.stopping) return rejectUpgrade(socket, 503, JSON.stringify({ message: 'Service Unavailable' }));
    if (!this.isApiPath(pathname) && this.opts.upgradeHandler?.(req, socket, head)) return;
    if (!this.isApiPath(pathname)) {
      return rejectUpgrade(socket, 403, JSON.stringify({ message: 'Forbidden' }), { 'x-amzn-ErrorType': 'ForbiddenException' });
    }
    const invalid = invalidUpgrade(req);
    if (invalid) return rejectUpgrade(socket, invalid.status, JSON.stringify({ message: invalid.message }));

    // While $connect runs, read the socket so a client that gives up is noticed (a paused socket reports
    // no end); anything it sends early is kept and handed to `ws` with the head.
    this.pendingSockets.add(socket);
    let clientGone = false;
    const early: Buffer[] = [head];
    const onData = (chunk: Buffer) => early.push(chunk);
    const onGone = () => (clientGone = true);
    socket.on('data', onData);
    socket.once('end', onGone);
    socket.once('close', onGone);
    const started = Date.now();
    const info = readRequestInfo(req, started);
    const scope: ConnectionScope = {
      apiId: this.opts.apiId,
      stage: this.opts.stage,
      domainName: this.domainName,
      connectionId: awsStyleId(),
      connectedAt: started,
      sourceIp: info.sourceIp,
      userAgent: info.userAgent,
    };
    const requestId = awsStyleId();
    let admission: Admission;
    try {
      admission = await admitConnection(this.admissionContext(), scope, info, requestId);
      // Until the handshake completes the connection is not in `connections`: posts to it answer 410.
      const delay = this.faults?.connectDelayMs ?? 0;
      if (admission.accept && delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    } finally {
      this.pendingSockets.delete(socket);
      socket.off('data', onData);
      socket.off('end', onGone);
      socket.off('close', onGone);
      // No await from here to `handleUpgrade`: `ws` attaches its own reader before more data can arrive.
    }
    const ms = Date.now() - started;
    if (!admission.accept) {
      this.log(`gateway  connect ${scope.connectionId} rejected (${admission.status}, ${ms} ms)`);
      this.opts.events?.publish('refused', `${scope.connectionId} refused: ${admission.status} ${admission.body}`, {
        connectionId: scope.connectionId, status: admission.status, body: admission.body,
      });
      const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
      if (admission.errorType) headers['x-amzn-ErrorType'] = admission.errorType;
      return rejectUpgrade(socket, admission.status, admission.body, headers);
    }
    scope.authorizer = admission.authorizer;
    if (clientGone || socket.destroyed || this.stopping) {
      this.log(`gateway  connect ${scope.connectionId} abandoned by the client (${ms} ms)`);
      socket.destroy();
      if (this.opts.routes.$connect) this.runDisconnect(scope, CLOSE.abnormal.code, CLOSE.abnormal.reason);
      return;
    }
    if (admission.protocol !== undefined) this.protocols.set(req, admission.protocol);
    const origin = headerValue(info.headers, 'Origin');
    this.wss.handleUpgrade(req, socket, Buffer.concat(early), (ws) => {
      this.onOpen(ws, socket, scope, origin);
      this.log(`gateway  connect ${scope.connectionId} (${admission.status}, ${ms} ms)`);
      const principalId = scope.authorizer?.principalId;
      this.opts.events?.publish('connect', `${scope.connectionId} connected${typeof principalId === 'string' ? ` as ${principalId}` : ''}${origin ? ` from ${origin}` : ''}`, {
        connectionId: scope.connectionId, principalId, origin,
      });
    });
  }

  private admissionContext(): AdmissionContext {
    return {
      apiId: this.opts.apiId,
      stage: this.opts.stage,
      region: this.region,
      accountId: this.accountId,
      limits: this.limits,
      authorizer: this.opts.authorizer,
      connectRoute: this.opts.routes.$connect,
      log: this.log,
    };
  }

  private onOpen(ws: WebSocket, socket: Duplex, scope: ConnectionScope, origin: string | undefined): void {
    const conn = new GatewayConnection(scope, ws, this.limits, origin);
    this.connections.set(scope.connectionId, conn);
    // Before ws's own reader, so an oversize frame is caught before ws could deliver it.
    socket.prependListener(
      'data',
      createFrameGuard(this.limits.maxFrameBytes, () => conn.close(CLOSE.tooBig.code, CLOSE.tooBig.reason)),
    );
    // `ws` closes the connection itself on a protocol error (1009 for a message over maxPayload).
    ws.on('error', (err: Error & { code?: string }) => {
      const close = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? CLOSE.tooBig
        : err.code === 'WS_ERR_INVALID_UTF8' ? CLOSE.invalidPayload : CLOSE.protocolError;
      conn.noteClose(close.code, close.reason);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => {
      conn.dispose();
      this.connections.delete(scope.connectionId);
      const intent = conn.closeIntent;
      const statusCode = intent?.code ?? code;
      const why = intent?.reason ?? reason.toString('utf8');
      this.log(`gateway  disconnect ${scope.connectionId} ${statusCode}`);
      this.opts.events?.publish('disconnect', `${scope.connectionId} disconnected ${statusCode}${why ? ` ${why}` : ''}`, {
        connectionId: scope.connectionId, code: statusCode, reason: why,
      });
      this.runDisconnect(scope, statusCode, why);
    });
  }

  private onMessage(conn: GatewayConnection, data: RawData, isBinary: boolean): void {
    if (!conn.open) return;
    if (isBinary) {
      conn.close(CLOSE.unsupportedData.code, CLOSE.unsupportedData.reason);
      return;
    }
    conn.touch();
    const body = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
    const selected = this.selector.select(body);
    const routes = this.opts.routes;
    const routeKey = selected !== undefined && isCustomRoute(selected) && routes[selected] ? selected : '$default';
    const route: RouteIntegration | undefined = routes[routeKey];
    const event = messageEvent(conn.scope, routeKey, body, Date.now());
    const requestId = event.requestContext.requestId;
    this.opts.events?.publish('frame', `${conn.id} → ${route ? routeKey : 'no route'} ${body.length > 120 ? `${body.slice(0, 120)}…` : body}`, {
      connectionId: conn.id, routeKey: route ? routeKey : undefined, integration: route?.name,
    });
    if (!route) {
      this.log(`gateway  route ${selected ?? '(none)'} ${conn.id} → no route (Forbidden)`);
      this.sendText(conn, errorFrame('Forbidden', conn.id, requestId));
      return;
    }
    if (this.opts.logFrames !== false) this.log(`gateway  route ${routeKey} ${conn.id} → ${route.name ?? 'integration'}`);
    void invokeWithTimeout(route.invoke, event, this.limits.integrationTimeoutMs).then((outcome) => {
      if (outcome.kind === 'timeout') {
        this.log(`gateway  route ${routeKey} ${conn.id} timed out (${outcome.ms} ms)`);
        this.sendText(conn, errorFrame('Endpoint request timed out', conn.id, requestId));
      } else if (outcome.kind === 'error') {
        this.log(`gateway  route ${routeKey} ${conn.id} failed: ${errorText(outcome.error)}`);
        this.sendText(conn, errorFrame('Internal server error', conn.id, requestId));
      } else if (route.returnResponse) {
        const reply = responseBody(outcome.value);
        if (reply !== undefined) this.sendText(conn, reply);
      }
    });
  }

  private sendText(conn: GatewayConnection, text: string): void {
    if (conn.open) conn.send(Buffer.from(text, 'utf8'), false);
  }

  /** Invokes `$disconnect` best-effort: errors are logged, never thrown. */
  private runDisconnect(scope: ConnectionScope, statusCode: number, reason: string): void {
    const route = this.opts.routes.$disconnect;
    if (!route) return;
    if (this.faults?.dropDisconnect() && !this.stopping) {
      this.log(`gateway  $disconnect ${scope.connectionId} dropped (fault injection)`);
      return;
    }
    const event = disconnectEvent(scope, statusCode, reason, Date.now());
    const run = invokeWithTimeout(route.invoke, event, this.limits.integrationTimeoutMs).then((outcome) => {
      if (outcome.kind === 'error') this.log(`gateway  $disconnect ${scope.connectionId} failed: ${errorText(outcome.error)}`);
      if (outcome.kind === 'timeout') this.log(`gateway  $disconnect ${scope.connectionId} timed out`);
    });
    this.disconnects.add(run);
    void run.finally(() => this.disconnects.delete(run));
  }
}

/** Message routes never select the predefined `$connect`/`$disconnect` routes. */
function isCustomRoute(key: string): boolean {
  return key !== '$connect' && key !== '$disconnect';
}

/**
 * Starts a local API Gateway WebSocket API and its management API on one port.
 *
 * @example
 * const gw = await startGateway({ port: 0, stage: 'prod', apiId: 'abc123', routeSelectionExpression: '$request.body.action',
 *   routes: { $default: { invoke: async (event) => ({ statusCode: 200 }) } } });
 * // clients: new WebSocket(gw.url); backends: new ApiGatewayManagementApiClient({ endpoint: gw.callbackUrl })
 * await gw.stop();
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  return new WebSocketGateway(opts).start();
}
