import {
  ASYMMETRIC_ALGORITHMS,
  DEFAULT_AUTH_ALGORITHMS,
  DEFAULT_CHANNELS_CLAIM,
  DEFAULT_PRESENCE_INFO_CLAIM,
  DEFAULT_PUBLISH_CLAIM,
  isJwks,
  normalizeOrigin,
  type JwksSource,
} from '../shared/auth';
import { ENV, RUNTIME_ENV, type EnvName } from '../shared/env';
import { InvalidConfigError } from '../shared/errors';
import {
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_MAX_MESSAGES_PER_MINUTE,
  DEFAULT_MAX_SUBSCRIPTIONS,
  MAX_BROADCAST_SHARDS,
  MAX_MAX_MESSAGES_PER_MINUTE,
  MAX_DELIVERY_CONCURRENCY,
  DEFAULT_FANOUT_BATCH_SIZE,
  DEFAULT_FANOUT_THRESHOLD,
  MAX_FANOUT_BATCH_SIZE,
  MAX_FANOUT_THRESHOLD,
  MIN_CONNECTION_TTL_SECONDS,
  MAX_CONNECTION_TTL_SECONDS,
  MAX_MAX_SUBSCRIPTIONS,
  MAX_QUERY_PAGE_SIZE,
  DEFAULT_REPLAY_WINDOW_SECONDS,
  MAX_REPLAY_WINDOW_SECONDS,
  DEFAULT_PRESENCE_MAX_MEMBERS,
  MAX_PRESENCE_MAX_MEMBERS,
} from '../shared/limits';

/*
 * Every environment read of the functions is here: each reader validates its variables once (the handlers
 * memoize it with `once`) and throws InvalidConfigError (`key`: the variable) with `<VARIABLE>: <problem>`.
 * The bounds are the ones the stack validates at synth (`shared/limits.ts`), so both sides agree.
 */

function invalid(name: EnvName, problem: string): InvalidConfigError {
  return new InvalidConfigError(name, `${name}: ${problem}`);
}

/** Settings every function that touches the registry needs. */
export interface StoreConfig {
  readonly tableName: string;
  readonly broadcastShards: number;
  /** `Limit` of each registry query page; undefined lets DynamoDB fill 1 MB pages. */
  readonly queryPageSize: number | undefined;
}

/** Settings of `$connect`, `$disconnect` and `$default`. */
export interface ConnectionConfig extends StoreConfig {
  readonly connectionTtlSeconds: number;
  readonly maxSubscriptions: number;
  /** Origins browsers may connect from (serialized, exact); empty means any. */
  readonly allowedOrigins: readonly string[];
  /** Most frames one connection may send per minute. */
  readonly maxMessagesPerMinute: number;
}

/** Settings of the `$connect` authorizer. */
export interface AuthorizerConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Where the public keys come from: a URL (fetched, cached) or the JWKS itself. */
  readonly jwks: JwksSource;
  readonly algorithms: readonly string[];
  readonly channelsClaim: string;
  readonly publishClaim: string;
  readonly infoClaim: string;
  readonly allowAnonymous: boolean;
}

/** Settings of the functions that post to connections (the push function and the fan-out worker). */
export interface DeliveryConfig extends StoreConfig {
  readonly callbackUrl: string;
  readonly deliveryConcurrency: number;
}

/** Settings of the push function. */
export interface PushConfig extends DeliveryConfig {
  readonly deadLetterQueueUrl: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: EnvName): string {
  const value = env[name]?.trim();
  if (!value) throw invalid(name, 'is required but not set');
  return value;
}

