import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildSchema, execute, parse, validate, type GraphQLScalarType } from 'graphql';
import { InvalidConfigError, parseConfig, readConfig, type PushStackConfig } from '../../lib/config';
import { TransportMismatchError } from '../../lib/transport-error';
import { WebSocketPush } from '../../lib/websocket-push';
import { matchesPattern, validatePattern } from '../../local/eventbridge/pattern';
import { planAppSyncRelay } from '../../lambdas/core/appsync-relay';
import {
  APPSYNC_OUTPUTS,
  APPSYNC_RELAY_DETAIL_TYPE,
  APPSYNC_UNDELIVERABLE,
  appSyncSchema,
  PUSH_MUTATION_OPERATION,
  PUSH_RESOLVER_CODE,
} from '../../shared/appsync';
import { PUSH_DETAIL_TYPE, STACK_EVENT_SOURCE } from '../../shared/events';
import { actionsOf, buildStack, cdkJsonContext, resourcesOf, statementsOf } from './helpers';

const APPSYNC: Partial<PushStackConfig> = { transport: 'appsync' };
const OIDC: Partial<PushStackConfig> = { transport: 'appsync', authIssuer: 'https://id.example.com', authAudience: 'app-client' };

function template(config: Partial<PushStackConfig> = APPSYNC): Template {
  return Template.fromStack(buildStack({ config }).stack);
}

/** The one resource of `type` (logical id and properties). */
function only(t: Template, type: string): { id: string; props: Record<string, any> } {
  const found = Object.entries(resourcesOf(t, type));
  expect(found).toHaveLength(1);
  return { id: found[0]![0], props: found[0]![1].Properties };
}

/** The rules of the template, by a short name taken from their logical id. */
function rules(t: Template): Record<string, { id: string; props: Record<string, any> }> {
  const out: Record<string, { id: string; props: Record<string, any> }> = {};
  for (const [id, r] of Object.entries(resourcesOf(t, 'AWS::Events::Rule'))) {
    const name = /AppSync(\w+?)Rule[0-9A-F]{8}$/.exec(id)?.[1];
    if (name === undefined) throw new Error(`unexpected rule ${id}`);
    out[name] = { id, props: r.Properties };
  }
  return out;
}

/**
 * The schema as the `graphql` reference implementation sees it, with AppSync's scalars and directives
 * declared (AppSync defines them itself). `AWSJSON` takes "a JSON string"
 * (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html), parsed, as AWS's AppSync simulator
 * does it (amplify-cli, amplify-appsync-simulator/src/schema/appsync-scalars).
 */
function referenceSchema(text: string) {
  const schema = buildSchema(
    [
      'scalar AWSJSON',
      'directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION',
      'directive @aws_iam on OBJECT | FIELD_DEFINITION',
      'directive @aws_api_key on OBJECT | FIELD_DEFINITION',
      'directive @aws_oidc on OBJECT | FIELD_DEFINITION',
      text,
    ].join('\n'),
  );
  const awsJson = schema.getType('AWSJSON') as GraphQLScalarType;
  awsJson.parseValue = (value: unknown) => {
    if (typeof value !== 'string') throw new TypeError(`Unable to parse ${String(value)} as valid JSON.`);
    return JSON.parse(value) as unknown;
  };
  awsJson.serialize = (value: unknown) => JSON.stringify(value);
  return schema;
}

