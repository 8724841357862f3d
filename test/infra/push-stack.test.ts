import * as fs from 'fs';
import * as path from 'path';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { ENV } from '../../shared/env';
import { DEFAULT_EVENT_BUS_NAME, PUSH_DETAIL_TYPE } from '../../shared/events';
import {
  DEFAULT_BROADCAST_SHARDS,
  DEFAULT_CONNECTION_TTL_SECONDS,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_MAX_SUBSCRIPTIONS,
} from '../../shared/limits';
import { ROUTE_SELECTION_EXPRESSION } from '../../shared/protocol';
import { TABLE } from '../../shared/table-schema';
import { actionsOf, buildStack, functionId, resourcesOf, statementsOf } from './helpers';

let template: Template;
let assemblyDir: string;
let ids: { connect: string; disconnect: string; default: string; push: string };

beforeAll(() => {
  // Bundled once, as `cdk synth` does; every test reads this template.
  const { app, stack } = buildStack({ bundle: true });
  template = Template.fromStack(stack);
  assemblyDir = app.synth().directory;
  ids = {
    connect: functionId(template, 'WebSocket $connect'),
    disconnect: functionId(template, 'WebSocket $disconnect'),
    default: functionId(template, 'WebSocket $default'),
    push: functionId(template, 'Pushes'),
  };
});

const tableArn = () => ({ 'Fn::GetAtt': [Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'))[0], 'Arn'] });
const apiRef = () => ({ Ref: Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Api'))[0] });
const busId = () => Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0];
const fnArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
// The push path's dead-letter queue (the fan-out queues are tested in fanout.test.ts).
const queueId = () => Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).find((id) => id.startsWith('EventPushDeadLetterQueue'))!;

describe('WebSocket API', () => {
  test('is a WebSocket API selecting routes on the action field', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });
  });

  test.each([
    ['$connect', 'connect'],
    ['$disconnect', 'disconnect'],
    ['$default', 'default'],
  ] as const)('route %s integrates its Lambda function (proxy)', (routeKey, fn) => {
    const target = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { ApiId: apiRef(), RouteKey: routeKey, Target: target });
    const integrationId = (target.asObject()['Fn::Join'][1] as Array<{ Ref?: string }>).find((p) => p.Ref)!.Ref!;
    const integration = resourcesOf(template, 'AWS::ApiGatewayV2::Integration')[integrationId];
    expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', ApiId: apiRef() });
    expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(`"${ids[fn]}","Arn"`);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fnArn(ids[fn]),
      Principal: 'apigateway.amazonaws.com',
    });
  });

  test('only $default returns the integration response to the client', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      RouteResponseSelectionExpression: '$default',
    });
    for (const key of ['$connect', '$disconnect']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: key,
        RouteResponseSelectionExpression: Match.absent(),
      });
    }
    const defaultRouteId = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).find(
      ([, r]) => r.Properties.RouteKey === '$default',
    )![0];
    template.resourceCountIs('AWS::ApiGatewayV2::RouteResponse', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::RouteResponse', {
      ApiId: apiRef(),
      RouteId: { Ref: defaultRouteId },
      RouteResponseKey: '$default',
    });
  });

  test('the stage is auto-deployed, throttled and writes JSON access logs without bodies or tokens', () => {
    const format = new Capture();
    const logGroup = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: apiRef(),
      StageName: 'prod',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logGroup, 'Arn'] }, Format: format },
    });
    expect(JSON.parse(format.asString())).toEqual({
      requestId: '$context.requestId',
      connectionId: '$context.connectionId',
      eventType: '$context.eventType',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integration.error',
      requestTime: '$context.requestTime',
      ip: '$context.identity.sourceIp',
    });
    expect(format.asString()).not.toMatch(/body|header|querystring|authorization|token/i);
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroup.asString()].Properties).toMatchObject({
      RetentionInDays: 30,
    });
  });

  test('the stage waits for its routes and for the account-level CloudWatch role', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as { DependsOn: string[] };
    const routeIds = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
    const accountId = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Account'))[0];
    expect(stage.DependsOn).toEqual(expect.arrayContaining([...routeIds, accountId]));
  });

  test('sets the API Gateway account CloudWatch role, retained on delete', () => {
    const role = new Capture();
    template.hasResource('AWS::ApiGateway::Account', {
      Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [role, 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::IAM::Role', {
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
        ManagedPolicyArns: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] },
        ],
      }),
      DeletionPolicy: 'Retain',
    });
    expect(Object.keys(resourcesOf(template, 'AWS::IAM::Role'))).toContain(role.asString());
  });
});