function integer(env: Env, name: EnvName, fallback: number | undefined, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) {
    if (fallback === undefined) throw invalid(name, 'is required but not set');
    return fallback;
  }
  if (!/^\d+$/.test(raw)) throw invalid(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw invalid(name, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: EnvName): string {
  const value = required(env, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid(name, `must be an absolute http(s) URL, got "${value}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid(name, `must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/** Reads and validates the registry settings. @throws InvalidConfigError */
export function readStoreConfig(env: Env = process.env): StoreConfig {
  const pageSize = env[ENV.QUERY_PAGE_SIZE]?.trim();
  return {
    tableName: required(env, ENV.CONNECTIONS_TABLE),
    broadcastShards: integer(env, ENV.BROADCAST_SHARDS, DEFAULT_BROADCAST_SHARDS, 1, MAX_BROADCAST_SHARDS),
    queryPageSize: pageSize ? integer(env, ENV.QUERY_PAGE_SIZE, undefined, 1, MAX_QUERY_PAGE_SIZE) : undefined,
  };
}

/** Reads and validates the settings of the connection routes. @throws InvalidConfigError */
export function readConnectionConfig(env: Env = process.env): ConnectionConfig {
  return {
    ...readStoreConfig(env),
    connectionTtlSeconds: readConnectionTtlSeconds(env),
    maxSubscriptions: integer(env, ENV.MAX_SUBSCRIPTIONS, DEFAULT_MAX_SUBSCRIPTIONS, 1, MAX_MAX_SUBSCRIPTIONS),
    allowedOrigins: origins(env, ENV.ALLOWED_ORIGINS),
    maxMessagesPerMinute: integer(env, ENV.MAX_MESSAGES_PER_MINUTE, DEFAULT_MAX_MESSAGES_PER_MINUTE, 1, MAX_MAX_MESSAGES_PER_MINUTE),
  };
}

/** Reads the connection TTL (seconds). @throws InvalidConfigError */
export function readConnectionTtlSeconds(env: Env = process.env): number {
  return integer(env, ENV.CONNECTION_TTL_SECONDS, DEFAULT_CONNECTION_TTL_SECONDS, MIN_CONNECTION_TTL_SECONDS, MAX_CONNECTION_TTL_SECONDS);
}

function origins(env: Env, name: EnvName): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const origin = normalizeOrigin(entry.trim());
    if (!origin) throw invalid(name, `must be comma-separated origins (scheme://host[:port]), got "${entry.trim()}"`);
    return origin;
  });
}

/** Reads and validates the authorizer's settings. @throws InvalidConfigError */
export function readAuthorizerConfig(env: Env = process.env): AuthorizerConfig {
  const jwksText = env[ENV.AUTH_JWKS]?.trim();
  let jwks: JwksSource;
  if (jwksText) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(jwksText);
    } catch {
      throw invalid(ENV.AUTH_JWKS, 'must be a JSON JWKS ({"keys":[…]})');
    }
    if (!isJwks(parsed)) throw invalid(ENV.AUTH_JWKS, 'must be a JSON JWKS ({"keys":[…]})');
    jwks = { keys: parsed };
  } else {
    jwks = { url: url(env, ENV.AUTH_JWKS_URL) };
  }
  const algorithms = (env[ENV.AUTH_ALGORITHMS]?.trim() || DEFAULT_AUTH_ALGORITHMS.join(','))
    .split(',')
    .map((a) => a.trim());
  const bad = algorithms.find((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
  if (bad !== undefined) {
    throw invalid(ENV.AUTH_ALGORITHMS, `must list asymmetric JWS algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}), got "${bad}"`);
  }
  const anonymous = env[ENV.ALLOW_ANONYMOUS]?.trim() || 'false';
  if (anonymous !== 'true' && anonymous !== 'false') {
    throw invalid(ENV.ALLOW_ANONYMOUS, `must be true or false, got "${anonymous}"`);
  }
  return {
    issuer: required(env, ENV.AUTH_ISSUER),
    audience: required(env, ENV.AUTH_AUDIENCE),
    jwks,
    algorithms,
    channelsClaim: env[ENV.AUTH_CHANNELS_CLAIM]?.trim() || DEFAULT_CHANNELS_CLAIM,
    publishClaim: env[ENV.AUTH_PUBLISH_CLAIM]?.trim() || DEFAULT_PUBLISH_CLAIM,
    infoClaim: env[ENV.AUTH_PRESENCE_INFO_CLAIM]?.trim() || DEFAULT_PRESENCE_INFO_CLAIM,
    allowAnonymous: anonymous === 'true',
  };
}

/** Settings of the fan-out: the queue and how audiences are cut. */
export interface FanoutConfig {
  /** The fan-out queue; undefined when the stack has none (every audience is then delivered directly). */
  readonly fanoutQueueUrl: string | undefined;
  readonly fanoutThreshold: number;
  readonly fanoutBatchSize: number;
}

/** Reads and validates the fan-out settings (the queue URL is optional). @throws InvalidConfigError */
export function readFanoutConfig(env: Env = process.env): FanoutConfig {
  return {
    fanoutQueueUrl: env[ENV.FANOUT_QUEUE_URL]?.trim() ? url(env, ENV.FANOUT_QUEUE_URL) : undefined,
    fanoutThreshold: integer(env, ENV.FANOUT_THRESHOLD, DEFAULT_FANOUT_THRESHOLD, 0, MAX_FANOUT_THRESHOLD),
    fanoutBatchSize: integer(env, ENV.FANOUT_BATCH_SIZE, DEFAULT_FANOUT_BATCH_SIZE, 1, MAX_FANOUT_BATCH_SIZE),
  };
}

/** Settings of a fan-out worker. */
export interface FanoutWorkerConfig extends DeliveryConfig {
  /** Where the failed ids of a partly failed batch are re-queued. */
  readonly fanoutQueueUrl: string;
}

/** Reads and validates the delivery settings shared by the push function and the fan-out worker. @throws InvalidConfigError */
function readDeliveryConfig(env: Env): DeliveryConfig {
  return {
    ...readStoreConfig(env),
    callbackUrl: url(env, ENV.CALLBACK_URL),
    deliveryConcurrency: integer(env, ENV.DELIVERY_CONCURRENCY, DEFAULT_DELIVERY_CONCURRENCY, 1, MAX_DELIVERY_CONCURRENCY),
  };
}

/** Reads and validates the settings of a fan-out worker. @throws InvalidConfigError */
export function readFanoutWorkerConfig(env: Env = process.env): FanoutWorkerConfig {
  return {
    ...readDeliveryConfig(env),
    fanoutQueueUrl: url(env, ENV.FANOUT_QUEUE_URL),
  };
}

/** Reads and validates the settings of the push function. @throws InvalidConfigError */
export function readPushConfig(env: Env = process.env): PushConfig {
  return {
    ...readDeliveryConfig(env),
    deadLetterQueueUrl: url(env, ENV.DEAD_LETTER_QUEUE_URL),
  };
}

/** Memoizes a reader: the environment is read and validated once per container. */
export function once<T>(read: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: read() }).v;
}