describe("transport 'appsync'", () => {
  const t = template();
  const api = only(t, 'AWS::AppSync::GraphQLApi');
  const dlq = only(t, 'AWS::SQS::Queue');
  const relay = only(t, 'AWS::Lambda::Function');

  test('has the AppSync API, the bus, the rules, the relay function and the dead-letter queue, and no API Gateway or table', () => {
    const counts: Record<string, number> = {};
    for (const r of Object.values(t.toJSON().Resources as Record<string, { Type: string }>)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    expect(counts).toEqual({
      'AWS::Events::EventBus': 1,
      'AWS::AppSync::GraphQLApi': 1,
      'AWS::AppSync::GraphQLSchema': 1,
      'AWS::AppSync::ApiKey': 1,
      'AWS::AppSync::DataSource': 1,
      'AWS::AppSync::Resolver': 1,
      'AWS::Logs::LogGroup': 2,
      'AWS::IAM::Role': 3,
      'AWS::IAM::Policy': 3,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Lambda::Permission': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      'AWS::Events::Rule': 4,
      'AWS::CloudWatch::Alarm': 2,
    });
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'websocket-push' });
  });

  test('the API: API key by default, IAM as the additional mode, error logging with its own role, public endpoint', () => {
    expect(api.props).toEqual({
      Name: 'WebSocketPush',
      AuthenticationType: 'API_KEY',
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      LogConfig: { CloudWatchLogsRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/LogsRole/), 'Arn'] }, FieldLogLevel: 'ERROR', ExcludeVerboseContent: true },
      XrayEnabled: false,
    });
    // EventBridge's AppSync target supports public APIs only.
    expect(api.props.Visibility ?? 'GLOBAL').toBe('GLOBAL');
    const logsRoleId = api.props.LogConfig.CloudWatchLogsRoleArn['Fn::GetAtt'][0];
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'appsync.amazonaws.com' } }] },
    });
    const logGroups = Object.entries(resourcesOf(t, 'AWS::Logs::LogGroup')).filter(([id]) => id.startsWith('AppSyncLogGroup'));
    expect(logGroups).toHaveLength(1);
    const logGroup = { id: logGroups[0]![0], props: logGroups[0]![1].Properties };
    expect(logGroup.props).toEqual({
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [api.id, 'ApiId'] }]] },
      RetentionInDays: 30,
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logsRoleId }],
      PolicyDocument: {
        Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup.id, 'Arn'] } }],
      },
    });
  });

  test('the API key expires in a year, rounded down to a whole day', () => {
    const key = only(t, 'AWS::AppSync::ApiKey').props;
    expect(key.ApiId).toEqual({ 'Fn::GetAtt': [api.id, 'ApiId'] });
    const day = 86_400;
    const now = Date.now() / 1000;
    expect(key.Expires % day).toBe(0);
    expect(key.Expires).toBeGreaterThan(now + 364 * day);
    expect(key.Expires).toBeLessThanOrEqual(now + 365 * day);
  });

  test('the schema has the fixed names, IAM-only push, and the client mode on Message and onPush', () => {
    const schema = only(t, 'AWS::AppSync::GraphQLSchema').props.Definition as string;
    expect(schema).toBe(appSyncSchema(['API_KEY']));
    for (const line of [
      'type Message @aws_iam @aws_api_key {',
      '  channel: String!',
      '  id: ID!',
      '  data: AWSJSON!',
      '  push(channel: String!, id: ID!, data: AWSJSON!): Message @aws_iam',
      '  onPush(channel: String!): Message @aws_subscribe(mutations: ["push"]) @aws_api_key',
      'type Query {',
    ]) {
      expect(schema.split('\n')).toContain(line);
    }
  });

  test('the mutation operation EventBridge runs, and a client subscription, are valid against the schema', () => {
    const schema = referenceSchema(only(t, 'AWS::AppSync::GraphQLSchema').props.Definition);
    expect(validate(schema, parse(PUSH_MUTATION_OPERATION))).toEqual([]);
    expect(validate(schema, parse('subscription S($c: String!) { onPush(channel: $c) { channel id data } }'))).toEqual([]);
    expect(validate(schema, parse('mutation { push(channel: "a", id: "1") { id } }')).map((e) => e.message)).toEqual([
      'Field "push" argument "data" of type "AWSJSON!" is required, but it was not provided.',
    ]);
  });

  test('Mutation.push resolves on a NONE data source with the shared APPSYNC_JS code, which returns its arguments', () => {
    const source = only(t, 'AWS::AppSync::DataSource').props;
    expect(source).toEqual({ ApiId: { 'Fn::GetAtt': [api.id, 'ApiId'] }, Name: 'None', Type: 'NONE', Description: expect.any(String) });
    expect(only(t, 'AWS::AppSync::Resolver').props).toEqual({
      ApiId: { 'Fn::GetAtt': [api.id, 'ApiId'] },
      TypeName: 'Mutation',
      FieldName: 'push',
      Kind: 'UNIT',
      DataSourceName: 'None',
      Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
      Code: PUSH_RESOLVER_CODE,
    });
    // The handlers as AppSync calls them (the module's exports, evaluated without imports).
    const module = new Function(`${PUSH_RESOLVER_CODE.replace(/^export /gm, '')}\nreturn { request, response };`)() as {
      request(ctx: unknown): { payload: unknown };
      response(ctx: unknown): unknown;
    };
    const args = { channel: 'news', id: 'e-1', data: { headline: 'hi' } };
    const { payload } = module.request({ arguments: args });
    expect(payload).toEqual(args);
    expect(module.response({ arguments: args, result: payload })).toEqual(args);
  });

  test('the push rule sends every push without a user or connection audience to the relay, with retries and the dead-letter queue', () => {
    const r = rules(t);
    expect(Object.keys(r).sort()).toEqual(['Mutation', 'Push', 'UndeliverableConnectionId', 'UndeliverableUserId']);
    expect(r.Push!.props.EventPattern).toEqual({
      'detail-type': [PUSH_DETAIL_TYPE],
      detail: { userId: [{ exists: false }], connectionId: [{ exists: false }] },
    });
    expect(r.Push!.props.EventBusName).toEqual({ Ref: only(t, 'AWS::Events::EventBus').id });
    expect(r.Push!.props.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [relay.id, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq.id, 'Arn'] } },
      },
    ]);
  });

  test('the relay puts on its own bus and sends to the dead-letter queue, and nothing else; its failures go to the queue too', () => {
    expect(relay.props.Environment.Variables).toEqual({
      STACK_EVENT_BUS: { Ref: only(t, 'AWS::Events::EventBus').id },
      DEAD_LETTER_QUEUE_URL: { Ref: dlq.id },
      NODE_OPTIONS: '--enable-source-maps',
    });
    // (and writing its own log group, as every NodeFunction)
    expect(actionsOf(t, relay.id).sort()).toEqual([
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const relayLogGroup = Object.keys(resourcesOf(t, 'AWS::Logs::LogGroup')).find((id) => id.startsWith('AppSyncRelayFunction'));
    for (const s of statementsOf(t, relay.id)) {
      expect([
        { 'Fn::GetAtt': [only(t, 'AWS::Events::EventBus').id, 'Arn'] },
        { 'Fn::GetAtt': [dlq.id, 'Arn'] },
        { 'Fn::GetAtt': [relayLogGroup, 'Arn'] },
      ]).toContainEqual(s.Resource);
    }
    expect(only(t, 'AWS::Lambda::EventInvokeConfig').props).toMatchObject({
      FunctionName: { Ref: relay.id },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq.id, 'Arn'] } } },
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [relay.id, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [rules(t).Push!.id, 'Arn'] },
    });
  });

  test("the mutation rule's target is the API's GraphQL endpoint with the mutation, the relayed detail as variables, retries and the dead-letter queue", () => {
    const mutation = rules(t).Mutation!.props;
    expect(mutation.EventPattern).toEqual({ source: [STACK_EVENT_SOURCE], 'detail-type': [APPSYNC_RELAY_DETAIL_TYPE] });
    expect(mutation.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [api.id, 'GraphQLEndpointArn'] },
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/EventsRole/), 'Arn'] },
        AppSyncParameters: { GraphQLOperation: PUSH_MUTATION_OPERATION },
        // No input template: EventBridge would insert the JSON-encoded data without escaping it.
        InputPath: '$.detail',
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq.id, 'Arn'] } },
      },
    ]);
  });

  test("the relayed detail is what the mutation's variables need; the raw detail's object data is not", () => {
    const detail = { channel: 'news', data: { headline: 'hi' } };
    const plan = planAppSyncRelay({ id: 'e-1', detail });
    expect(plan).toEqual({ kind: 'relay', variables: { channel: 'news', id: 'e-1', data: '{"headline":"hi"}' } });
    const schema = referenceSchema(only(t, 'AWS::AppSync::GraphQLSchema').props.Definition);
    const run = (variableValues: Record<string, unknown>) =>
      execute({ schema, document: parse(PUSH_MUTATION_OPERATION), variableValues, rootValue: { push: (args: unknown) => args } }) as {
        data?: unknown;
        errors?: Array<{ message: string }>;
      };
    expect(run((plan as Extract<typeof plan, { kind: 'relay' }>).variables as unknown as Record<string, unknown>)).toEqual({
      data: { push: { channel: 'news', id: 'e-1', data: '{"headline":"hi"}' } },
    });
    // What an input template would hand AppSync: the data as an object, which AWSJSON refuses.
    expect(run({ ...detail, id: 'e-1' }).errors?.map((e) => e.message)).toEqual([
      'Variable "$data" got invalid value { headline: "hi" }; Expected type "AWSJSON". Unable to parse [object Object] as valid JSON.',
    ]);
  });

  test("EventBridge's role may run exactly the push mutation field, nothing else", () => {
    const roleId = rules(t).Mutation!.props.Targets[0].RoleArn['Fn::GetAtt'][0] as string;
    expect(resourcesOf(t, 'AWS::IAM::Role')[roleId]!.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } }],
    });
    const policies = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as Array<{ Ref: string }>).some((ref) => ref.Ref === roleId),
    );
    expect(policies.map((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      [
        {
          Action: 'appsync:GraphQL',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [api.id, 'Arn'] }, '/types/Mutation/fields/push']] },
        },
      ],
    ]);
  });

  test('user and connection pushes have a rule each that puts the event on the dead-letter queue with its reason and code', () => {
    const r = rules(t);
    const expected: Record<string, { detail: Record<string, unknown>; entry: (typeof APPSYNC_UNDELIVERABLE)[keyof typeof APPSYNC_UNDELIVERABLE] }> = {
      UndeliverableUserId: { detail: { userId: [{ exists: true }] }, entry: APPSYNC_UNDELIVERABLE.userId },
      UndeliverableConnectionId: { detail: { connectionId: [{ exists: true }] }, entry: APPSYNC_UNDELIVERABLE.connectionId },
    };
    for (const [name, { detail, entry }] of Object.entries(expected)) {
      expect(r[name]!.props.EventPattern).toEqual({ 'detail-type': [PUSH_DETAIL_TYPE], detail });
      const target = r[name]!.props.Targets[0];
      expect(target).toEqual({ Id: 'Target0', Arn: { 'Fn::GetAtt': [dlq.id, 'Arn'] }, InputTransformer: expect.anything() });
      expect(target.InputTransformer.InputPathsMap).toEqual({ f1: '$' });
      // What the queue receives, for an event, once EventBridge has filled the template in.
      const event = { id: 'e-1', 'detail-type': PUSH_DETAIL_TYPE, detail: { userId: 'u-1', data: 1 } };
      const body = JSON.parse((target.InputTransformer.InputTemplate as string).replace('<f1>', JSON.stringify(event)));
      expect(body).toEqual({ reason: entry.reason, code: entry.code, event });
    }
  });

  test("the dead-letter queue's policy lets only these four rules send to it, and refuses plain HTTP", () => {
    const policy = only(t, 'AWS::SQS::QueuePolicy').props;
    expect(policy.Queues).toEqual([{ Ref: dlq.id }]);
    const statements = policy.PolicyDocument.Statement as Array<Record<string, any>>;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => s.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0]).sort()).toEqual(Object.values(rules(t)).map((r) => r.id).sort());
    for (const s of allows) {
      expect(s.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect([s.Action].flat()).toContain('sqs:SendMessage');
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [dlq.id, 'Arn'] });
    }
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      { Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny', Principal: { AWS: '*' }, Resource: { 'Fn::GetAtt': [dlq.id, 'Arn'] } },
    ]);
  });

  describe('the rule patterns, run by the local cloud’s EventBridge matcher', () => {
    const patterns = Object.fromEntries(Object.entries(rules(t)).map(([name, r]) => [name, r.props.EventPattern]));
    const routed = (detail: Record<string, unknown>) =>
      Object.keys(patterns)
        .filter((name) => matchesPattern(patterns[name], { id: 'e-1', source: 'shop', 'detail-type': PUSH_DETAIL_TYPE, detail }))
        .sort();

    test('are valid EventBridge patterns', () => {
      for (const pattern of Object.values(patterns)) expect(() => validatePattern(pattern)).not.toThrow();
    });

    test.each<[string, Record<string, unknown>, string[]]>([
      ['a channel push', { channel: 'news', data: { headline: 'hi' } }, ['Push']],
      ['a channel push with id and from', { channel: 'news', id: 'm-1', from: { userId: 'u' }, data: 1 }, ['Push']],
      ['a broadcast', { broadcast: true, data: 'hello' }, ['Push']],
      ['a user push', { userId: 'u-1', data: 1 }, ['UndeliverableUserId']],
      ['a connection push with replyTo', { connectionId: 'c-1', replyTo: 'r-1', data: 1 }, ['UndeliverableConnectionId']],
      ['a channel with a user: undeliverable as a user push', { channel: 'news', userId: 'u-1', data: 1 }, ['UndeliverableUserId']],
      ['no audience (the relay dead-letters it)', { data: 1 }, ['Push']],
      ['a userId that is not a string (the relay dead-letters it)', { userId: { id: 1 }, data: 1 }, ['Push']],
    ])('%s goes to %j', (_name, detail, expected) => {
      expect(routed(detail)).toEqual(expected);
    });

    test('the relayed event goes to the mutation rule only', () => {
      const relayed = { id: 'e-2', source: STACK_EVENT_SOURCE, 'detail-type': APPSYNC_RELAY_DETAIL_TYPE, detail: { channel: 'news', id: 'e-1', data: '1' } };
      expect(Object.keys(patterns).filter((name) => matchesPattern(patterns[name], relayed))).toEqual(['Mutation']);
    });

    test('other detail types match none of them', () => {
      expect(Object.values(patterns).some((p) => matchesPattern(p, { 'detail-type': 'WebSocketMessage', detail: { channel: 'news' } }))).toBe(false);
    });
  });

  test('outputs the GraphQL URL, the real-time URL, the API id and the API key id, and none of the API Gateway outputs', () => {
    const outputs = t.toJSON().Outputs as Record<string, { Value: unknown }>;
    const keyId = only(t, 'AWS::AppSync::ApiKey').id;
    expect(Object.keys(outputs).sort()).toEqual(
      [...Object.values(APPSYNC_OUTPUTS), 'EventBusName', 'EventBusArn', 'DeadLetterQueueUrl', 'DeadLetterQueueArn'].sort(),
    );
    expect(outputs[APPSYNC_OUTPUTS.graphqlUrl]!.Value).toEqual({ 'Fn::GetAtt': [api.id, 'GraphQLUrl'] });
    expect(outputs[APPSYNC_OUTPUTS.realtimeUrl]!.Value).toEqual({ 'Fn::GetAtt': [api.id, 'RealtimeUrl'] });
    expect(outputs[APPSYNC_OUTPUTS.apiId]!.Value).toEqual({ 'Fn::GetAtt': [api.id, 'ApiId'] });
    expect(outputs[APPSYNC_OUTPUTS.apiKeyId]!.Value).toEqual({ 'Fn::GetAtt': [keyId, 'ApiKeyId'] });
  });

  test("alarms on the dead-letter queue and on the relay's errors", () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.id, 'QueueName'] } }],
      Threshold: 1,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: relay.id } }],
      Threshold: 1,
    });
  });
});

