import { DEFAULT_METRICS_NAMESPACE, once, readConnectionConfig, readLogLevel, readMetricsNamespace, readPushConfig } from '../../../lambdas/config';
import { InvalidConfigError } from '../../../shared/errors';
import { ENV, RUNTIME_ENV } from '../../../shared/env';
import {
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_MAX_SUBSCRIPTIONS,
  MAX_CONNECTION_TTL_SECONDS,
  MAX_MAX_SUBSCRIPTIONS,
  MIN_CONNECTION_TTL_SECONDS,
} from '../../../shared/limits';

const base = { [ENV.CONNECTIONS_TABLE]: 'connections' };
const push = { ...base, [ENV.CALLBACK_URL]: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/', [ENV.DEAD_LETTER_QUEUE_URL]: 'https://sqs.eu-west-1.amazonaws.com/1/dlq' };

function configError(run: () => unknown): InvalidConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error('expected an InvalidConfigError');
}

describe('config', () => {
  it('applies the shared defaults', () => {
    expect(readConnectionConfig(base)).toEqual({
      tableName: 'connections',
      broadcastShards: DEFAULT_BROADCAST_SHARDS,
      queryPageSize: undefined,
      connectionTtlSeconds: DEFAULT_CONNECTION_TTL_SECONDS,
      maxSubscriptions: DEFAULT_MAX_SUBSCRIPTIONS,
      allowedOrigins: [],
      maxMessagesPerMinute: 300,
    });
    expect(readPushConfig(push)).toMatchObject({
      callbackUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
      deliveryConcurrency: DEFAULT_DELIVERY_CONCURRENCY,
    });
  });

  it('reads the values it is given', () => {
    expect(readPushConfig({ ...push, [ENV.DELIVERY_CONCURRENCY]: '8', [ENV.BROADCAST_SHARDS]: '4', [ENV.QUERY_PAGE_SIZE]: '50' })).toMatchObject({
      deliveryConcurrency: 8,
      broadcastShards: 4,
      queryPageSize: 50,
    });
  });

  it.each([
    [{}, ENV.CONNECTIONS_TABLE, /is required/],
    [{ ...base, [ENV.MAX_SUBSCRIPTIONS]: 'ten' }, ENV.MAX_SUBSCRIPTIONS, /whole number/],
    [{ ...base, [ENV.MAX_SUBSCRIPTIONS]: '0' }, ENV.MAX_SUBSCRIPTIONS, /from 1/],
    [{ ...base, [ENV.CONNECTION_TTL_SECONDS]: '3600' }, ENV.CONNECTION_TTL_SECONDS, /from 7260/],
    [{ ...base, [ENV.BROADCAST_SHARDS]: '-1' }, ENV.BROADCAST_SHARDS, /whole number/],
  ])('names the bad variable: %j', (env, variable, message) => {
    const error = configError(() => readConnectionConfig(env));
    expect(error.key).toBe(variable);
    expect(error.code).toBe('InvalidConfig');
    expect(error.message).toMatch(new RegExp(`^${variable}: `));
    expect(error.message).toMatch(message);
  });

  it.each([
    [ENV.MAX_SUBSCRIPTIONS, 'maxSubscriptions', 1, MAX_MAX_SUBSCRIPTIONS],
    [ENV.CONNECTION_TTL_SECONDS, 'connectionTtlSeconds', MIN_CONNECTION_TTL_SECONDS, MAX_CONNECTION_TTL_SECONDS],
  ] as const)('accepts %s up to the bound the stack validates at synth, and not past it', (variable, setting, min, max) => {
    expect(readConnectionConfig({ ...base, [variable]: String(max) })[setting]).toBe(max);
    const error = configError(() => readConnectionConfig({ ...base, [variable]: String(max + 1) }));
    expect(error.key).toBe(variable);
    expect(error.message).toBe(`${variable}: must be from ${min} to ${max}, got ${max + 1}`);
  });

  it.each([
    [{ ...base, [ENV.DEAD_LETTER_QUEUE_URL]: 'https://q' }, ENV.CALLBACK_URL],
    [{ ...push, [ENV.CALLBACK_URL]: 'not a url' }, ENV.CALLBACK_URL],
    [{ ...push, [ENV.CALLBACK_URL]: 'wss://abc/prod' }, ENV.CALLBACK_URL],
    [{ ...push, [ENV.DEAD_LETTER_QUEUE_URL]: '' }, ENV.DEAD_LETTER_QUEUE_URL],
    [{ ...push, [ENV.DELIVERY_CONCURRENCY]: '100000' }, ENV.DELIVERY_CONCURRENCY],
  ])('validates the push settings: %j', (env, variable) => {
    expect(configError(() => readPushConfig(env)).key).toBe(variable);
  });

  it.each([
    [{}, 'info'],
    [{ [RUNTIME_ENV.LOG_LEVEL]: 'error' }, 'error'],
    [{ [RUNTIME_ENV.AWS_LAMBDA_LOG_LEVEL]: 'DEBUG', [RUNTIME_ENV.LOG_LEVEL]: 'error' }, 'debug'],
    [{ [RUNTIME_ENV.AWS_LAMBDA_LOG_LEVEL]: 'TRACE' }, 'info'],
  ])('reads the log level from %j', (env, level) => {
    expect(readLogLevel(env)).toBe(level);
  });

  it('reads the metrics namespace, with a default', () => {
    expect(readMetricsNamespace({})).toBe(DEFAULT_METRICS_NAMESPACE);
    expect(readMetricsNamespace({ [RUNTIME_ENV.POWERTOOLS_METRICS_NAMESPACE]: 'Team/Push' })).toBe('Team/Push');
  });

  it('once() reads a single time', () => {
    const read = jest.fn(() => ({ v: 1 }));
    const get = once(read);
    expect(get()).toBe(get());
    expect(read).toHaveBeenCalledTimes(1);
  });
});