describe('connections table', () => {
  test('has the keys, indexes and TTL of shared/table-schema.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE.sortKey, AttributeType: 'S' },
        { AttributeName: TABLE.audienceIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE.audienceIndex.sortKey, AttributeType: 'S' },
        { AttributeName: TABLE.broadcastIndex.partitionKey, AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [TABLE.audienceIndex, TABLE.broadcastIndex].map((ix) => ({
        IndexName: ix.name,
        KeySchema: [
          { AttributeName: ix.partitionKey, KeyType: 'HASH' },
          { AttributeName: ix.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  test('is destroyed with the stack (ephemeral registry)', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });
});

describe('event bus, rule and dead-letter queue', () => {
  test('creates the bus with its default name', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: DEFAULT_EVENT_BUS_NAME });
  });

  test('the rule matches the detail-type from any source and targets the push function with retries and a DLQ', () => {
    const busId = Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0];
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: { 'detail-type': [PUSH_DETAIL_TYPE] },
      State: 'ENABLED',
      Targets: [
        {
          Arn: fnArn(ids.push),
          Id: Match.anyValue(),
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
        },
      ],
    });
    const rule = Object.values(resourcesOf(template, 'AWS::Events::Rule'))[0];
    expect(rule.Properties.EventPattern.source).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fnArn(ids.push),
      Principal: 'events.amazonaws.com',
    });
  });

  test('the DLQ is encrypted, keeps messages 14 days and only accepts TLS', () => {
    // Three queues: this one, the fan-out queue and its dead-letter queue.
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  test('failed invocations of the push function end in the same DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.push },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId(), 'Arn'] } } },
    });
  });
});