describe("transport 'appsync' with an OIDC issuer", () => {
  test('clients authorize with the issuer’s tokens (no API key), EventBridge with IAM', () => {
    const t = template(OIDC);
    expect(only(t, 'AWS::AppSync::GraphQLApi').props).toMatchObject({
      AuthenticationType: 'OPENID_CONNECT',
      OpenIDConnectConfig: { Issuer: 'https://id.example.com', ClientId: 'app-client' },
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
    });
    t.resourceCountIs('AWS::AppSync::ApiKey', 0);
    expect(Object.keys(t.toJSON().Outputs)).not.toContain(APPSYNC_OUTPUTS.apiKeyId);
    const schema = only(t, 'AWS::AppSync::GraphQLSchema').props.Definition as string;
    expect(schema).toBe(appSyncSchema(['OPENID_CONNECT']));
    expect(schema).toContain('type Message @aws_iam @aws_oidc {');
    expect(schema).toContain('onPush(channel: String!): Message @aws_subscribe(mutations: ["push"]) @aws_oidc');
    expect(validate(referenceSchema(schema), parse(PUSH_MUTATION_OPERATION))).toEqual([]);
  });

  test('allowAnonymous adds the API key as a client mode', () => {
    const t = template({ ...OIDC, allowAnonymous: true });
    expect(only(t, 'AWS::AppSync::GraphQLApi').props).toMatchObject({
      AuthenticationType: 'OPENID_CONNECT',
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'API_KEY' }, { AuthenticationType: 'AWS_IAM' }],
    });
    t.resourceCountIs('AWS::AppSync::ApiKey', 1);
    expect(only(t, 'AWS::AppSync::GraphQLSchema').props.Definition).toContain('type Message @aws_iam @aws_oidc @aws_api_key {');
  });
});

