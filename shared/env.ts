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
  /** URL of the fan-out queue: batches of connection ids of a large audience, consumed by the workers. */
  FANOUT_QUEUE_URL: 'FANOUT_QUEUE_URL',
  /** Audience size above which the push function hands the audience to the fan-out workers. */
  FANOUT_THRESHOLD: 'FANOUT_THRESHOLD',
  /** Connection ids per fan-out message (one message is one worker's unit of work and of retry). */
  FANOUT_BATCH_SIZE: 'FANOUT_BATCH_SIZE',
  /** Authorizer: the `iss` tokens must carry (set only when an issuer is configured). */
  AUTH_ISSUER: 'AUTH_ISSUER',
  /** Authorizer: the `aud` tokens must carry. */
  AUTH_AUDIENCE: 'AUTH_AUDIENCE',
  /** Authorizer: URL of the issuer's JWKS (public keys), fetched and cached. One of AUTH_JWKS_URL / AUTH_JWKS. */
  AUTH_JWKS_URL: 'AUTH_JWKS_URL',
  /** Authorizer: the issuer's public JWKS itself, as JSON (a fixed-key issuer, e.g. the local development issuer). */
  AUTH_JWKS: 'AUTH_JWKS',
  /** Authorizer: comma-separated JWS algorithms accepted (asymmetric only). */
  AUTH_ALGORITHMS: 'AUTH_ALGORITHMS',
  /** Authorizer: name of the claim listing channel permissions. */
  AUTH_CHANNELS_CLAIM: 'AUTH_CHANNELS_CLAIM',
  /** Authorizer: name of the claim listing publish permissions. */
  AUTH_PUBLISH_CLAIM: 'AUTH_PUBLISH_CLAIM',
  /** Authorizer: name of the claim holding the user's presence info. */
  AUTH_PRESENCE_INFO_CLAIM: 'AUTH_PRESENCE_INFO_CLAIM',
  /** `$default`: most members a presence channel's `subscribed` frame lists (`count` is always exact). */
  PRESENCE_MAX_MEMBERS: 'PRESENCE_MAX_MEMBERS',
  /** Authorizer: `true` lets connections without a token in (public channels only). */
  ALLOW_ANONYMOUS: 'ALLOW_ANONYMOUS',
  /** `$connect`: comma-separated origins (`scheme://host[:port]`) a browser may connect from; unset = any. */
  ALLOWED_ORIGINS: 'ALLOWED_ORIGINS',
  /** `$default`: most frames one connection may send per minute (fixed window on its meta item). */
  MAX_MESSAGES_PER_MINUTE: 'MAX_MESSAGES_PER_MINUTE',
  /** Seconds a channel message stays replayable (`subscribe` with `since`). */
  REPLAY_WINDOW_SECONDS: 'REPLAY_WINDOW_SECONDS',
  /** Name of the stack's event bus, where the route functions put client messages, client publishes and lifecycle events. */
  STACK_EVENT_BUS: 'STACK_EVENT_BUS',
  /** `$default`: `true` forwards frames that are not protocol actions to the bus as `WebSocketMessage`. */
  CLIENT_MESSAGES: 'CLIENT_MESSAGES',
  /** Route functions: `true` puts lifecycle events (connected, disconnected, channel occupied/vacated) on the bus. */
  LIFECYCLE_EVENTS: 'LIFECYCLE_EVENTS',
} as const;

/**
 * Variables the functions read that the stack does not set: Lambda's and Powertools' own, and the one the
 * tests and the local cloud use for the log level.
 */
export const RUNTIME_ENV = {
  /** Lambda: the function's log level when its logging config sets one (TRACE, DEBUG, INFO, WARN, ERROR, FATAL). */
  AWS_LAMBDA_LOG_LEVEL: 'AWS_LAMBDA_LOG_LEVEL',
  /** The log level when Lambda sets none: debug, info, warn or error. */
  LOG_LEVEL: 'LOG_LEVEL',
  /** Powertools Metrics: the CloudWatch namespace of the functions' metrics. */
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Lambda: the function's region (requests are signed for it). */
  AWS_REGION: 'AWS_REGION',
  /** The SDK's endpoint override of every service (the local cloud and the tests set it). */
  AWS_ENDPOINT_URL: 'AWS_ENDPOINT_URL',
  /** The SDK's endpoint override of DynamoDB, before `AWS_ENDPOINT_URL`. */
  AWS_ENDPOINT_URL_DYNAMODB: 'AWS_ENDPOINT_URL_DYNAMODB',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV] | (typeof RUNTIME_ENV)[keyof typeof RUNTIME_ENV];
