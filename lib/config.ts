import { InvalidConfigError } from '../shared/errors';
import { CONFIG_KEYS, isJwksUrl, type ConfigKey, type ConfigKeyName, type ConfigValue } from './config-keys';

export { InvalidConfigError };

/**
 * Configuration of the push stack, one property per key of {@link CONFIG_KEYS}, whose entries document them
 * (mapped over `keyof typeof CONFIG_KEYS` itself, so that editors show each entry's doc on the property).
 * Every key can be given as CDK context (`-c key=value`) or as a prop.
 */
export type PushStackConfig = { readonly [K in keyof typeof CONFIG_KEYS]: ConfigValue<(typeof CONFIG_KEYS)[K]> };

/** Every configuration key, in the order they are validated. */
export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as readonly ConfigKeyName[];

/** Defaults of every configuration key. */
export const DEFAULT_CONFIG: Readonly<PushStackConfig> = Object.freeze(
  Object.fromEntries(CONFIG_KEY_NAMES.map((key) => [key, CONFIG_KEYS[key].default])) as unknown as PushStackConfig,
);

/** Where configuration comes from: it only changes how messages show an example fix. */
export type ConfigOrigin = 'context' | 'props';

/** Something to read context from: a construct node, or a function of the key. */
export type ContextSource = { tryGetContext(key: string): unknown; getAllContext?(): unknown } | ((key: string) => unknown);

function noun(origin: ConfigOrigin): string {
  return origin === 'context' ? 'context' : 'config';
}

/** How the fix of a message is written: `-c key=value` for context, `{ key: value }` for props. */
function fix(origin: ConfigOrigin, key: ConfigKeyName, example: string): string {
  if (origin === 'context') return `-c ${key}=${example}`;
  const kind = CONFIG_KEYS[key].kind;
  const literal =
    kind === 'list' ? `[${example.split(',').map((e) => `'${e}'`).join(', ')}]` : kind === 'string' ? `'${example}'` : example;
  return `{ ${key}: ${literal} }`;
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

/** Reads one key's raw value with its declaration; a refusal names the key, what it accepts and a fix. */
function readKey(key: ConfigKeyName, value: unknown, origin: ConfigOrigin): unknown {
  const declaration = CONFIG_KEYS[key] as ConfigKey<unknown>;
  return declaration.read(value, (expected, options = {}) => {
    const shown = 'shown' in options ? options.shown : value;
    throw new InvalidConfigError(
      key,
      `Invalid ${noun(origin)} "${key}": ${show(shown)}. ${expected}, e.g. ${fix(origin, key, options.example ?? declaration.example)}.`,
    );
  });
}

/**
 * Validates raw configuration values (strings from `-c`, or typed values from cdk.json or props) and fills
 * in defaults. Keys that are absent, `undefined` or `null` take their default; unknown keys are ignored.
 * @throws InvalidConfigError naming the first invalid key, what it accepts and an example fix.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>, origin: ConfigOrigin = 'props'): PushStackConfig {
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of CONFIG_KEY_NAMES) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    out[key] = readKey(key, value, origin);
  }
  const config = out as unknown as PushStackConfig;
  checkAuth(config, origin);
  if (config.existingEventBusArn !== undefined && config.eventBusName !== DEFAULT_CONFIG.eventBusName) {
    throw new InvalidConfigError(
      'eventBusName',
      `Invalid ${noun(origin)} "eventBusName": ${show(config.eventBusName)}. It cannot be combined with "existingEventBusArn" ` +
        '(the stack creates no bus when it is given an existing one); remove one of the two.',
    );
  }
  return config;
}

/** Cross-key rules of the authorizer settings; fills in the default JWKS URL. */
function checkAuth(config: PushStackConfig, origin: ConfigOrigin): void {
  const n = noun(origin);
  const mutable = config as { -readonly [K in ConfigKeyName]: PushStackConfig[K] };
  if (config.authIssuer === undefined) {
    for (const key of ['authAudience', 'authJwksUrl', 'authJwks'] as const) {
      if (config[key] !== undefined) {
        throw new InvalidConfigError(key, `Invalid ${n} "${key}": it has no effect without "authIssuer" (no issuer means no authorizer and public channels only); set authIssuer too, or remove ${key}.`);
      }
    }
    return;
  }
  if (config.authAudience === undefined) {
    throw new InvalidConfigError('authAudience', `Invalid ${n} "authAudience": missing. "authIssuer" needs the audience ("aud") its tokens must carry, e.g. ${fix(origin, 'authAudience', CONFIG_KEYS.authAudience.example)}.`);
  }
  if (config.authJwksUrl !== undefined && config.authJwks !== undefined) {
    throw new InvalidConfigError('authJwks', `Invalid ${n} "authJwks": it cannot be combined with "authJwksUrl"; give the keys inline or their URL, not both.`);
  }
  if (config.authJwksUrl === undefined && config.authJwks === undefined) {
    const derived = `${config.authIssuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
    if (!isJwksUrl(derived)) {
      throw new InvalidConfigError('authJwksUrl', `Invalid ${n} "authJwksUrl": missing, and it cannot be derived from the issuer ${JSON.stringify(config.authIssuer)}; give the https URL of the issuer's JWKS.`);
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
  if (typeof source !== 'function' && 'getAllContext' in source && typeof source.getAllContext === 'function') {
    checkContextNames(Object.keys(source.getAllContext() as Record<string, unknown>));
  }
  const get = typeof source === 'function' ? source : (key: string) => source.tryGetContext(key);
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEY_NAMES) raw[key] = get(key);
  return parseConfig(raw, 'context');
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two keys, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[x.length]![y.length]!;
}

/** The known key closest to `name`, when it is close enough to be a typo of it (at most 2 edits). */
export function closestKey(name: string, known: readonly string[] = CONFIG_KEY_NAMES): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = distance(name, key);
    if (d > 0 && d <= 2 && (best === undefined || d < best.d)) best = { key, d };
  }
  return best?.key;
}

/**
 * Refuses props that are not keys of the construct (a typo must never deploy a stack other than the one
 * meant, e.g. a public one for a mistyped `authIssuer`).
 * @throws InvalidConfigError naming the unknown key and the closest known one
 */
export function checkPropNames(props: object, known: readonly string[]): void {
  for (const name of Object.keys(props)) {
    if (known.includes(name)) continue;
    const near = closestKey(name, known);
    throw new InvalidConfigError(
      name,
      `Invalid props: unknown key "${name}"${near !== undefined ? `; did you mean "${near}"?` : `. Known keys: ${known.join(', ')}.`}`,
    );
  }
}

/**
 * Refuses context keys that look like a mistyped configuration key (`-c authIsuser=…`). Other context keys
 * (feature flags, an app's own settings) are not this stack's business and pass.
 * @throws InvalidConfigError naming the key and the configuration key it resembles
 */
export function checkContextNames(names: readonly string[]): void {
  for (const name of names) {
    if ((CONFIG_KEY_NAMES as readonly string[]).includes(name) || name.includes(':')) continue;
    const near = closestKey(name);
    if (near !== undefined) {
      throw new InvalidConfigError(name, `Invalid context "${name}": not a configuration key; did you mean "${near}"? e.g. -c ${near}=${CONFIG_KEYS[near as ConfigKeyName].example}.`);
    }
  }
}