describe('the transport key', () => {
  test('defaults to apigateway', () => {
    expect(parseConfig({}).transport).toBe('apigateway');
  });

  test.each<[string, () => unknown, string]>([
    [
      'context',
      () => readConfig((key) => ({ transport: 'graphql' })[key]),
      'Invalid context "transport": "graphql". Expected "apigateway" (API Gateway WebSocket API) or "appsync" (AppSync GraphQL subscriptions), e.g. -c transport=appsync.',
    ],
    [
      'props',
      () => parseConfig({ transport: 'AppSync' }),
      'Invalid config "transport": "AppSync". Expected "apigateway" (API Gateway WebSocket API) or "appsync" (AppSync GraphQL subscriptions), e.g. { transport: \'appsync\' }.',
    ],
  ])('a bad value (%s) fails with the exact message', (_origin, read, message) => {
    expect(read).toThrow(new InvalidConfigError('transport', message));
    try {
      read();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidConfigError);
      expect((e as InvalidConfigError).key).toBe('transport');
    }
  });

  test('-c transport=appsync builds the AppSync transport', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], transport: 'appsync' } });
    const stack = new Stack(app, 'S');
    new WebSocketPush(stack, 'Push', readConfig(app.node));
    Template.fromStack(stack).resourceCountIs('AWS::AppSync::GraphQLApi', 1);
  });
});

