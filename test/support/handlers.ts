import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, EventBridgeEvent } from 'aws-lambda';

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

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inPool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}
