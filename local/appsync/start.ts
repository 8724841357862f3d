import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JwksSource } from '../../shared/auth';
import type { CloudEventSink } from '../console/event-hub';
import { TargetDeliveryError } from '../eventbridge/errors';
import { portOf, type BoundPort } from '../http/bound-port';
import { readBody } from '../http/read-body';
import type { LocalService } from '../service/local-service';
import type { GraphqlApiModel } from '../template/model';
import { AppSyncAuthenticator } from './auth';
import { AppSyncRequestError, type AppSyncErrorShape } from './errors';
import { LocalGraphqlApi, type AppSyncIam, type GraphqlResponse } from './graphql-api';
import { RealtimeEndpoint, type RealtimeTimers } from './realtime';

/** The HTTP path of the GraphQL endpoint, and the real-time path (AppSync's for custom domains). */
export const GRAPHQL_PATH = '/graphql';
export const REALTIME_PATH = '/graphql/realtime';

/** AppSync's limit on a request body (https://docs.aws.amazon.com/general/latest/gr/appsync.html: 1 MB). */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** What the local AppSync needs besides the model. */
export interface AppSyncDeps {
  /** A bound port, or one to bind (0: a free one). */
  readonly port: number | BoundPort;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** IAM for IAM callers (SigV4 keys, rule targets' roles). @default IAM callers are not restricted */
  readonly iam?: AppSyncIam;
  /** OIDC issuers' keys, by issuer. @default each issuer's OpenID discovery document */
  readonly jwks?: Readonly<Record<string, JwksSource>>;
  /** Real-time timers, scaled for tests. */
  readonly timers?: Partial<RealtimeTimers>;
  /** Where mutations fanned out to subscriptions are reported (the console). @default none */
  readonly events?: CloudEventSink;
  readonly log: (line: string) => void;
}

/** The running local AppSync. */
export interface RunningAppSync extends LocalService<{ readonly graphql: string; readonly realtime: string }> {
  /** The API served (the stack's first GraphQL API). */
  readonly api: LocalGraphqlApi;
  /** The value of the API's first API key, if it has one. */
  readonly apiKey?: string;
  /** Open real-time connections. */
  readonly connectionCount: number;
  /** Whether `endpointArn` is the API's `GraphQLEndpointArn` (EventBridge's AppSync target). */
  hasEndpoint(endpointArn: string): boolean;
  /**
   * Runs an EventBridge AppSync target's operation as its role: the transformed input is the variables. A
   * GraphQL error is a `TargetDeliveryError` (its `errorType` as the code; not retried: it would fail again).
   */
  invokeTarget(endpointArn: string, operation: string, variables: unknown, roleArn: string | undefined): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    // AppSync answers browsers from any origin.
    'access-control-allow-origin': '*',
  });
  res.end(text);
}

const errorsBody = (errors: AppSyncErrorShape[]) => ({ errors });

/**
 * Starts the local AppSync for the stack's GraphQL API: `POST /graphql` (queries and mutations, AppSync's
 * answers and errors) and the real-time endpoint on `/graphql/realtime` (and `/graphql`, as AppSync's own
 * real-time host serves it). Returns `undefined` when the stack has no GraphQL API.
 */
export async function startAppSync(model: { readonly graphqlApis: readonly GraphqlApiModel[] }, deps: AppSyncDeps): Promise<RunningAppSync | undefined> {
  const [apiModel, ...others] = model.graphqlApis;
  if (!apiModel) return undefined;
  for (const other of others) deps.log(`${other.logicalId} (GraphQL API ${other.name}) is not served: the local AppSync serves one API, ${apiModel.logicalId}`);
  const api = new LocalGraphqlApi(apiModel, { iam: deps.iam, events: deps.events, log: deps.log });
  const auth = new AppSyncAuthenticator(apiModel, { jwks: deps.jwks, log: deps.log });
  const realtime = new RealtimeEndpoint(api, auth, {
    connectionTimeoutMs: deps.timers?.connectionTimeoutMs ?? 300_000,
    keepAliveIntervalMs: deps.timers?.keepAliveIntervalMs ?? 60_000,
  }, deps.log);
  const bound = await portOf(deps.port, deps.host ?? '127.0.0.1');

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path !== GRAPHQL_PATH) return sendJson(res, 404, errorsBody([{ errorType: 'NotFoundException', message: `No GraphQL endpoint at ${path}: POST to ${GRAPHQL_PATH}.` }]));
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST, OPTIONS', 'access-control-allow-headers': 'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent', 'access-control-max-age': '86400' });
      return res.end();
    }
    if (req.method !== 'POST') return sendJson(res, 405, errorsBody([{ errorType: 'MethodNotAllowedException', message: `${req.method} is not supported: POST the GraphQL request as JSON.` }]));
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (body.tooLarge) return sendJson(res, 413, errorsBody([{ errorType: 'PayloadTooLargeException', message: `The request is over ${MAX_REQUEST_BYTES} bytes.` }]));
    let request: unknown;
    try {
      request = JSON.parse(body.data.toString('utf8'));
    } catch {
      return sendJson(res, 400, errorsBody([{ errorType: 'MalformedHttpRequestException', message: 'The request body is not valid JSON.' }]));
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      return sendJson(res, 400, errorsBody([{ errorType: 'MalformedHttpRequestException', message: 'The request body must be a JSON object with a "query".' }]));
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const caller = await auth.authenticate(headers);
    return sendJson(res, 200, await api.execute(request, caller, headers));
  };
  bound.server.on('request', (req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof AppSyncRequestError) return sendJson(res, error.status, errorsBody([error.toShape()]));
      deps.log(`request failed: ${(error as Error).stack ?? String(error)}`);
      sendJson(res, 500, errorsBody([{ errorType: 'InternalFailure', message: 'The local AppSync failed on this request; see its log.' }]));
    });
  });
  bound.server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path === REALTIME_PATH || path === GRAPHQL_PATH) return realtime.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  const urls = { graphql: `${bound.url}${GRAPHQL_PATH}`, realtime: `${bound.url.replace(/^http/, 'ws')}${REALTIME_PATH}` };
  deps.log(`GraphQL API ${apiModel.name}: ${urls.graphql} (real-time ${urls.realtime}), modes ${apiModel.authModes.map((m) => m.type).join(', ')}`);
  return {
    urls,
    api,
    apiKey: apiModel.apiKeys[0]?.value,
    get connectionCount() {
      return realtime.connectionCount;
    },
    hasEndpoint: (arn) => arn === apiModel.endpointArn,
    invokeTarget: async (arn, operation, variables, roleArn) => {
      if (arn !== apiModel.endpointArn) throw new TargetDeliveryError('ResourceNotFoundException', `Target ${arn} is not the local GraphQL API`, false);
      if (!roleArn) throw new TargetDeliveryError('ValidationException', `Target ${arn} has no RoleArn: EventBridge calls AppSync with IAM as the target's role`, false);
      let response: GraphqlResponse;
      try {
        const caller = auth.asRole(roleArn);
        response = await api.execute({ query: operation, variables }, caller, {});
      } catch (error) {
        if (error instanceof AppSyncRequestError) throw new TargetDeliveryError(error.code, error.message, false, { cause: error });
        throw error;
      }
      const first = response.errors?.[0];
      if (first) throw new TargetDeliveryError(first.errorType ?? 'GraphQLError', first.message, false);
    },
    stop: async () => {
      await realtime.stop();
      await bound.close();
    },
  };
}
