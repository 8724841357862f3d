import { PushError } from '../shared/errors';
import { DEFAULT_EVENT_BUS_NAME } from '../shared/events';
import {
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_MAX_SUBSCRIPTIONS,
  MAX_BROADCAST_SHARDS,
  MAX_DELIVERY_CONCURRENCY,
  MIN_CONNECTION_TTL_SECONDS,
} from '../shared/limits';

/** Configuration of the push stack. Every key can be given as CDK context (`-c key=value`). */
export interface PushStackConfig {
  /**
   * Name of the WebSocket API stage, the last segment of `wss://…/<stage>`.
   * @default 'prod'
   */
  readonly stageName: string;
  /**
   * Name of the event bus the stack creates. Must stay the default when `existingEventBusArn` is given.
   * @default DEFAULT_EVENT_BUS_NAME ('websocket-push')
   */
  readonly eventBusName: string;
  /**
   * ARN of an existing event bus (same account and region) to put the rule on, instead of creating one.
   * @default - a new bus named `eventBusName` is created
   */
  readonly existingEventBusArn?: string;
  /**
   * Seconds a registry record lives after it is written (DynamoDB TTL). At least
   * MIN_CONNECTION_TTL_SECONDS, because `$disconnect` is best-effort and a record must outlive
   * API Gateway's 2-hour connection limit.
   * @default DEFAULT_CONNECTION_TTL_SECONDS (3 hours)
   */
  readonly connectionTtlSeconds: number;
  /**
   * Management-API posts in flight at once in one push invocation.
   * @default DEFAULT_DELIVERY_CONCURRENCY
   */
  readonly deliveryConcurrency: number;
  /**
   * Shards of the broadcast index; readers and writers share it through the functions' environment.
   * @default DEFAULT_BROADCAST_SHARDS
   */
  readonly broadcastShards: number;
  /**
   * Most channels one connection may subscribe to.
   * @default DEFAULT_MAX_SUBSCRIPTIONS
   */
  readonly maxSubscriptions: number;
  /**
   * Steady-state requests per second of the stage's default route settings (all routes).
   * @default 500
   */
  readonly throttlingRateLimit: number;
  /**
   * Burst capacity (requests) of the stage's default route settings (all routes).
   * @default 1000
   */
  readonly throttlingBurstLimit: number;
  /**
   * Retention of the functions' and the stage's log groups, in days; one of the values CloudWatch Logs accepts.
   * @default 30
   */
  readonly logRetentionDays: number;
  /**
   * Whether the stack sets the account-level CloudWatch Logs role of API Gateway (`AWS::ApiGateway::Account`),
   * which WebSocket stage logging requires. It is one setting per account and region: turn this off when
   * the account already has it (e.g. set by another stack or a landing zone).
   * @default true
   */
  readonly apiGatewayCloudWatchRole: boolean;
}

/** Defaults of every configuration key. */
export const DEFAULT_CONFIG: Readonly<PushStackConfig> = Object.freeze({
  stageName: 'prod',
  eventBusName: DEFAULT_EVENT_BUS_NAME,
  existingEventBusArn: undefined,
  connectionTtlSeconds: DEFAULT_CONNECTION_TTL_SECONDS,
  deliveryConcurrency: DEFAULT_DELIVERY_CONCURRENCY,
  broadcastShards: DEFAULT_BROADCAST_SHARDS,
  maxSubscriptions: DEFAULT_MAX_SUBSCRIPTIONS,
  throttlingRateLimit: 500,
  throttlingBurstLimit: 1000,
  logRetentionDays: 30,
  apiGatewayCloudWatchRole: true,
});

