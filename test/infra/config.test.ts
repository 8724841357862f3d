import { App } from 'aws-cdk-lib';
import { PushError } from '../../shared/errors';
import { DEFAULT_EVENT_BUS_NAME } from '../../shared/events';
import {
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_MAX_SUBSCRIPTIONS,
  MIN_CONNECTION_TTL_SECONDS,
} from '../../shared/limits';
import { DEFAULT_CONFIG, InvalidConfigError, parseConfig, readConfig } from '../../lib/config';
import { PushStack } from '../../lib/push-stack';

const fromContext = (context: Record<string, unknown>) => readConfig((key) => context[key]);

describe('readConfig', () => {
  test('defaults when no context is given', () => {
    expect(readConfig(new App().node)).toEqual({
      stageName: 'prod',
      eventBusName: DEFAULT_EVENT_BUS_NAME,
      existingEventBusArn: undefined,
      connectionTtlSeconds: DEFAULT_CONNECTION_TTL_SECONDS,
      deliveryConcurrency: DEFAULT_DELIVERY_CONCURRENCY,
      deliveryMemorySize: 1152,
      broadcastShards: DEFAULT_BROADCAST_SHARDS,
      maxSubscriptions: DEFAULT_MAX_SUBSCRIPTIONS,
      throttlingRateLimit: 500,
      throttlingBurstLimit: 1000,
      logRetentionDays: 30,
      apiGatewayCloudWatchRole: true,
      authIssuer: undefined,
      authAudience: undefined,
      authJwksUrl: undefined,
      authJwks: undefined,
      authAlgorithms: ['RS256', 'ES256'],
      authChannelsClaim: 'channels',
      authPublishClaim: 'publish',
      authPresenceInfoClaim: 'info',
      presenceMaxMembers: 100,
      allowAnonymous: false,
      allowedOrigins: [],
      maxMessagesPerMinute: 300,
      replayWindowSeconds: 300,
      fanoutThreshold: 2000,
      fanoutBatchSize: 500,
      fanoutWorkerConcurrency: 50,
      clientMessages: true,
      lifecycleEvents: true,
      transport: 'apigateway',
    });
  });

  test('reads strings from -c and typed values from cdk.json, and ignores unknown keys', () => {
    const app = new App({
      context: {
        stageName: 'dev_1',
        deliveryConcurrency: '32',
        broadcastShards: 4,
        connectionTtlSeconds: '7260',
        throttlingRateLimit: '12.5',
        logRetentionDays: '7',
        apiGatewayCloudWatchRole: 'false',
        somethingElse: 'ignored',
      },
    });
    expect(readConfig(app.node)).toMatchObject({
      stageName: 'dev_1',
      deliveryConcurrency: 32,
      broadcastShards: 4,
      connectionTtlSeconds: MIN_CONNECTION_TTL_SECONDS,
      throttlingRateLimit: 12.5,
      logRetentionDays: 7,
      apiGatewayCloudWatchRole: false,
    });
  });

  test('accepts an existing bus ARN with the default bus name', () => {
    const arn = 'arn:aws:events:eu-west-1:123456789012:event-bus/orders';
    expect(fromContext({ existingEventBusArn: arn })).toMatchObject({ existingEventBusArn: arn });
  });

  const bad: Array<[string, unknown, string]> = [
    ['stageName', 'my stage', 'Invalid context "stageName": "my stage". Expected 1 to 128 letters, digits, hyphens or underscores, e.g. -c stageName=prod.'],
    ['stageName', 'x'.repeat(129), `Invalid context "stageName": "${'x'.repeat(129)}". Expected 1 to 128 letters, digits, hyphens or underscores, e.g. -c stageName=prod.`],
    ['eventBusName', 'bad/name', 'Invalid context "eventBusName": "bad/name". Expected 1 to 256 letters, digits, ".", "-" or "_", e.g. -c eventBusName=websocket-push.'],
    ['eventBusName', 'default', 'Invalid context "eventBusName": "default". Expected a name that is not "default" and does not start with "aws." (those buses cannot be created; pass an existing bus with existingEventBusArn instead), e.g. -c eventBusName=websocket-push.'],
    ['existingEventBusArn', 'orders', 'Invalid context "existingEventBusArn": "orders". Expected the ARN of an event bus, arn:<partition>:events:<region>:<account>:event-bus/<name>, e.g. -c existingEventBusArn=arn:aws:events:eu-west-1:123456789012:event-bus/orders.'],
    ['existingEventBusArn', 'arn:aws:sqs:eu-west-1:123456789012:queue', 'Invalid context "existingEventBusArn": "arn:aws:sqs:eu-west-1:123456789012:queue". Expected the ARN of an event bus, arn:<partition>:events:<region>:<account>:event-bus/<name>, e.g. -c existingEventBusArn=arn:aws:events:eu-west-1:123456789012:event-bus/orders.'],
    ['connectionTtlSeconds', '3600', 'Invalid context "connectionTtlSeconds": "3600". Expected an integer from 7260 to 604800 (a record must outlive API Gateway\'s 2-hour connection limit, because $disconnect is best-effort), e.g. -c connectionTtlSeconds=10800.'],
    ['deliveryConcurrency', 'abc', 'Invalid context "deliveryConcurrency": "abc". Expected an integer from 1 to 1000, e.g. -c deliveryConcurrency=64.'],
    ['deliveryConcurrency', '0', 'Invalid context "deliveryConcurrency": "0". Expected an integer from 1 to 1000, e.g. -c deliveryConcurrency=64.'],
    ['deliveryConcurrency', 1001, 'Invalid context "deliveryConcurrency": 1001. Expected an integer from 1 to 1000, e.g. -c deliveryConcurrency=64.'],
    ['broadcastShards', '2.5', 'Invalid context "broadcastShards": "2.5". Expected an integer from 1 to 1000, e.g. -c broadcastShards=16.'],
    ['maxSubscriptions', '1001', 'Invalid context "maxSubscriptions": "1001". Expected an integer from 1 to 1000, e.g. -c maxSubscriptions=100.'],
    ['throttlingRateLimit', 'fast', 'Invalid context "throttlingRateLimit": "fast". Expected a number of requests per second from 1 to 10000, e.g. -c throttlingRateLimit=500.'],
    ['throttlingBurstLimit', '5001', 'Invalid context "throttlingBurstLimit": "5001". Expected an integer from 1 to 5000, e.g. -c throttlingBurstLimit=1000.'],
    ['logRetentionDays', '10', 'Invalid context "logRetentionDays": "10". Expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, e.g. -c logRetentionDays=30.'],
    ['apiGatewayCloudWatchRole', 'yes', 'Invalid context "apiGatewayCloudWatchRole": "yes". Expected true or false, e.g. -c apiGatewayCloudWatchRole=false.'],
  ];
  test.each(bad)('rejects %s=%j with an exact message', (key, value, message) => {
    const read = () => fromContext({ [key]: value });
    expect(read).toThrow(InvalidConfigError);
    expect(read).toThrow(message);
    try {
      read();
    } catch (e) {
      expect(e).toBeInstanceOf(PushError);
      expect(e).toMatchObject({ name: 'InvalidConfigError', code: 'InvalidConfig', key, message });
    }
  });

  test('rejects an existing bus ARN together with a non-default bus name', () => {
    expect(() =>
      fromContext({ eventBusName: 'mine', existingEventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' }),
    ).toThrow(
      'Invalid context "eventBusName": "mine". It cannot be combined with "existingEventBusArn" (the stack creates no bus when it is given an existing one); remove one of the two.',
    );
  });
});

describe('parseConfig (stack props)', () => {
  test('merges over the defaults', () => {
    expect(parseConfig({ stageName: 'live' })).toEqual({ ...DEFAULT_CONFIG, stageName: 'live' });
  });

  test('words the fix for props', () => {
    expect(() => parseConfig({ deliveryConcurrency: 0 })).toThrow(
      'Invalid config "deliveryConcurrency": 0. Expected an integer from 1 to 1000, e.g. { deliveryConcurrency: 64 }.',
    );
    expect(() => parseConfig({ stageName: '' })).toThrow(
      "Invalid config \"stageName\": \"\". Expected 1 to 128 letters, digits, hyphens or underscores, e.g. { stageName: 'prod' }.",
    );
  });

  test('PushStack validates its config prop', () => {
    expect(() => new PushStack(new App(), 'Bad', { config: { maxSubscriptions: 0 } })).toThrow(
      'Invalid config "maxSubscriptions": 0. Expected an integer from 1 to 1000, e.g. { maxSubscriptions: 100 }.',
    );
  });
});
