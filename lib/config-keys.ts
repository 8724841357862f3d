import {
  ASYMMETRIC_ALGORITHMS,
  DEFAULT_AUTH_ALGORITHMS,
  DEFAULT_CHANNELS_CLAIM,
  DEFAULT_PRESENCE_INFO_CLAIM,
  DEFAULT_PUBLISH_CLAIM,
  normalizeOrigin,
  publicJwksProblem,
} from '../shared/auth';
import { DEFAULT_EVENT_BUS_NAME } from '../shared/events';
import {
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_DELIVERY_MEMORY_MB,
  DEFAULT_FANOUT_BATCH_SIZE,
  DEFAULT_FANOUT_THRESHOLD,
  DEFAULT_FANOUT_WORKER_CONCURRENCY,
  DEFAULT_MAX_MESSAGES_PER_MINUTE,
  DEFAULT_MAX_SUBSCRIPTIONS,
  DEFAULT_PRESENCE_MAX_MEMBERS,
  MAX_PRESENCE_MAX_MEMBERS,
  DEFAULT_REPLAY_WINDOW_SECONDS,
  DEFAULT_STAGE_NAME,
  MAX_BROADCAST_SHARDS,
  MAX_CONNECTION_TTL_SECONDS,
  MAX_DELIVERY_CONCURRENCY,
  MAX_FUNCTION_MEMORY_MB,
  MIN_FUNCTION_MEMORY_MB,
  MAX_FANOUT_BATCH_SIZE,
  MAX_FANOUT_THRESHOLD,
  MAX_FANOUT_WORKER_CONCURRENCY,
  MAX_MAX_MESSAGES_PER_MINUTE,
  MAX_MAX_SUBSCRIPTIONS,
  MAX_REPLAY_WINDOW_SECONDS,
  MIN_CONNECTION_TTL_SECONDS,
  MIN_FANOUT_WORKER_CONCURRENCY,
  STAGE_NAME_PATTERN,
  STAGE_NAME_RULE,
} from '../shared/limits';

/*
 * The stack's configuration keys, each declared once: its type, default, bounds, example and doc. The
 * `PushStackConfig` type, the defaults, the key list and the parser (`lib/config.ts`) follow from this
 * table, and a test checks the README's configuration table against it.
 */

/** How a key's value is written; it decides how an example is spelled for props (`'text'`, `['a']`, `5`). */
export type ConfigKind = 'string' | 'integer' | 'number' | 'boolean' | 'list';

/**
 * Refuses a raw value: throws the key's InvalidConfigError, saying what the key accepts (`expected`) and
 * an example fix. `example` replaces the key's own example; `shown` replaces the value in the message.
 */
export type Reject = (expected: string, options?: { readonly example?: string; readonly shown?: unknown }) => never;

/** The declaration of one configuration key. */
export interface ConfigKey<T> {
  readonly kind: ConfigKind;
  /** The value of a key that is not given; `undefined` for an optional key. */
  readonly default: T;
  /**
   * The default as the README shows it, when it is not the value itself.
   * @default - the value in backticks (lists comma-separated), or `—` for an optional key
   */
  readonly defaultText?: string;
  /** Smallest accepted value of a numeric key. */
  readonly min?: number;
  /** Largest accepted value of a numeric key. */
  readonly max?: number;
  /** An accepted value as written in `-c key=value`, shown as the fix in error messages. */
  readonly example: string;
  /** Reads a raw value (a string from `-c`, a typed value from cdk.json or props); calls `reject` when it is not accepted. */
  readonly read: (value: unknown, reject: Reject) => T;
}

/** Largest inline JWKS: it travels in the authorizer's environment, and Lambda allows 4 KB of variables in all. */
export const AUTH_JWKS_MAX_CHARS = 2048;
/** API Gateway's default account quotas for WebSocket APIs: 10,000 requests/s, burst 5,000. */
export const MAX_THROTTLING_RATE_LIMIT = 10000;
export const MAX_THROTTLING_BURST_LIMIT = 5000;
/** Retention periods, in days, that CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** Largest reserved concurrency accepted for the push function (Lambda's default account quota is 1,000). */
export const MAX_PUSH_RESERVED_CONCURRENCY = 1000;
/** Names of event buses the stack may create: letters, digits, `.`, `-`, `_`; 1 to 256 characters. */
export const EVENT_BUS_NAME_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;
/** ARN of an event bus: `arn:<partition>:events:<region>:<account>:event-bus/<name>`. */
export const EVENT_BUS_ARN_PATTERN =
  /^arn:aws[a-z-]*:events:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:event-bus\/[A-Za-z0-9/._-]{1,256}$/;