describe('the WebSocketPush construct with appsync', () => {
  const make = () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
    return { stack, push: new WebSocketPush(stack, 'Push', { transport: 'appsync' }) };
  };

  test('grantPublish allows events:PutEvents on its bus', () => {
    const { stack, push } = make();
    const role = new iam.Role(stack, 'Publisher', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    push.grantPublish(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Publisher') }],
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('PushBus'), 'Arn'] } }] },
    });
    expect(push.appSync?.eventsRole).toBeDefined();
  });

  test.each<[string, (push: WebSocketPush, stack: Stack) => unknown]>([
    ['addRoute', (push, stack) => push.addRoute('chat', lambda.Function.fromFunctionName(stack, 'Chat', 'chat'))],
    ['grantManageConnections', (push, stack) => push.grantManageConnections(new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }))],
    ['webSocketApi', (push) => push.webSocketApi],
    ['connectionsTable', (push) => push.connectionsTable],
    ['pushFunction', (push) => push.pushFunction],
  ])('%s throws a TransportMismatchError', (member, use) => {
    const { stack, push } = make();
    let error: unknown;
    try {
      use(push, stack);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TransportMismatchError);
    expect(error).toMatchObject({ name: 'TransportMismatchError', code: 'TransportMismatch', member, transport: 'appsync' });
    expect((error as Error).message).toBe(
      `WebSocketPush.${member} exists only with transport 'apigateway'; this construct uses 'appsync' (an AppSync API: see its appSync member). ` +
        "Publish with grantPublish and eventBus, which work on both, or set transport: 'apigateway'.",
    );
  });

  test('the optional API Gateway members are simply absent', () => {
    const { push } = make();
    expect(push.authorizerFunction).toBeUndefined();
    expect(push.customDomain).toBeUndefined();
  });

  test('API Gateway resource props are refused', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new WebSocketPush(stack, 'Push', { transport: 'appsync', domainName: 'push.example.com' })).toThrow(
      new InvalidConfigError(
        'domainName',
        "Invalid props \"domainName\": it has no effect with transport 'appsync' (no connections table and no WebSocket API); remove domainName, or set transport: 'apigateway'.",
      ),
    );
  });

  test('an existing bus by ARN gets the rules, and no bus is created', () => {
    const stack = new Stack(new App(), 'S');
    new WebSocketPush(stack, 'Push', { transport: 'appsync', existingEventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Events::EventBus', 0);
    for (const r of Object.values(resourcesOf(t, 'AWS::Events::Rule'))) expect(r.Properties.EventBusName).toBe('orders');
  });
});