/** Reads and validates the replay window (seconds) of channel continuity. @throws InvalidConfigError */
export function readReplayWindowSeconds(env: Env = process.env): number {
  return integer(env, ENV.REPLAY_WINDOW_SECONDS, DEFAULT_REPLAY_WINDOW_SECONDS, 1, MAX_REPLAY_WINDOW_SECONDS);
}

/** Levels of the functions' logger, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The functions' log level: Lambda's AWS_LAMBDA_LOG_LEVEL, else LOG_LEVEL, else `info`. A level the logger
 * does not have (Lambda's TRACE and FATAL, a typo) is `info`: a log level never stops a function.
 */
export function readLogLevel(env: Env = process.env): LogLevel {
  const raw = (env[RUNTIME_ENV.AWS_LAMBDA_LOG_LEVEL] ?? env[RUNTIME_ENV.LOG_LEVEL] ?? '').trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : 'info';
}

/** CloudWatch namespace of the delivery metrics when POWERTOOLS_METRICS_NAMESPACE is not set. */
export const DEFAULT_METRICS_NAMESPACE = 'WebSocketPush';

/** The CloudWatch namespace of the delivery metrics (POWERTOOLS_METRICS_NAMESPACE, Powertools' own variable). */
export function readMetricsNamespace(env: Env = process.env): string {
  return env[RUNTIME_ENV.POWERTOOLS_METRICS_NAMESPACE]?.trim() || DEFAULT_METRICS_NAMESPACE;
}

