import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, EventBridgeEvent } from 'aws-lambda';
import { ENV } from '../../shared/env';
import type { ServerMessage } from '../../shared/protocol';
import { ANONYMOUS_PRINCIPAL, AUTHORIZER_CONTEXT } from '../../shared/auth';
import { policyResponse } from '../../lambdas/core/authorize-connection';
import { apiGatewayEvent, startLocalAws, startTestGateway, TEST_AWS_ENV, type LocalAws, type TestGateway } from './local-services';
import { TestClient } from './ws-client';

/** The four handlers, as the stack bundles them. */
export interface Handlers {
  connect: (event: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResult>;
  disconnect: (event: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResult>;
  default: (event: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResult>;
  push: (event: EventBridgeEvent<string, unknown>) => Promise<void>;
}

/**
 * Sets `env` on process.env and loads the handlers in a fresh module registry, so that each load is a
 * new "container" that reads this environment once (as Lambda does).
 */
export function loadHandlers(env: Record<string, string | undefined>): Handlers {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let handlers: Handlers | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    handlers = {
      connect: require('../../lambdas/handlers/connect').handler,
      disconnect: require('../../lambdas/handlers/disconnect').handler,
      default: require('../../lambdas/handlers/default').handler,
      push: require('../../lambdas/handlers/push').handler,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  return handlers!;
}

/**
 * The environment of handlers on `aws`'s table `tableName`: test credentials, the local AWS endpoint (DynamoDB
 * and SQS), the table and LOG_LEVEL=error; `extra` adds (or overrides) variables.
 */
export function handlerEnv(aws: LocalAws, tableName: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...TEST_AWS_ENV,
    AWS_ENDPOINT_URL: aws.endpoint,
    [ENV.CONNECTIONS_TABLE]: tableName,
    LOG_LEVEL: 'error',
    ...extra,
  };
}

/**
 * Starts the local DynamoDB and SQS, creates the connections table `tableName` and loads the handlers against
 * them (see {@link handlerEnv}; `extra` adds variables). Stop `aws` when done.
 */
export async function startHandlersOnLocalAws(
  tableName: string,
  extra: Record<string, string> = {},
): Promise<{ aws: LocalAws; handlers: Handlers }> {
  const aws = await startLocalAws();
  try {
    await aws.createConnectionsTable(tableName);
    return { aws, handlers: loadHandlers(handlerEnv(aws, tableName, extra)) };
  } catch (error) {
    await aws.stop();
    throw error;
  }
}

/** A real `ws` client connected through a handler gateway, with the id the gateway gave it. */
export interface LiveConnection {
  readonly client: TestClient;
  readonly connectionId: string;
}

/** The local gateway running the handlers' routes, and a way to connect clients to it. */
export interface HandlerGateway {
  readonly gateway: TestGateway;
  /** Connects a client (as `user` when given, else anonymously); resolves once it is open. */
  connect(options?: { user?: string }): Promise<LiveConnection>;
  /** Closes the clients, then the gateway. */
  stop(): Promise<void>;
}

/**
 * Starts the local gateway with `handlers` as its `$connect`, `$disconnect` and `$default` (two-way) routes,
 * as the stack wires them. Its authorizer stands in for the product's token authorizer (not under test here):
 * it allows every client, as the user named by the `user` query parameter or anonymously.
 */
export async function startHandlerGateway(handlers: Handlers): Promise<HandlerGateway> {
  const idsByTag = new Map<string, string>();
  const clients: TestClient[] = [];
  let tags = 0;
  // Once the test is done its registry is thrown away: the closing connections' $disconnect does not need it.
  let stopping = false;
  const gateway = await startTestGateway({
    authorizer: {
      identitySources: [],
      invoke: async (event) => {
        const { methodArn, queryStringParameters } = event as { methodArn: string; queryStringParameters?: Record<string, string> };
        const user = queryStringParameters?.user;
        return user
          ? policyResponse(user, 'Allow', methodArn, { [AUTHORIZER_CONTEXT.userId]: user, [AUTHORIZER_CONTEXT.anonymous]: false })
          : policyResponse(ANONYMOUS_PRINCIPAL, 'Allow', methodArn, { [AUTHORIZER_CONTEXT.anonymous]: true });
      },
    },
    routes: {
      $connect: {
        invoke: async (event) => {
          const e = event as APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string> };
          const result = await handlers.connect(e);
          const tag = e.queryStringParameters?.tag;
          if (tag !== undefined && result.statusCode === 200) idsByTag.set(tag, e.requestContext.connectionId);
          return result;
        },
      },
      $disconnect: { invoke: async (event) => (stopping ? { statusCode: 200 } : handlers.disconnect(event as APIGatewayProxyWebsocketEventV2)) },
      $default: { invoke: (event) => handlers.default(event as APIGatewayProxyWebsocketEventV2), returnResponse: true },
    },
  });
  return {
    gateway,
    async connect(options = {}) {
      const tag = `t${++tags}`;
      const query = new URLSearchParams({ tag, ...(options.user !== undefined && { user: options.user }) });
      const client = await TestClient.connect(`${gateway.url}?${query}`);
      clients.push(client);
      const connectionId = idsByTag.get(tag);
      if (connectionId === undefined) throw new Error(`connection ${tag} opened without a $connect`);
      return { client, connectionId };
    },
    async stop() {
      stopping = true;
      for (const c of clients) c.close();
      await gateway.stop();
    },
  };
}

/** Gives `$default` a MESSAGE event, expects status 200 and returns the parsed reply frame. */
export async function replyToEvent(handlers: Handlers, event: APIGatewayProxyWebsocketEventV2): Promise<ServerMessage> {
  const result = await handlers.default(event);
  expect(result.statusCode).toBe(200);
  return JSON.parse(result.body ?? '') as ServerMessage;
}

/**
 * Sends `frame` (a string as is, anything else as JSON) to `$default` as connection `connectionId`,
 * expects status 200 and returns the parsed reply frame.
 */
export function replyTo(handlers: Handlers, connectionId: string, frame: unknown): Promise<ServerMessage> {
  return replyToEvent(handlers, apiGatewayEvent.message(connectionId, typeof frame === 'string' ? frame : JSON.stringify(frame)));
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inPool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}