/** Largest accepted `connectionTtlSeconds` (7 days): guards against a value given in milliseconds. */
export const MAX_CONNECTION_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Most channels a connection may be allowed to subscribe to. */
export const MAX_MAX_SUBSCRIPTIONS = 1000;
/** API Gateway's default account quotas for WebSocket APIs: 10,000 requests/s, burst 5,000. */
export const MAX_THROTTLING_RATE_LIMIT = 10000;
export const MAX_THROTTLING_BURST_LIMIT = 5000;
/** Retention periods, in days, that CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** API Gateway stage names: letters, digits, hyphens and underscores, 1 to 128 characters. */
export const STAGE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Names of event buses the stack may create: letters, digits, `.`, `-`, `_`; 1 to 256 characters. */
export const EVENT_BUS_NAME_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;
/** ARN of an event bus: `arn:<partition>:events:<region>:<account>:event-bus/<name>`. */
export const EVENT_BUS_ARN_PATTERN =
  /^arn:aws[a-z-]*:events:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:event-bus\/[A-Za-z0-9/._-]{1,256}$/;

/** A configuration value is invalid. `key` names the offending key. */
export class InvalidConfigError extends PushError {
  constructor(
    /** The configuration key at fault. */
    public readonly key: string,
    message: string,
  ) {
    super('InvalidConfig', message);
  }
}

/** Where configuration comes from: it only changes how messages show an example fix. */
export type ConfigOrigin = 'context' | 'props';

/** Something to read context from: a construct node, or a function of the key. */
export type ContextSource = { tryGetContext(key: string): unknown } | ((key: string) => unknown);

type Key = keyof PushStackConfig;

/** Every configuration key, in the order they are validated. */
export const CONFIG_KEYS: readonly Key[] = [
  'stageName',
  'eventBusName',
  'existingEventBusArn',
  'connectionTtlSeconds',
  'deliveryConcurrency',
  'broadcastShards',
  'maxSubscriptions',
  'throttlingRateLimit',
  'throttlingBurstLimit',
  'logRetentionDays',
  'apiGatewayCloudWatchRole',
];

function fail(origin: ConfigOrigin, key: Key, value: unknown, expected: string, example: string): never {
  const fix = origin === 'context' ? `-c ${key}=${example}` : `{ ${key}: ${exampleLiteral(key, example)} }`;
  throw new InvalidConfigError(
    key,
    `Invalid ${origin === 'context' ? 'context' : 'config'} "${key}": ${show(value)}. ${expected}, e.g. ${fix}.`,
  );
}

function exampleLiteral(key: Key, example: string): string {
  return typeof DEFAULT_CONFIG[key] === 'string' || key === 'existingEventBusArn' ? `'${example}'` : example;
}

function show(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (value === null) return 'null';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Reads an integer given as a number or as a decimal string (context from `-c` is always a string). */
function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(value)) return Number(value);
  return undefined;
}

function integerIn(origin: ConfigOrigin, key: Key, value: unknown, min: number, max: number, why = ''): number {
  const n = toInteger(value);
  if (n === undefined || n < min || n > max) {
    fail(origin, key, value, `Expected an integer from ${min} to ${max}${why}`, String(DEFAULT_CONFIG[key]));
  }
  return n;
}

function stringMatching(origin: ConfigOrigin, key: Key, value: unknown, pattern: RegExp, expected: string, example: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) fail(origin, key, value, expected, example);
  return value;
}

