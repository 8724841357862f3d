import {
  ASYMMETRIC_ALGORITHMS,
  DEFAULT_AUTH_ALGORITHMS,
  DEFAULT_CHANNELS_CLAIM,
  normalizeOrigin,
} from '../shared/auth';
import { InvalidConfigError } from '../shared/errors';
import { DEFAULT_EVENT_BUS_NAME } from '../shared/events';
import {
  DEFAULT_REPLAY_WINDOW_SECONDS,
  MAX_REPLAY_WINDOW_SECONDS,
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_MAX_MESSAGES_PER_MINUTE,
  DEFAULT_MAX_SUBSCRIPTIONS,
  MAX_BROADCAST_SHARDS,
  MAX_DELIVERY_CONCURRENCY,
  MAX_MAX_MESSAGES_PER_MINUTE,
  MIN_CONNECTION_TTL_SECONDS,
  MAX_CONNECTION_TTL_SECONDS,
  MAX_MAX_SUBSCRIPTIONS,
  STAGE_NAME_PATTERN,
  DEFAULT_FANOUT_BATCH_SIZE,
  DEFAULT_FANOUT_THRESHOLD,
  DEFAULT_FANOUT_WORKER_CONCURRENCY,
  MAX_FANOUT_BATCH_SIZE,
  MAX_FANOUT_THRESHOLD,
  MAX_FANOUT_WORKER_CONCURRENCY,
  MIN_FANOUT_WORKER_CONCURRENCY,
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
   * Seconds a channel message stays replayable: a client that reconnects within it resumes with nothing
   * missed (`subscribe` with `since`); a longer absence is reported to it as a gap.
   * @default DEFAULT_REPLAY_WINDOW_SECONDS (300)
   */
  readonly replayWindowSeconds: number;
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
  /**
   * Issuer (`iss`) of the JWTs the `$connect` authorizer accepts: any OIDC provider, e.g. Cognito's
   * `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. Setting it turns the authorizer on; without
   * it there is no authorizer, every connection is anonymous and only public channels exist.
   * @default - no authorizer (public channels only)
   */
  readonly authIssuer?: string;
  /**
   * Audience (`aud`) the tokens must carry (Cognito ID tokens: the app client id). Required with `authIssuer`.
   * @default - none
   */
  readonly authAudience?: string;
  /**
   * URL of the issuer's JWKS (its public keys), fetched and cached by the authorizer.
   * @default `<authIssuer>/.well-known/jwks.json` (Cognito's and most providers' location) unless `authJwks` is given
   */
  readonly authJwksUrl?: string;
  /**
   * The issuer's public JWKS itself (JSON `{"keys":[…]}`, public keys only, at most AUTH_JWKS_MAX_CHARS), for
   * an issuer with fixed keys such as the local development issuer. Exclusive with `authJwksUrl`.
   * @default - keys are fetched from `authJwksUrl`
   */
  readonly authJwks?: string;
  /**
   * JWS algorithms the authorizer accepts (comma-separated in context); asymmetric only.
   * @default DEFAULT_AUTH_ALGORITHMS (RS256, ES256)
   */
  readonly authAlgorithms: readonly string[];
  /**
   * Token claim listing the channel permissions (an array of patterns or a space-separated string).
   * @default DEFAULT_CHANNELS_CLAIM ('channels')
   */
  readonly authChannelsClaim: string;
  /**
   * With an authorizer, whether connections without a token are let in (public channels only).
   * Ignored without `authIssuer`: then there is no authorizer and every connection is anonymous.
   * @default false
   */
  readonly allowAnonymous: boolean;
  /**
   * Origins (`scheme://host[:port]`, comma-separated in context) browsers may connect from; compared exactly.
   * A handshake with another `Origin` is refused with 403; one without `Origin` (not a browser) is let in.
   * @default [] (any origin)
   */
  readonly allowedOrigins: readonly string[];
  /**
   * Most frames one connection may send per minute; more get a `RateLimited` error frame.
   * @default DEFAULT_MAX_MESSAGES_PER_MINUTE (300)
   */
  readonly maxMessagesPerMinute: number;
  /**
   * Audiences of more than this many connections are cut into batches on the fan-out queue and delivered
   * by the fan-out workers (0 sends every non-empty audience through the queue).
   * @default DEFAULT_FANOUT_THRESHOLD (2,000, chosen by measurement: bench/RESULTS.md)
   */
  readonly fanoutThreshold: number;
  /**
   * Connection ids per fan-out message: one worker's unit of work and of retry.
   * @default DEFAULT_FANOUT_BATCH_SIZE (500)
   */
  readonly fanoutBatchSize: number;
  /**
   * Most fan-out worker invocations at once (the SQS event source's MaximumConcurrency, 2 to 1,000).
   * @default DEFAULT_FANOUT_WORKER_CONCURRENCY (50)
   */
  readonly fanoutWorkerConcurrency: number;
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
  replayWindowSeconds: DEFAULT_REPLAY_WINDOW_SECONDS,
  throttlingRateLimit: 500,
  throttlingBurstLimit: 1000,
  logRetentionDays: 30,
  apiGatewayCloudWatchRole: true,
  authIssuer: undefined,
  authAudience: undefined,
  authJwksUrl: undefined,
  authJwks: undefined,
  authAlgorithms: DEFAULT_AUTH_ALGORITHMS,
  authChannelsClaim: DEFAULT_CHANNELS_CLAIM,
  allowAnonymous: false,
  allowedOrigins: [],
  maxMessagesPerMinute: DEFAULT_MAX_MESSAGES_PER_MINUTE,
  fanoutThreshold: DEFAULT_FANOUT_THRESHOLD,
  fanoutBatchSize: DEFAULT_FANOUT_BATCH_SIZE,
  fanoutWorkerConcurrency: DEFAULT_FANOUT_WORKER_CONCURRENCY,
});