/** The ways to push: API Gateway's WebSocket API with a connection registry, or AppSync GraphQL subscriptions. */
export const TRANSPORTS = ['apigateway', 'appsync'] as const;
/** One of {@link TRANSPORTS}. */
export type Transport = (typeof TRANSPORTS)[number];

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

/** A list given as an array of strings (cdk.json, props) or a comma-separated string (`-c`). */
function listOf(value: unknown): string[] | undefined {
  const entries = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(entries) || !entries.every((e) => typeof e === 'string')) return undefined;
  return entries.map((e: string) => e.trim()).filter((e) => e.length > 0);
}

/** An integer key from `min` to `max`; `why` explains the bounds in the message. */
function integer(o: { default: number; min: number; max: number; why?: string }): ConfigKey<number> {
  return {
    kind: 'integer',
    default: o.default,
    min: o.min,
    max: o.max,
    example: String(o.default),
    read: (value, reject) => {
      const n = toInteger(value);
      if (n === undefined || n < o.min || n > o.max) return reject(`Expected an integer from ${o.min} to ${o.max}${o.why ?? ''}`);
      return n;
    },
  };
}

interface TextOptions {
  /** What a value must match. */
  readonly accepts: RegExp | ((value: string) => boolean);
  /** What the key accepts, for the message (`Expected …`). */
  readonly expected: string;
  /** @default the default */
  readonly example?: string;
  readonly defaultText?: string;
}

/** A string key with a default. */
function text(o: TextOptions & { default: string }): ConfigKey<string>;
/** An optional string key. */
function text(o: TextOptions & { example: string }): ConfigKey<string | undefined>;
function text(o: TextOptions & { default?: string }): ConfigKey<string | undefined> {
  const accepts = o.accepts;
  return {
    kind: 'string',
    default: o.default,
    defaultText: o.defaultText,
    example: o.example ?? o.default ?? '',
    read: (value, reject) => {
      const ok = typeof value === 'string' && (typeof accepts === 'function' ? accepts(value) : accepts.test(value));
      return ok ? (value as string) : reject(o.expected);
    },
  };
}

/** An optional integer key from `min` to `max`. */
function optionalInteger(o: { min: number; max: number; example: number; why?: string }): ConfigKey<number | undefined> {
  return {
    kind: 'integer',
    default: undefined,
    min: o.min,
    max: o.max,
    example: String(o.example),
    read: (value, reject) => {
      const n = toInteger(value);
      if (n === undefined || n < o.min || n > o.max) return reject(`Expected an integer from ${o.min} to ${o.max}${o.why ?? ''}`);
      return n;
    },
  };
}

/** A number key (not only integers) from `min` to `max`, counted in `unit`. */
function decimal(o: { default: number; min: number; max: number; unit: string }): ConfigKey<number> {
  return {
    kind: 'number',
    default: o.default,
    min: o.min,
    max: o.max,
    example: String(o.default),
    read: (value, reject) => {
      const n = toNumber(value);
      if (n === undefined || n < o.min || n > o.max) return reject(`Expected a number of ${o.unit} from ${o.min} to ${o.max}`);
      return n;
    },
  };
}

/** An integer key that takes one of a few values. */
function oneOf(values: readonly number[], defaultValue: number): ConfigKey<number> {
  return {
    kind: 'integer',
    default: defaultValue,
    example: String(defaultValue),
    read: (value, reject) => {
      const n = toInteger(value);
      if (n === undefined || !values.includes(n)) return reject(`Expected one of ${values.join(', ')}`);
      return n;
    },
  };
}

/** A key with its own reading rules. */
function key<T>(declaration: ConfigKey<T>): ConfigKey<T> {
  return declaration;
}

