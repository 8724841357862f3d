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
export type ContextSource = { tryGetContext(key: string): unknown } | ((key: string) => unknown);

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
  const get = typeof source === 'function' ? source : (key: string) => source.tryGetContext(key);
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEY_NAMES) raw[key] = get(key);
  return parseConfig(raw, 'context');
}