describe('functions', () => {
  test.each(['connect', 'disconnect', 'default', 'push'] as const)('%s: Node.js 24 on arm64, JSON logs to its own log group', (fn) => {
    const props = resourcesOf(template, 'AWS::Lambda::Function')[ids[fn]].Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: fn === 'push' ? 1152 : 256,
      Timeout: fn === 'push' ? 60 : 10,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
    });
    expect(props.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    const logGroup = resourcesOf(template, 'AWS::Logs::LogGroup')[props.LoggingConfig.LogGroup.Ref];
    expect(logGroup.Properties.RetentionInDays).toBe(30);
  });

  test.each(['connect', 'disconnect', 'default', 'push'] as const)(
    '%s: bundled as one CommonJS file with the AWS SDK inside and a source map without sources',
    (fn) => {
      const s3Key = resourcesOf(template, 'AWS::Lambda::Function')[ids[fn]].Properties.Code.S3Key as string;
      const dir = path.join(assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`);
      expect(fs.readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
      const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
      expect(code).toMatch(/module\.exports|exports\.handler|__export/);
      // The SDK is bundled, not resolved at run time (its error strings may still mention optional packages).
      expect(code).not.toMatch(/require\(["'](@aws-sdk\/(client|lib)-|@smithy\/)/);
      const map = JSON.parse(fs.readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as { sourcesContent?: unknown };
      expect(map.sourcesContent).toBeUndefined();
    },
  );

  test('each function gets exactly the environment it needs', () => {
    const env = (fn: keyof typeof ids) => resourcesOf(template, 'AWS::Lambda::Function')[ids[fn]].Properties.Environment.Variables;
    const table = { Ref: Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'))[0] };
    const common = { NODE_OPTIONS: '--enable-source-maps', [ENV.CONNECTIONS_TABLE]: table };
    // Client messages and lifecycle events (both on by default) go to the stack's own bus.
    const stackEvents = { [ENV.STACK_EVENT_BUS]: { Ref: busId() }, [ENV.LIFECYCLE_EVENTS]: 'true' };
    const bus = { [ENV.STACK_EVENT_BUS]: { Ref: Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0] } };
    // What announcing presence changes takes: posting to the channel's subscribers, and the bus for the events.
    const announces = {
      ...bus,
      [ENV.BROADCAST_SHARDS]: String(DEFAULT_BROADCAST_SHARDS),
      [ENV.DELIVERY_CONCURRENCY]: String(DEFAULT_DELIVERY_CONCURRENCY),
      [ENV.CALLBACK_URL]: {
        'Fn::Join': ['', ['https://', apiRef(), '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod']],
      },
    };
    expect(env('connect')).toEqual({
      ...common,
      ...stackEvents,
      [ENV.CONNECTION_TTL_SECONDS]: String(DEFAULT_CONNECTION_TTL_SECONDS),
      [ENV.BROADCAST_SHARDS]: String(DEFAULT_BROADCAST_SHARDS),
    });
    expect(env('disconnect')).toEqual({ ...common, ...stackEvents, ...announces });
    expect(env('default')).toEqual({
      ...common,
      ...stackEvents,
      [ENV.CLIENT_MESSAGES]: 'true',
      [ENV.CONNECTION_TTL_SECONDS]: String(DEFAULT_CONNECTION_TTL_SECONDS),
      [ENV.MAX_SUBSCRIPTIONS]: String(DEFAULT_MAX_SUBSCRIPTIONS),
      [ENV.MAX_MESSAGES_PER_MINUTE]: '300',
      [ENV.REPLAY_WINDOW_SECONDS]: '300',
      [ENV.PRESENCE_MAX_MEMBERS]: '100',
      ...announces,
    });
    expect(env('push')).toEqual({
      ...common,
      [ENV.BROADCAST_SHARDS]: String(DEFAULT_BROADCAST_SHARDS),
      [ENV.DELIVERY_CONCURRENCY]: String(DEFAULT_DELIVERY_CONCURRENCY),
      [ENV.DEAD_LETTER_QUEUE_URL]: { Ref: queueId() },
      [ENV.FANOUT_QUEUE_URL]: { Ref: Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).find((id) => id.startsWith('FanoutQueue')) },
      [ENV.FANOUT_THRESHOLD]: '2000',
      [ENV.FANOUT_BATCH_SIZE]: '500',
      [ENV.REPLAY_WINDOW_SECONDS]: '300',
      [ENV.CALLBACK_URL]: {
        'Fn::Join': ['', ['https://', apiRef(), '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod']],
      },
      ...bus,
      // Presence events of a 410 are lifecycle events: the push path knows whether they are on.
      [ENV.LIFECYCLE_EVENTS]: 'true',
    });
  });

  test('no function uses an AWS managed policy; each may write to its own log group only', () => {
    for (const fn of Object.values(ids)) {
      const props = resourcesOf(template, 'AWS::Lambda::Function')[fn].Properties;
      const role = resourcesOf(template, 'AWS::IAM::Role')[props.Role['Fn::GetAtt'][0]];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const logs = statementsOf(template, fn).filter((s) => JSON.stringify(s.Action).includes('logs:'));
      expect(logs).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [props.LoggingConfig.LogGroup.Ref, 'Arn'] },
        },
      ]);
    }
  });
});

describe('IAM', () => {
  test('the push function, and $default and $disconnect (presence announcements), may post to connections, on <api>/<stage>/POST/@connections/* exactly', () => {
    const manage = (fn: string) => statementsOf(template, fn).filter((s) => JSON.stringify(s.Action).includes('execute-api'));
    for (const fn of [ids.default, ids.disconnect]) expect(manage(fn)).toEqual(manage(ids.push));
    expect(manage(ids.push)).toEqual([
      {
        Effect: 'Allow',
        Action: 'execute-api:ManageConnections',
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', apiRef(), '/prod/POST/@connections/*'],
          ],
        },
      },
    ]);
    expect(manage(ids.connect)).toEqual([]);
  });

  test('the route functions and the push path may put events on the stack\'s bus only', () => {
    const putEvents = (fn: string) => statementsOf(template, fn).filter((s) => JSON.stringify(s.Action).includes('events:'));
    // The push function and the workers put PresenceMemberRemoved when a push meets a member's 410.
    for (const fn of [ids.connect, ids.disconnect, ids.default, ids.push]) {
      expect(putEvents(fn)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId(), 'Arn'] } }]);
    }
  });

  test('with clientMessages and lifecycleEvents off, no route function may put events; with lifecycle only, all three may', () => {
    const putters = (config: { clientMessages: boolean; lifecycleEvents: boolean }) => {
      const t = Template.fromStack(buildStack({ config }).stack);
      return ['WebSocket $connect', 'WebSocket $disconnect', 'WebSocket $default'].filter((d) =>
        statementsOf(t, functionId(t, d)).some((st) => JSON.stringify(st.Action).includes('events:PutEvents')),
      );
    };
    // $default always may: a client publish is a WebSocketPush event on the bus.
    expect(putters({ clientMessages: false, lifecycleEvents: false })).toEqual(['WebSocket $default']);
    expect(putters({ clientMessages: true, lifecycleEvents: false })).toEqual(['WebSocket $default']);
    expect(putters({ clientMessages: false, lifecycleEvents: true })).toEqual(['WebSocket $connect', 'WebSocket $disconnect', 'WebSocket $default']);
  });

  const dynamo = (fn: string) => actionsOf(template, fn).filter((a) => a.startsWith('dynamodb:')).sort();

  test('table permissions follow need', () => {
    expect(dynamo(ids.connect)).toEqual(['dynamodb:PutItem']);
    // UpdateItem (and Query, DeleteItem): leaving presence channels before the connection's items go.
    expect([...new Set(dynamo(ids.disconnect))]).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // UpdateItem: the per-connection frame counter on the meta item (rate limit), read with its permissions.
    // BatchWriteItem: a presence announcement that meets a 410 removes the gone connection.
    expect([...new Set(dynamo(ids.default))]).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // PutItem/UpdateItem: the per-channel sequence counter and the replay history (grantSequenceChannels).
    // DeleteItem (and UpdateItem): a 410 takes the gone connection out of its presence channels.
    expect([...new Set(dynamo(ids.push))]).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  test('no grant that no code uses: single items are deleted only by unsubscribe and presence leaves; removals are batched', () => {
    // DeleteItem: $default (unsubscribe, leaving a presence channel), and the functions that take a closed or
    // gone connection out of its presence channels ($disconnect, the push path). Nothing else.
    const deleters = Object.entries(ids).filter(([, id]) => dynamo(id).includes('dynamodb:DeleteItem')).map(([name]) => name).sort();
    expect(deleters).toEqual(['default', 'disconnect', 'push']);
    expect(dynamo(ids.connect)).not.toContain('dynamodb:DeleteItem');
  });

  test('connect cannot delete and nobody can scan or use wildcard actions', () => {
    expect(dynamo(ids.connect).filter((a) => /Delete|BatchWrite/.test(a))).toEqual([]);
    for (const fn of Object.values(ids)) {
      const actions = actionsOf(template, fn);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    }
  });

  test('the push function queries both indexes by name; presence announcers the audience index only', () => {
    const indexStatements = (fn: string) =>
      statementsOf(template, fn).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
    expect(indexStatements(ids.push)).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: [TABLE.audienceIndex.name, TABLE.broadcastIndex.name].map((name) => ({
          'Fn::Join': ['', [tableArn(), `/index/${name}`]],
        })),
      },
    ]);
    expect(indexStatements(ids.connect)).toEqual([]);
    for (const fn of [ids.disconnect, ids.default]) {
      expect(indexStatements(fn)).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [tableArn(), `/index/${TABLE.audienceIndex.name}`]] } },
      ]);
    }
  });

  test('client publish and presence events: $default, $disconnect and the push path may put events on the stack\'s bus only', () => {
    const busId = Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0];
    const events = (fn: string) => statementsOf(template, fn).filter((s) => JSON.stringify(s.Action).includes('events:'));
    expect(events(ids.default)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } }]);
    // $connect too, for WebSocketConnected (lifecycle events are on by default).
    for (const fn of [ids.disconnect, ids.push, ids.connect]) expect(events(fn)).toEqual(events(ids.default));
    const env = resourcesOf(template, 'AWS::Lambda::Function')[ids.default].Properties.Environment.Variables;
    expect(env).toMatchObject({ [ENV.STACK_EVENT_BUS]: { Ref: busId }, [ENV.PRESENCE_MAX_MEMBERS]: '100' });
  });

  test('the push function may send to the DLQ', () => {
    expect(statementsOf(template, ids.push)).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: expect.arrayContaining(['sqs:SendMessage']),
        // With minimizePolicies the grant may share a statement with the fan-out queue's.
        Resource: expect.arrayContaining([{ 'Fn::GetAtt': [queueId(), 'Arn'] }]),
      }),
    );
  });
});

describe('outputs', () => {
  test('are stable and described', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(
      ['CallbackUrl', 'ConnectionsTableName', 'DeadLetterQueueArn', 'DeadLetterQueueUrl', 'EventBusArn', 'EventBusName', 'WebSocketUrl', 'FanoutQueueUrl', 'FanoutDeadLetterQueueUrl'].sort(),
    );
    for (const o of Object.values(outputs)) expect(o.Description).toEqual(expect.any(String));
    const busId = Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0];
    template.hasOutput('WebSocketUrl', {
      Value: { 'Fn::Join': ['', ['wss://', apiRef(), '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod']] },
    });
    template.hasOutput('CallbackUrl', {
      Value: { 'Fn::Join': ['', ['https://', apiRef(), '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod']] },
    });
    template.hasOutput('EventBusName', { Value: { Ref: busId } });
    template.hasOutput('EventBusArn', { Value: { 'Fn::GetAtt': [busId, 'Arn'] } });
    template.hasOutput('ConnectionsTableName', { Value: { Ref: Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'))[0] } });
    template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: queueId() } });
    template.hasOutput('DeadLetterQueueArn', { Value: { 'Fn::GetAtt': [queueId(), 'Arn'] } });
  });
});
