import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, EventBridgeEvent } from 'aws-lambda';
import { ENV } from '../../shared/env';
import type { ServerMessage } from '../../shared/protocol';
import { messageEvent } from './apigw-events';
import { startDynalite, TEST_AWS_ENV, type LocalDynamo } from './dynalite';

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
 * The environment of handlers on `dynamo`'s table `tableName`: test credentials, the dynalite endpoint,
 * the table and LOG_LEVEL=error; `extra` adds (or overrides) variables.
 */
export function dynaliteHandlerEnv(
  dynamo: LocalDynamo,
  tableName: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...TEST_AWS_ENV,
    AWS_ENDPOINT_URL: dynamo.endpoint,
    [ENV.CONNECTIONS_TABLE]: tableName,
    LOG_LEVEL: 'error',
    ...extra,
  };
}

/**
 * Starts a dynalite, creates the connections table `tableName` in it and loads the handlers against it
 * (see {@link dynaliteHandlerEnv}; `extra` adds variables). Stop `dynamo` when done.
 */
export async function startHandlersOnDynalite(
  tableName: string,
  extra: Record<string, string> = {},
): Promise<{ dynamo: LocalDynamo; handlers: Handlers }> {
  const dynamo = await startDynalite();
  try {
    await dynamo.createTable(tableName);
    return { dynamo, handlers: loadHandlers(dynaliteHandlerEnv(dynamo, tableName, extra)) };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
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
  return replyToEvent(handlers, messageEvent(connectionId, typeof frame === 'string' ? frame : JSON.stringify(frame)));
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
