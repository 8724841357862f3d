import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/read-body';
import { CLOSE } from './close-codes';
import type { GatewayConnection } from './connection';
import type { CloudEventSink } from '../console/event-hub';
import type { FaultInjector } from './faults';
import type { GatewayLimits, ManagementAuthorizer } from './types';

/** What the management API needs from the gateway. */
export interface ManagementContext {
  stage: string;
  limits: GatewayLimits;
  /** The open connection with this id, if any. */
  find(connectionId: string): GatewayConnection | undefined;
  log(line: string): void;
  /** Injected faults and latency. @default none */
  faults?: FaultInjector;
  /** IAM's check of `execute-api:ManageConnections`: the denial message, or undefined when allowed. @default every caller is allowed */
  authorize?: ManagementAuthorizer;
  /** Where posts, deletes and 410s are reported (the console). @default none */
  events?: CloudEventSink;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(data: Buffer): boolean {
  try {
    utf8.decode(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `@connections` path's connection id (URL-decoded), or `undefined` if the path is not
 * `/<stage>/@connections/{id}` (`@` may arrive as `%40`, as some clients encode it).
 */
export function connectionIdOf(pathname: string, stage: string): string | undefined {
  const prefixes = [`/${stage}/@connections/`, `/${stage}/%40connections/`];
  const prefix = prefixes.find((p) => pathname.startsWith(p));
  if (!prefix) return undefined;
  const raw = pathname.slice(prefix.length);
  if (raw === '' || raw.includes('/')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body?: unknown, errorType?: string): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': randomUUID(),
  };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}

/** 410 as API Gateway answers it: `x-amzn-ErrorType: GoneException` and a body without a message. */
const gone = (res: ServerResponse) => reply(res, 410, { message: null }, 'GoneException');

/**
 * Serves API Gateway's management API (`POST|GET|DELETE /<stage>/@connections/{id}`) for the
 * AWS SDK's `ApiGatewayManagementApiClient` and the AWS CLI (signatures are not checked).
 *
 * @returns true if the request was for the management API (and has been answered).
 */
export function handleManagementRequest(req: IncomingMessage, res: ServerResponse, ctx: ManagementContext): boolean {
  const pathname = (req.url ?? '/').split('?')[0]!;
  const connectionId = connectionIdOf(pathname, ctx.stage);
  if (connectionId === undefined) return false;
  void serve(req, res, ctx, connectionId).catch(() => {
    if (!res.headersSent) reply(res, 500, { message: 'Internal server error' }, 'InternalServerErrorException');
  });
  return true;
}

async function serve(req: IncomingMessage, res: ServerResponse, ctx: ManagementContext, id: string): Promise<void> {
  const { data, tooLarge } = await readBody(req, ctx.limits.maxMessageBytes);
  const method = req.method ?? 'GET';
  if (ctx.faults) {
    if (ctx.faults.postLatencyMs > 0) await new Promise((r) => setTimeout(r, ctx.faults!.postLatencyMs));
    const fault = ctx.faults.managementFault(id);
    if (fault) {
      reply(res, fault.status, { message: fault.message }, fault.errorType);
      return;
    }
  }
  if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
    reply(res, 403, { message: 'Forbidden' }, 'ForbiddenException');
    return;
  }
  const denied = ctx.authorize?.({ authorization: req.headers.authorization, method, connectionId: id });
  if (denied !== undefined) {
    // API Gateway answers an IAM denial with 403 and `Message` (capitalized), as for execute-api:Invoke.
    ctx.log(`gateway  ${method.toLowerCase()} ${id} → 403 AccessDenied`);
    reply(res, 403, { Message: denied }, 'AccessDeniedException');
    return;
  }
  const conn = ctx.find(id);
  if (!conn || !conn.open) {
    ctx.log(`gateway  ${method.toLowerCase()} ${id} → 410 Gone`);
    ctx.events?.publish('gone', `${method} @connections/${id} → 410 Gone`, { connectionId: id, method });
    gone(res);
    return;
  }
  if (method === 'GET') {
    // Wire names are the service model's `jsonName`s (the SDK shows them as ConnectedAt, Identity…).
    reply(res, 200, {
      connectedAt: new Date(conn.scope.connectedAt).toISOString(),
      identity: {
        sourceIp: conn.scope.sourceIp,
        ...(conn.scope.userAgent !== null && { userAgent: conn.scope.userAgent }),
      },
      lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
    });
    return;
  }
  if (method === 'DELETE') {
    ctx.log(`gateway  delete ${id}`);
    ctx.events?.publish('post', `DELETE @connections/${id}`, { connectionId: id, method });
    conn.close(CLOSE.deleted.code, CLOSE.deleted.reason);
    res.writeHead(204, { 'x-amzn-RequestId': randomUUID() });
    res.end();
    return;
  }
  if (tooLarge) {
    ctx.log(`gateway  post ${id} → 413 over ${ctx.limits.maxMessageBytes} B`);
    reply(res, 413, { message: 'Request entity too large' }, 'PayloadTooLargeException');
    return;
  }
  if (conn.ws.bufferedAmount > ctx.limits.maxBufferedBytes) {
    ctx.log(`gateway  post ${id} → 429 client buffer full`);
    reply(res, 429, { message: 'Limit exceeded' }, 'LimitExceededException');
    return;
  }
  conn.send(data, !isUtf8(data));
  ctx.log(`gateway  post ${id} ${data.length} B`);
  ctx.events?.publish('post', `POST @connections/${id} ${data.length} B`, { connectionId: id, method, bytes: data.length });
  reply(res, 200);
}