/**
 * Largest inline JWKS: it travels in the authorizer's environment, and Lambda allows 4 KB of environment
 * variables in all.
 */
export const AUTH_JWKS_MAX_CHARS = 2048;
/** JWK members that only private or symmetric keys have: an inline JWKS with one of them is refused. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;

/** API Gateway's default account quotas for WebSocket APIs: 10,000 requests/s, burst 5,000. */
export const MAX_THROTTLING_RATE_LIMIT = 10000;
export const MAX_THROTTLING_BURST_LIMIT = 5000;
/** Retention periods, in days, that CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** Names of event buses the stack may create: letters, digits, `.`, `-`, `_`; 1 to 256 characters. */
export const EVENT_BUS_NAME_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;
/** ARN of an event bus: `arn:<partition>:events:<region>:<account>:event-bus/<name>`. */
export const EVENT_BUS_ARN_PATTERN =
  /^arn:aws[a-z-]*:events:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:event-bus\/[A-Za-z0-9/._-]{1,256}$/;

export { InvalidConfigError };

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
  'replayWindowSeconds',
  'throttlingRateLimit',
  'throttlingBurstLimit',
  'logRetentionDays',
  'apiGatewayCloudWatchRole',
  'authIssuer',
  'authAudience',
  'authJwksUrl',
  'authJwks',
  'authAlgorithms',
  'authChannelsClaim',
  'allowAnonymous',
  'allowedOrigins',
  'maxMessagesPerMinute',
  'fanoutThreshold',
  'fanoutBatchSize',
  'fanoutWorkerConcurrency',
];

const STRING_KEYS: ReadonlySet<Key> = new Set<Key>(['existingEventBusArn', 'authIssuer', 'authAudience', 'authJwksUrl', 'authJwks']);
const LIST_KEYS: ReadonlySet<Key> = new Set<Key>(['authAlgorithms', 'allowedOrigins']);

function fail(origin: ConfigOrigin, key: Key, value: unknown, expected: string, example: string): never {
  const fix = origin === 'context' ? `-c ${key}=${example}` : `{ ${key}: ${exampleLiteral(key, example)} }`;
  throw new InvalidConfigError(
    key,
    `Invalid ${origin === 'context' ? 'context' : 'config'} "${key}": ${show(value)}. ${expected}, e.g. ${fix}.`,
  );
}