describe('cdk-nag AwsSolutions on the AppSync transport', () => {
  test.each<[string, Partial<PushStackConfig>]>([
    ['API key', APPSYNC],
    ['OIDC', OIDC],
    ['alarms to an email', { ...APPSYNC, alarmEmail: 'ops@example.com' }],
  ])('%s: no unsuppressed error and no warning; only the expected suppressions', (_name, config) => {
    const { app, stack } = buildStack({ config });
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    const suppressed = stack.node
      .findAll()
      .filter((c): c is CfnResource => c instanceof CfnResource)
      .flatMap((c) =>
        ((c.getMetadata('cdk_nag') as { rules_to_suppress?: Array<{ id: string; reason: string }> } | undefined)?.rules_to_suppress ?? []).map(
          (r) => ({ path: c.node.path, id: r.id, reason: r.reason }),
        ),
      );
    expect(suppressed.map((s) => `${s.path} ${s.id}`).sort()).toEqual(
      [
        'WebSocketPush/Default/AppSync/Api/Resource AwsSolutions-ASC3',
        'WebSocketPush/Default/AppSync/DeadLetterQueue/Resource AwsSolutions-SQS3',
        ...(config.alarmEmail !== undefined ? ['WebSocketPush/Default/AlarmTopic/Resource AwsSolutions-SNS2'] : []),
      ].sort(),
    );
    for (const s of suppressed) expect(s.reason.length).toBeGreaterThan(40);
  });
});