/** A boolean key; its example is the value that is not the default. */
function flag(defaultValue: boolean): ConfigKey<boolean> {
  return {
    kind: 'boolean',
    default: defaultValue,
    example: String(!defaultValue),
    read: (value, reject) => {
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      return reject('Expected true or false');
    },
  };
}

function isIssuer(v: string): boolean {
  if (v.length === 0 || v.length > 2048 || /\s/.test(v)) return false;
  if (/^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$/.test(v)) return true;
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0 && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** An https URL (http only on the local host) without credentials: where an authorizer may fetch a JWKS. */
export function isJwksUrl(v: string): boolean {
  try {
    const u = new URL(v);
    if (u.username || u.password) return false;
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

/**
 * Every configuration key of the push stack, in the order they are validated. Each can be given as CDK
 * context (`-c key=value`, cdk.json) or as a prop; the doc of each entry is the doc of the key.
 */
export const CONFIG_KEYS = {
  /**
   * Name of the WebSocket API stage, the last segment of `wss://…/<stage>`.
   * @default 'prod'
   */
  stageName: text({ default: DEFAULT_STAGE_NAME, accepts: STAGE_NAME_PATTERN, expected: `Expected ${STAGE_NAME_RULE}` }),
  /**
   * Name of the event bus the stack creates. Must stay the default when `existingEventBusArn` is given.
   * The `WebSocketPush` construct, when it is not set, derives a name from its construct path instead, so
   * that two instances in one account and region never collide.
   * @default 'websocket-push' (the standalone app); a name from the construct's path (`WebSocketPush`)
   */
  eventBusName: key<string>({
    kind: 'string',
    default: DEFAULT_EVENT_BUS_NAME,
    example: DEFAULT_EVENT_BUS_NAME,
    read: (value, reject) => {
      if (typeof value !== 'string' || !EVENT_BUS_NAME_PATTERN.test(value)) {
        return reject('Expected 1 to 256 letters, digits, ".", "-" or "_"');
      }
      if (value === 'default' || value.startsWith('aws.')) {
        return reject(
          'Expected a name that is not "default" and does not start with "aws." (those buses cannot be created; pass an existing bus with existingEventBusArn instead)',
        );
      }
      return value;
    },
  }),
  /**
   * ARN of an existing event bus (same account and region) to put the rule on, instead of creating one.
   * @default - a new bus named `eventBusName` is created
   */
  existingEventBusArn: text({
    accepts: EVENT_BUS_ARN_PATTERN,
    expected: 'Expected the ARN of an event bus, arn:<partition>:events:<region>:<account>:event-bus/<name>',
    example: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders',
  }),
  /**
   * Seconds a registry record lives after it is written (DynamoDB TTL), from 2 hours 1 minute to 7 days:
   * `$disconnect` is best-effort, so a record must outlive API Gateway's 2-hour connection limit.
   * @default 10800 (3 hours)
   */
  connectionTtlSeconds: integer({
    default: DEFAULT_CONNECTION_TTL_SECONDS,
    min: MIN_CONNECTION_TTL_SECONDS,
    max: MAX_CONNECTION_TTL_SECONDS,
    why: " (a record must outlive API Gateway's 2-hour connection limit, because $disconnect is best-effort)",
  }),
  /**
   * Management-API posts in flight at once in one push invocation.
   * @default 64
   */
  deliveryConcurrency: integer({ default: DEFAULT_DELIVERY_CONCURRENCY, min: 1, max: MAX_DELIVERY_CONCURRENCY }),
  /**
   * Memory (MB) of the push function and the fan-out workers, from 128 to 10,240. Lambda's CPU grows with
   * memory and posting is CPU-bound, so this sets their posts per second (bench/RESULTS.md derives the default).
   * @default 1152
   */
  deliveryMemorySize: integer({ default: DEFAULT_DELIVERY_MEMORY_MB, min: MIN_FUNCTION_MEMORY_MB, max: MAX_FUNCTION_MEMORY_MB }),
  /**
   * Shards of the broadcast index; readers and writers share it through the functions' environment.
   * @default 16
   */
  broadcastShards: integer({ default: DEFAULT_BROADCAST_SHARDS, min: 1, max: MAX_BROADCAST_SHARDS }),
  /**
   * Most channels one connection may subscribe to.
   * @default 100
   */
  maxSubscriptions: integer({ default: DEFAULT_MAX_SUBSCRIPTIONS, min: 1, max: MAX_MAX_SUBSCRIPTIONS }),
  /**
   * Seconds a channel message stays replayable: a client that reconnects within it resumes with nothing
   * missed (`subscribe` with `since`); a longer absence is reported to it as a gap.
   * @default 300
   */
  replayWindowSeconds: integer({
    default: DEFAULT_REPLAY_WINDOW_SECONDS,
    min: 1,
    max: MAX_REPLAY_WINDOW_SECONDS,
    why: ' (how long channel messages stay replayable)',
  }),
  /**
   * Steady-state requests per second of the stage's default route settings (all routes).
   * @default 500
   */
  throttlingRateLimit: decimal({ default: 500, min: 1, max: MAX_THROTTLING_RATE_LIMIT, unit: 'requests per second' }),
  /**
   * Burst capacity (requests) of the stage's default route settings (all routes).
   * @default 1000
   */
  throttlingBurstLimit: integer({ default: 1000, min: 1, max: MAX_THROTTLING_BURST_LIMIT }),
  /**
   * Retention of the functions' and the stage's log groups, in days; one of the values CloudWatch Logs accepts.
   * @default 30
   */
  logRetentionDays: oneOf(LOG_RETENTION_DAYS, 30),
  /**
   * Whether the stack sets the account-level CloudWatch Logs role of API Gateway (`AWS::ApiGateway::Account`),
   * which WebSocket stage logging requires. It is one setting per account and region: turn this off when
   * the account already has it (e.g. set by another stack or a landing zone).
   * @default true
   */
  apiGatewayCloudWatchRole: flag(true),
  /**
   * Issuer (`iss`) of the JWTs the `$connect` authorizer accepts: any OIDC provider, e.g. Cognito's
   * `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. Setting it turns the authorizer on; without
   * it there is no authorizer, every connection is anonymous and only public channels exist.
   * @default - no authorizer (public channels only)
   */
  authIssuer: text({
    accepts: isIssuer,
    expected: 'Expected the issuer ("iss") of the tokens: an http(s) URL or a URN of at most 2048 characters',
    example: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  }),
  /**
   * Audience (`aud`) the tokens must carry (Cognito ID tokens: the app client id). Required with `authIssuer`.
   * @default - none
   */
  authAudience: text({
    accepts: /^[\x21-\x7e]{1,512}$/,
    expected: 'Expected the audience ("aud") of the tokens: 1 to 512 visible ASCII characters, no spaces',
    example: '7example23client45id',
  }),
  /**
   * URL of the issuer's JWKS (its public keys), fetched and cached by the authorizer.
   * @default `<authIssuer>/.well-known/jwks.json` (Cognito's and most providers' location) unless `authJwks` is given
   */
  authJwksUrl: text({
    accepts: isJwksUrl,
    expected: "Expected an https URL of the issuer's JWKS (http only on localhost or 127.0.0.1)",
    example: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
    defaultText: '`<issuer>/.well-known/jwks.json`',
  }),
  /**
   * The issuer's public JWKS itself (JSON `{"keys":[…]}`, public keys only, at most AUTH_JWKS_MAX_CHARS), for
   * an issuer with fixed keys such as the local development issuer. Exclusive with `authJwksUrl`.
   * @default - keys are fetched from `authJwksUrl`
   */
  authJwks: key<string | undefined>({
    kind: 'string',
    default: undefined,
    example: '{"keys":[{"kty":"EC","crv":"P-256","x":"…","y":"…","kid":"dev"}]}',
    read: (value, reject) => {
      let jwks: unknown = value;
      if (typeof value === 'string') {
        try {
          jwks = JSON.parse(value);
        } catch {
          return reject('Expected a JSON JWKS of public keys');
        }
      }
      const problem = publicJwksProblem(jwks);
      if (problem) return reject(`Expected a JSON JWKS of public keys (${problem})`);
      const json = JSON.stringify(jwks);
      if (json.length > AUTH_JWKS_MAX_CHARS) {
        return reject(
          `Expected at most ${AUTH_JWKS_MAX_CHARS} characters (it is ${json.length}; Lambda environments hold 4 KB): give authJwksUrl instead`,
          { example: 'https://issuer.example.com/.well-known/jwks.json', shown: `${json.slice(0, 40)}…` },
        );
      }
      return json;
    },
  }),
  /**
   * JWS algorithms the authorizer accepts (comma-separated in context); asymmetric only.
   * @default ['RS256', 'ES256']
   */
  authAlgorithms: key<readonly string[]>({
    kind: 'list',
    default: DEFAULT_AUTH_ALGORITHMS,
    example: DEFAULT_AUTH_ALGORITHMS.join(','),
    read: (value, reject) => {
      const list = listOf(value);
      const allowed = ASYMMETRIC_ALGORITHMS as readonly string[];
      if (!list || list.length === 0 || list.some((a) => !allowed.includes(a))) {
        return reject(
          `Expected a comma-separated list of ${allowed.join(', ')} (symmetric HS* algorithms and "none" are refused: a token must be signed by the issuer's private key)`,
        );
      }
      return [...new Set(list)];
    },
  }),
  /**
   * Token claim listing the channel permissions (an array of patterns or a space-separated string).
   * @default 'channels'
   */
  authChannelsClaim: text({
    default: DEFAULT_CHANNELS_CLAIM,
    accepts: /^[A-Za-z0-9_:\-./]{1,256}$/,
    expected: 'Expected a claim name of 1 to 256 letters, digits and "_:-./"',
  }),
  /**
   * Token claim listing the channels the holder may publish to (patterns, like `authChannelsClaim`).
   * @default 'publish'
   */
  authPublishClaim: text({
    default: DEFAULT_PUBLISH_CLAIM,
    accepts: /^[A-Za-z0-9_:\-./]{1,256}$/,
    expected: 'Expected a claim name of 1 to 256 letters, digits and "_:-./"',
  }),
  /**
   * Token claim whose value (any JSON, at most 1 KB) is the user's `info` on presence channels.
   * @default 'info'
   */
  authPresenceInfoClaim: text({
    default: DEFAULT_PRESENCE_INFO_CLAIM,
    accepts: /^[A-Za-z0-9_:\-./]{1,256}$/,
    expected: 'Expected a claim name of 1 to 256 letters, digits and "_:-./"',
  }),
  /**
   * Most members a presence channel's `subscribed` frame lists (its `count` is always exact).
   * @default 100
   */
  presenceMaxMembers: integer({ default: DEFAULT_PRESENCE_MAX_MEMBERS, min: 1, max: MAX_PRESENCE_MAX_MEMBERS }),
  /**
   * With an authorizer, whether connections without a token are let in (public channels only).
   * Ignored without `authIssuer`: then there is no authorizer and every connection is anonymous.
   * @default false
   */
  allowAnonymous: flag(false),
  /**
   * Origins (`scheme://host[:port]`, comma-separated in context) browsers may connect from; compared exactly.
   * A handshake with another `Origin` is refused with 403; one without `Origin` (not a browser) is let in.
   * @default [] (any origin)
   */
  allowedOrigins: key<readonly string[]>({
    kind: 'list',
    default: [],
    defaultText: 'any',
    example: 'https://app.example.com,http://localhost:5173',
    read: (value, reject) => {
      const list = listOf(value);
      if (!list) return reject('Expected a comma-separated list of origins (scheme://host[:port])');
      const origins = list.map((entry) => {
        const origin = normalizeOrigin(entry);
        if (origin === undefined) {
          return reject(`Expected origins as scheme://host[:port] with no path, query or trailing slash; "${entry}" is not one`);
        }
        return origin;
      });
      return [...new Set(origins)];
    },
  }),
  /**
   * Most frames one connection may send per minute; more get a `RateLimited` error frame.
   * @default 300
   */
  maxMessagesPerMinute: integer({ default: DEFAULT_MAX_MESSAGES_PER_MINUTE, min: 1, max: MAX_MAX_MESSAGES_PER_MINUTE }),
  /**
   * Audiences of more than this many connections are cut into batches on the fan-out queue and delivered
   * by the fan-out workers (0 sends every non-empty audience through the queue).
   * @default 2000 (chosen by measurement: bench/RESULTS.md)
   */
  fanoutThreshold: integer({ default: DEFAULT_FANOUT_THRESHOLD, min: 0, max: MAX_FANOUT_THRESHOLD }),
  /**
   * Connection ids per fan-out message: one worker's unit of work and of retry.
   * @default 500
   */
  fanoutBatchSize: integer({
    default: DEFAULT_FANOUT_BATCH_SIZE,
    min: 1,
    max: MAX_FANOUT_BATCH_SIZE,
    why: ' (a message carries the ids and the payload; SQS takes 256 KB)',
  }),
  /**
   * Most fan-out worker invocations at once (the SQS event source's MaximumConcurrency, 2 to 1,000).
   * @default 50
   */
  fanoutWorkerConcurrency: integer({
    default: DEFAULT_FANOUT_WORKER_CONCURRENCY,
    min: MIN_FANOUT_WORKER_CONCURRENCY,
    max: MAX_FANOUT_WORKER_CONCURRENCY,
    why: " (SQS event sources' MaximumConcurrency)",
  }),
  /**
   * Concurrent executions reserved for the push function, which are also its ceiling: a broadcast storm
   * cannot starve `$connect` and the other routes. Lambda keeps 100 of the account's concurrency unreserved.
   * @default - none (the push function shares the account's unreserved concurrency)
   */
  pushReservedConcurrency: optionalInteger({ min: 1, max: MAX_PUSH_RESERVED_CONCURRENCY, example: 50, why: ' (reserved concurrent executions of the push function)' }),
  /**
   * Email address the alarms notify, through an SNS topic the stack creates (the address must confirm the
   * subscription). A construct user may pass its own topic as the `alarmTopic` prop instead.
   * @default - no notification: the alarms only change state
   */
  alarmEmail: text({
    accepts: /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/,
    expected: 'Expected an email address, e.g. ops@example.com',
    example: 'ops@example.com',
  }),
  /**
   * Whether a client's frame that is not one of the protocol's actions (not JSON, or an `action` of the
   * application's) is put on the bus as a `WebSocketMessage` event for services to answer. Off: such frames
   * get `InvalidJson` / `InvalidFrame` / `UnknownAction` error frames. One PutEvents per forwarded frame.
   * @default true
   */
  clientMessages: flag(true),
  /**
   * Whether the functions put lifecycle events on the bus: `WebSocketConnected`, `WebSocketDisconnected`,
   * `ChannelOccupied`, `ChannelVacated`, `PresenceMemberAdded`, `PresenceMemberRemoved`. One PutEvents per
   * event, and one counter UpdateItem per subscription added or removed (the channel events).
   * @default true
   */
  lifecycleEvents: flag(true),
  /**
   * How pushes reach clients. `apigateway`: an API Gateway WebSocket API, a DynamoDB registry of connections
   * and push functions (every feature). `appsync`: an AppSync GraphQL API whose `onPush(channel)` subscribers
   * get the bus's channel pushes through EventBridge's AppSync target; no registry and no push function, but
   * only channel (and broadcast) pushes: no user or connection targets, replay, presence or client messages.
   * @default 'apigateway'
   */
  transport: key<Transport>({
    kind: 'string',
    default: 'apigateway',
    example: 'appsync',
    read: (value, reject) => {
      if (typeof value === 'string' && (TRANSPORTS as readonly string[]).includes(value)) return value as Transport;
      return reject('Expected "apigateway" (API Gateway WebSocket API) or "appsync" (AppSync GraphQL subscriptions)');
    },
  }),
} satisfies Record<string, ConfigKey<unknown>>;

/** Name of a configuration key. */
export type ConfigKeyName = keyof typeof CONFIG_KEYS;

/** The value type of a key's declaration. */
export type ConfigValue<K> = K extends ConfigKey<infer T> ? T : never;
