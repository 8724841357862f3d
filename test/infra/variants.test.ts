import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Function, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { ENV } from '../../shared/env';
import { PUSH_DETAIL_TYPE } from '../../shared/events';
import { InvalidConfigError } from '../../lib/config';
import { EventPush } from '../../lib/constructs/event-push';
import { NodeFunction } from '../../lib/constructs/node-function';
import { PushWebSocketApi } from '../../lib/constructs/websocket-api';
import { functionId, resourcesOf, statementsOf, synthTemplate } from './helpers';

const EXISTING = 'arn:aws:events:eu-west-1:123456789012:event-bus/orders';

describe('existing event bus', () => {
  const template = synthTemplate({ config: { existingEventBusArn: EXISTING } });

  test('creates no bus and puts the rule on the given one', () => {
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'orders',
      EventPattern: { 'detail-type': [PUSH_DETAIL_TYPE] },
    });
  });

  test('outputs the given bus', () => {
    template.hasOutput('EventBusName', { Value: 'orders' });
    template.hasOutput('EventBusArn', { Value: EXISTING });
  });
});

describe('configured stack', () => {
  const template = synthTemplate({
    config: {
      stageName: 'live',
      eventBusName: 'team-events',
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      deliveryConcurrency: 8,
      broadcastShards: 4,
      maxSubscriptions: 10,
      connectionTtlSeconds: 7260,
      logRetentionDays: 7,
      apiGatewayCloudWatchRole: false,
    },
  });
  const env = (prefix: string) =>
    resourcesOf(template, 'AWS::Lambda::Function')[functionId(template, prefix)].Properties.Environment.Variables;

  test('uses the stage name, throttling and bus name', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'team-events' });
    template.hasOutput('WebSocketUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['wss://', '/live'])] },
    });
  });

  test('scopes ManageConnections to the configured stage', () => {
    const statement = statementsOf(template, functionId(template, 'Pushes')).find((s) => s.Action === 'execute-api:ManageConnections');
    expect(JSON.stringify(statement!.Resource)).toContain('"/live/POST/@connections/*"');
  });

  test('passes the limits to the functions', () => {
    expect(env('WebSocket $connect')).toMatchObject({ [ENV.CONNECTION_TTL_SECONDS]: '7260', [ENV.BROADCAST_SHARDS]: '4' });
    expect(env('WebSocket $default')).toMatchObject({ [ENV.CONNECTION_TTL_SECONDS]: '7260', [ENV.MAX_SUBSCRIPTIONS]: '10' });
    expect(env('Pushes')).toMatchObject({ [ENV.DELIVERY_CONCURRENCY]: '8', [ENV.BROADCAST_SHARDS]: '4' });
  });

  test('applies the log retention to every log group', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    // connect, disconnect, default, push and fan-out worker functions, and the stage's access log.
    expect(groups).toHaveLength(6);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(7);
  });

  test('leaves the account-level API Gateway role alone when asked, still logging access', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: Match.objectLike({ Format: Match.anyValue() }) });
  });
});

describe('construct validation', () => {
  const fn = (stack: Stack, id: string) =>
    new Function(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler=1') });

  test('EventPush rejects a bus name with an existing bus', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
    expect(() => new EventPush(stack, 'Push', { eventBusName: 'x', existingEventBusArn: EXISTING })).toThrow(
      new InvalidConfigError(
        'eventBusName',
        'Invalid props: "eventBusName" and "existingEventBusArn" cannot be combined (no bus is created when an existing one is given); remove one of the two.',
      ),
    );
  });

  test('EventPush rejects out-of-range retries', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
    expect(() => new EventPush(stack, 'A', { deliveryRetryAttempts: 186 })).toThrow(
      'Invalid deliveryRetryAttempts 186. Expected an integer from 0 to 185, e.g. 8.',
    );
    expect(() => new EventPush(stack, 'B', { invokeRetryAttempts: 3 })).toThrow(
      'Invalid invokeRetryAttempts 3. Expected an integer from 0 to 2, e.g. 2.',
    );
  });

  test('PushWebSocketApi rejects an invalid stage name', () => {
    const stack = new Stack();
    expect(
      () =>
        new PushWebSocketApi(stack, 'Api', {
          connectHandler: fn(stack, 'C'),
          disconnectHandler: fn(stack, 'D'),
          defaultHandler: fn(stack, 'E'),
          stageName: 'a/b',
        }),
    ).toThrow('Invalid stageName "a/b". Expected 1 to 128 letters, digits, hyphens or underscores, e.g. \'prod\'.');
  });

  test('NodeFunction rejects a handler file that is not a plain name', () => {
    const stack = new Stack();
    expect(() => new NodeFunction(stack, 'F', { handlerFile: '../connect' })).toThrow(
      "Invalid handlerFile \"../connect\". Expected the kebab-case name of a file under lambdas/handlers/ without extension, e.g. 'connect'.",
    );
  });
});
