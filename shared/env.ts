/**
 * Names of the environment variables the stack gives its functions. Defined once here; `lib/` sets them,
 * `lambdas/` reads them, `local/` sees them through the synthesized template.
 */
export const ENV = {
  /** Name of the connections table. */
  CONNECTIONS_TABLE: 'CONNECTIONS_TABLE',
  /** HTTPS callback URL of the stage, `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  CALLBACK_URL: 'CALLBACK_URL',
  /** Seconds a connection record lives (TTL) after it is written; past API Gateway's 2-hour limit. */
  CONNECTION_TTL_SECONDS: 'CONNECTION_TTL_SECONDS',
  /** Management-API posts in flight at once in one push invocation. */
  DELIVERY_CONCURRENCY: 'DELIVERY_CONCURRENCY',
  /** Number of shards of the broadcast index. Must be the same for writers and readers. */
  BROADCAST_SHARDS: 'BROADCAST_SHARDS',
  /** Most channels one connection may subscribe to. */
  MAX_SUBSCRIPTIONS: 'MAX_SUBSCRIPTIONS',
  /** URL of the dead-letter queue that receives invalid events with their reason. */
  DEAD_LETTER_QUEUE_URL: 'DEAD_LETTER_QUEUE_URL',
  /** Optional: `Limit` of each registry `Query` page (tests force it small to prove pagination). */
  QUERY_PAGE_SIZE: 'QUERY_PAGE_SIZE',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