const parsers: { [K in Key]-?: (value: unknown, origin: ConfigOrigin) => PushStackConfig[K] } = {
  stageName: (v, o) =>
    stringMatching(o, 'stageName', v, STAGE_NAME_PATTERN, 'Expected 1 to 128 letters, digits, hyphens or underscores', 'prod'),
  eventBusName: (v, o) => {
    const name = stringMatching(
      o,
      'eventBusName',
      v,
      EVENT_BUS_NAME_PATTERN,
      'Expected 1 to 256 letters, digits, ".", "-" or "_"',
      DEFAULT_EVENT_BUS_NAME,
    );
    if (name === 'default' || name.startsWith('aws.')) {
      fail(
        o,
        'eventBusName',
        v,
        'Expected a name that is not "default" and does not start with "aws." (those buses cannot be created; pass an existing bus with existingEventBusArn instead)',
        DEFAULT_EVENT_BUS_NAME,
      );
    }
    return name;
  },
  existingEventBusArn: (v, o) =>
    stringMatching(
      o,
      'existingEventBusArn',
      v,
      EVENT_BUS_ARN_PATTERN,
      'Expected the ARN of an event bus, arn:<partition>:events:<region>:<account>:event-bus/<name>',
      'arn:aws:events:eu-west-1:123456789012:event-bus/orders',
    ),
  connectionTtlSeconds: (v, o) =>
    integerIn(
      o,
      'connectionTtlSeconds',
      v,
      MIN_CONNECTION_TTL_SECONDS,
      MAX_CONNECTION_TTL_SECONDS,
      " (a record must outlive API Gateway's 2-hour connection limit, because $disconnect is best-effort)",
    ),
  deliveryConcurrency: (v, o) => integerIn(o, 'deliveryConcurrency', v, 1, MAX_DELIVERY_CONCURRENCY),
  broadcastShards: (v, o) => integerIn(o, 'broadcastShards', v, 1, MAX_BROADCAST_SHARDS),
  maxSubscriptions: (v, o) => integerIn(o, 'maxSubscriptions', v, 1, MAX_MAX_SUBSCRIPTIONS),
  throttlingRateLimit: (v, o) => {
    const n = toNumber(v);
    if (n === undefined || n < 1 || n > MAX_THROTTLING_RATE_LIMIT) {
      fail(o, 'throttlingRateLimit', v, `Expected a number of requests per second from 1 to ${MAX_THROTTLING_RATE_LIMIT}`, '500');
    }
    return n;
  },
  throttlingBurstLimit: (v, o) => integerIn(o, 'throttlingBurstLimit', v, 1, MAX_THROTTLING_BURST_LIMIT),
  logRetentionDays: (v, o) => {
    const n = toInteger(v);
    if (n === undefined || !(LOG_RETENTION_DAYS as readonly number[]).includes(n)) {
      fail(o, 'logRetentionDays', v, `Expected one of ${LOG_RETENTION_DAYS.join(', ')}`, '30');
    }
    return n;
  },
  apiGatewayCloudWatchRole: (v, o) => {
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    return fail(o, 'apiGatewayCloudWatchRole', v, 'Expected true or false', 'false');
  },
};

/**
 * Validates raw configuration values (strings from `-c`, or typed values from cdk.json or props) and fills
 * in defaults. Keys that are absent, `undefined` or `null` take their default; unknown keys are ignored.
 * @throws InvalidConfigError naming the first invalid key, what it accepts and an example fix.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>, origin: ConfigOrigin = 'props'): PushStackConfig {
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of CONFIG_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    out[key] = (parsers[key] as (v: unknown, o: ConfigOrigin) => unknown)(value, origin);
  }
  const config = out as unknown as PushStackConfig;
  if (config.existingEventBusArn !== undefined && config.eventBusName !== DEFAULT_CONFIG.eventBusName) {
    const noun = origin === 'context' ? 'context' : 'config';
    throw new InvalidConfigError(
      'eventBusName',
      `Invalid ${noun} "eventBusName": ${show(config.eventBusName)}. It cannot be combined with "existingEventBusArn" ` +
        '(the stack creates no bus when it is given an existing one); remove one of the two.',
    );
  }
  return config;
}

/**
 * Reads the stack's configuration from CDK context (`-c key=value`, cdk.json's `context`), validated.
 * @param source a construct node (`app.node`) or a function returning the context value of a key
 * @throws InvalidConfigError naming the first invalid key
 */
export function readConfig(source: ContextSource): PushStackConfig {
  const get = typeof source === 'function' ? source : (key: string) => source.tryGetContext(key);
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) raw[key] = get(key);
  return parseConfig(raw, 'context');
}