/** Settings of the events the route functions put on the stack's bus. */
export interface StackEventsConfig {
  /** The bus; undefined when neither kind of event is on. */
  readonly eventBusName: string | undefined;
  /** Frames that are not protocol actions go to the bus (else they get InvalidJson / UnknownAction). */
  readonly clientMessages: boolean;
  /** Lifecycle events go to the bus. */
  readonly lifecycleEvents: boolean;
}

function bool(env: Env, name: EnvName): boolean {
  const raw = env[name]?.trim() || 'false';
  if (raw !== 'true' && raw !== 'false') throw invalid(name, `must be true or false, got "${raw}"`);
  return raw === 'true';
}

/** Reads and validates the stack-event settings (the bus is required when either is on). @throws InvalidConfigError */
export function readStackEventsConfig(env: Env = process.env): StackEventsConfig {
  const clientMessages = bool(env, ENV.CLIENT_MESSAGES);
  const lifecycleEvents = bool(env, ENV.LIFECYCLE_EVENTS);
  return {
    eventBusName: clientMessages || lifecycleEvents ? required(env, ENV.STACK_EVENT_BUS) : undefined,
    clientMessages,
    lifecycleEvents,
  };
}

/** Settings of a client publish and of presence channels (`$default`). */
export interface ClientPublishConfig {
  /** The bus a client publish is put on. */
  readonly eventBusName: string;
}

/** Reads the bus of client publishes. @throws InvalidConfigError */
export function readClientPublishConfig(env: Env = process.env): ClientPublishConfig {
  return { eventBusName: required(env, ENV.STACK_EVENT_BUS) };
}

/** Reads the most members a presence `subscribed` frame lists. @throws InvalidConfigError */
export function readPresenceMaxMembers(env: Env = process.env): number {
  return integer(env, ENV.PRESENCE_MAX_MEMBERS, DEFAULT_PRESENCE_MAX_MEMBERS, 1, MAX_PRESENCE_MAX_MEMBERS);
}

/** Settings of the functions that announce presence changes (`$default`, `$disconnect`, the push path). */
export interface PresenceRuntimeConfig {
  readonly tableName: string;
  readonly callbackUrl: string;
  readonly deliveryConcurrency: number;
  /** The bus of the presence lifecycle events; undefined (no bus, or LIFECYCLE_EVENTS=false): none are put. */
  readonly eventBusName: string | undefined;
}

/** Reads the presence settings. @throws InvalidConfigError */
export function readPresenceRuntimeConfig(env: Env = process.env): PresenceRuntimeConfig {
  return {
    tableName: required(env, ENV.CONNECTIONS_TABLE),
    callbackUrl: url(env, ENV.CALLBACK_URL),
    deliveryConcurrency: integer(env, ENV.DELIVERY_CONCURRENCY, DEFAULT_DELIVERY_CONCURRENCY, 1, MAX_DELIVERY_CONCURRENCY),
    // Presence events are lifecycle events: off with `lifecycleEvents` off.
    eventBusName: env[ENV.LIFECYCLE_EVENTS]?.trim() === 'false' ? undefined : env[ENV.STACK_EVENT_BUS]?.trim() || undefined,
  };
}

/** Where the functions' lean AWS clients send their requests, and the region they sign for. */
export interface AwsRequestConfig {
  readonly region: string;
  /** DynamoDB's endpoint: the SDK's override variables first, as the SDK honours them, else the region's. */
  readonly dynamodbEndpoint: string;
}

/** Reads the region (Lambda sets it) and DynamoDB's endpoint. @throws InvalidConfigError */
export function readAwsRequestConfig(env: Env = process.env): AwsRequestConfig {
  const region = env[RUNTIME_ENV.AWS_REGION]?.trim();
  if (!region) throw invalid(RUNTIME_ENV.AWS_REGION, "is not set: requests are signed for the function's region");
  const override = [RUNTIME_ENV.AWS_ENDPOINT_URL_DYNAMODB, RUNTIME_ENV.AWS_ENDPOINT_URL].find((name) => env[name]?.trim());
  return { region, dynamodbEndpoint: override ? url(env, override) : `https://dynamodb.${region}.amazonaws.com` };
}