function exampleLiteral(key: Key, example: string): string {
  if (LIST_KEYS.has(key)) return `[${example.split(',').map((e) => `'${e}'`).join(', ')}]`;
  return typeof DEFAULT_CONFIG[key] === 'string' || STRING_KEYS.has(key) ? `'${example}'` : example;
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
  replayWindowSeconds: (v, o) =>
    integerIn(o, 'replayWindowSeconds', v, 1, MAX_REPLAY_WINDOW_SECONDS, ' (how long channel messages stay replayable)'),
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
  apiGatewayCloudWatchRole: (v, o) => booleanOf(o, 'apiGatewayCloudWatchRole', v, 'false'),
  authIssuer: (v, o) => {
    if (typeof v !== 'string' || !isIssuer(v)) {
      fail(o, 'authIssuer', v, 'Expected the issuer ("iss") of the tokens: an http(s) URL or a URN of at most 2048 characters', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123');
    }
    return v;
  },
  authAudience: (v, o) =>
    stringMatching(o, 'authAudience', v, /^[\x21-\x7e]{1,512}$/, 'Expected the audience ("aud") of the tokens: 1 to 512 visible ASCII characters, no spaces', '7example23client45id'),
  authJwksUrl: (v, o) => {
    if (typeof v !== 'string' || !isJwksUrl(v)) {
      fail(o, 'authJwksUrl', v, 'Expected an https URL of the issuer\'s JWKS (http only on localhost or 127.0.0.1)', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json');
    }
    return v;
  },
  authJwks: (v, o) => {
    const example = '{"keys":[{"kty":"EC","crv":"P-256","x":"…","y":"…","kid":"dev"}]}';
    let jwks: unknown = v;
    if (typeof v === 'string') {
      try { jwks = JSON.parse(v); } catch { fail(o, 'authJwks', v, 'Expected a JSON JWKS of public keys', example); }
    }
    const problem = publicJwksProblem(jwks);
    if (problem) fail(o, 'authJwks', v, `Expected a JSON JWKS of public keys (${problem})`, example);
    const text = JSON.stringify(jwks);
    if (text.length > AUTH_JWKS_MAX_CHARS) {
      fail(o, 'authJwks', `${text.slice(0, 40)}…`, `Expected at most ${AUTH_JWKS_MAX_CHARS} characters (it is ${text.length}; Lambda environments hold 4 KB): give authJwksUrl instead`, 'https://issuer.example.com/.well-known/jwks.json');
    }
    return text;
  },
  authAlgorithms: (v, o) => {
    const list = listOf(v);
    const allowed = ASYMMETRIC_ALGORITHMS as readonly string[];
    if (!list || list.length === 0 || list.some((a) => !allowed.includes(a))) {
      fail(o, 'authAlgorithms', v, `Expected a comma-separated list of ${allowed.join(', ')} (symmetric HS* algorithms and "none" are refused: a token must be signed by the issuer's private key)`, DEFAULT_AUTH_ALGORITHMS.join(','));
    }
    return [...new Set(list)];
  },
  authChannelsClaim: (v, o) =>
    stringMatching(o, 'authChannelsClaim', v, /^[A-Za-z0-9_:\-./]{1,256}$/, 'Expected a claim name of 1 to 256 letters, digits and "_:-./"', DEFAULT_CHANNELS_CLAIM),
  allowAnonymous: (v, o) => booleanOf(o, 'allowAnonymous', v, 'true'),
  allowedOrigins: (v, o) => {
    const list = listOf(v);
    const example = 'https://app.example.com,http://localhost:5173';
    if (!list) fail(o, 'allowedOrigins', v, 'Expected a comma-separated list of origins (scheme://host[:port])', example);
    for (const entry of list) {
      if (normalizeOrigin(entry) === undefined) {
        fail(o, 'allowedOrigins', v, `Expected origins as scheme://host[:port] with no path, query or trailing slash; "${entry}" is not one`, example);
      }
    }
    return [...new Set(list.map((e) => normalizeOrigin(e)!))];
  },
  maxMessagesPerMinute: (v, o) => integerIn(o, 'maxMessagesPerMinute', v, 1, MAX_MAX_MESSAGES_PER_MINUTE),
  fanoutThreshold: (v, o) => integerIn(o, 'fanoutThreshold', v, 0, MAX_FANOUT_THRESHOLD),
  fanoutBatchSize: (v, o) =>
    integerIn(o, 'fanoutBatchSize', v, 1, MAX_FANOUT_BATCH_SIZE, " (a message carries the ids and the payload; SQS takes 256 KB)"),
  fanoutWorkerConcurrency: (v, o) =>
    integerIn(o, 'fanoutWorkerConcurrency', v, MIN_FANOUT_WORKER_CONCURRENCY, MAX_FANOUT_WORKER_CONCURRENCY, " (SQS event sources' MaximumConcurrency)"),
};

function booleanOf(origin: ConfigOrigin, key: Key, v: unknown, example: string): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return fail(origin, key, v, 'Expected true or false', example);
}

/** A list given as an array of strings (cdk.json, props) or a comma-separated string (`-c`). */
function listOf(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (Array.isArray(v) && v.every((e) => typeof e === 'string')) return v.map((e) => e.trim()).filter((e) => e.length > 0);
  return undefined;
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

function isJwksUrl(v: string): boolean {
  try {
    const u = new URL(v);
    if (u.username || u.password) return false;
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

/** What is wrong with a JWKS meant to hold public verification keys, or undefined when nothing is. */
export function publicJwksProblem(jwks: unknown): string | undefined {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) return 'no "keys" array';
  const list = (jwks as { keys: unknown[] }).keys;
  if (list.length === 0) return '"keys" is empty';
  for (const [i, key] of list.entries()) {
    if (typeof key !== 'object' || key === null) return `keys[${i}] is not an object`;
    const k = key as Record<string, unknown>;
    if (!['RSA', 'EC', 'OKP'].includes(String(k.kty))) return `keys[${i}] has kty ${JSON.stringify(k.kty)}; only RSA, EC and OKP public keys verify tokens`;
    const secret = PRIVATE_JWK_MEMBERS.find((m) => m in k);
    if (secret) return `keys[${i}] has the private member "${secret}": never publish a private key`;
  }
  return undefined;
}

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
  checkAuth(config, origin);
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

/** Cross-key rules of the authorizer settings; fills in the default JWKS URL. */
function checkAuth(config: PushStackConfig, origin: ConfigOrigin): void {
  const noun = origin === 'context' ? 'context' : 'config';
  const mutable = config as { -readonly [K in Key]: PushStackConfig[K] };
  if (config.authIssuer === undefined) {
    for (const key of ['authAudience', 'authJwksUrl', 'authJwks'] as const) {
      if (config[key] !== undefined) {
        throw new InvalidConfigError(key, `Invalid ${noun} "${key}": it has no effect without "authIssuer" (no issuer means no authorizer and public channels only); set authIssuer too, or remove ${key}.`);
      }
    }
    return;
  }
  if (config.authAudience === undefined) {
    throw new InvalidConfigError('authAudience', `Invalid ${noun} "authAudience": missing. "authIssuer" needs the audience ("aud") its tokens must carry, e.g. ${origin === 'context' ? '-c authAudience=7example23client45id' : "{ authAudience: '7example23client45id' }"}.`);
  }
  if (config.authJwksUrl !== undefined && config.authJwks !== undefined) {
    throw new InvalidConfigError('authJwks', `Invalid ${noun} "authJwks": it cannot be combined with "authJwksUrl"; give the keys inline or their URL, not both.`);
  }
  if (config.authJwksUrl === undefined && config.authJwks === undefined) {
    const derived = `${config.authIssuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
    if (!isJwksUrl(derived)) {
      throw new InvalidConfigError('authJwksUrl', `Invalid ${noun} "authJwksUrl": missing, and it cannot be derived from the issuer ${JSON.stringify(config.authIssuer)}; give the https URL of the issuer's JWKS.`);
    }
    mutable.authJwksUrl = derived;
  }
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
