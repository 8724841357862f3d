import { ENV, type EnvName } from '../shared/env';
import { PushError } from '../shared/errors';
import {
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_MAX_SUBSCRIPTIONS,
  MAX_BROADCAST_SHARDS,
  MAX_DELIVERY_CONCURRENCY,
  MIN_CONNECTION_TTL_SECONDS,
} from '../shared/limits';

/** A missing or invalid environment variable; `variable` names it. */
export class ConfigError extends PushError {
  constructor(public readonly variable: EnvName, message: string) {
    super('InvalidConfig', `${variable}: ${message}`);
  }
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
}

/** Settings of the push function. */
export interface PushConfig extends StoreConfig {
  readonly callbackUrl: string;
  readonly deliveryConcurrency: number;
  readonly deadLetterQueueUrl: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: EnvName): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

function integer(env: Env, name: EnvName, fallback: number | undefined, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) {
    if (fallback === undefined) throw new ConfigError(name, 'is required but not set');
    return fallback;
  }
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: EnvName): string {
  const value = required(env, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${value}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/** Reads and validates the registry settings. @throws ConfigError */
export function readStoreConfig(env: Env = process.env): StoreConfig {
  const pageSize = env[ENV.QUERY_PAGE_SIZE]?.trim();
  return {
    tableName: required(env, ENV.CONNECTIONS_TABLE),
    broadcastShards: integer(env, ENV.BROADCAST_SHARDS, DEFAULT_BROADCAST_SHARDS, 1, MAX_BROADCAST_SHARDS),
    queryPageSize: pageSize ? integer(env, ENV.QUERY_PAGE_SIZE, undefined, 1, 10_000) : undefined,
  };
}

/** Reads and validates the settings of the connection routes. @throws ConfigError */
export function readConnectionConfig(env: Env = process.env): ConnectionConfig {
  return {
    ...readStoreConfig(env),
    connectionTtlSeconds: integer(
      env,
      ENV.CONNECTION_TTL_SECONDS,
      DEFAULT_CONNECTION_TTL_SECONDS,
      MIN_CONNECTION_TTL_SECONDS,
      366 * 24 * 60 * 60,
    ),
    maxSubscriptions: integer(env, ENV.MAX_SUBSCRIPTIONS, DEFAULT_MAX_SUBSCRIPTIONS, 1, 10_000),
  };
}

/** Reads and validates the settings of the push function. @throws ConfigError */
export function readPushConfig(env: Env = process.env): PushConfig {
  return {
    ...readStoreConfig(env),
    callbackUrl: url(env, ENV.CALLBACK_URL),
    deliveryConcurrency: integer(env, ENV.DELIVERY_CONCURRENCY, DEFAULT_DELIVERY_CONCURRENCY, 1, MAX_DELIVERY_CONCURRENCY),
    deadLetterQueueUrl: url(env, ENV.DEAD_LETTER_QUEUE_URL),
  };
}

/** Memoizes a reader: the environment is read and validated once per container. */
export function once<T>(read: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: read() }).v;
}
