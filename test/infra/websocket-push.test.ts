import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../../lib/config';
import { WebSocketPush, type WebSocketPushProps } from '../../lib';
import { PushStack } from '../../lib/push-stack';
import { cdkJsonContext } from './helpers';

/** A bare stack of a user's app (no bundling: the assets are placeholders). */
function bareStack(): Stack {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'UserStack');
}

function userFunction(stack: Stack, id = 'Mine'): LambdaFunction {
  return new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({statusCode:200})') });
}

/** Resource types and their counts, the account-level ones aside. */
function resourceCounts(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(template.toJSON().Resources as Record<string, { Type: string }>)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return counts;
}

describe('WebSocketPush in a bare stack', () => {
  test('holds every resource of the standalone stack', () => {
    const stack = bareStack();
    new WebSocketPush(stack, 'Push');
    const standalone = new PushStack(new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } }), 'Standalone');
    expect(resourceCounts(Template.fromStack(stack))).toEqual(resourceCounts(Template.fromStack(standalone)));
  });

  test('exposes its resources, typed', () => {
    const stack = bareStack();
    const push = new WebSocketPush(stack, 'Push');
    const resolve = (v: string) => stack.resolve(v);
    expect(resolve(push.eventBus.eventBusName)).toEqual({ Ref: expect.stringMatching(/^PushEventPushBus/) });
    expect(resolve(push.connectionsTable.tableName)).toEqual({ Ref: expect.stringMatching(/^PushConnectionsTable/) });
    expect(resolve(push.webSocketApi.apiId)).toEqual({ Ref: expect.stringMatching(/^PushWebSocketApi/) });
    expect(push.webSocketStage.stageName).toBe('prod');
    expect(JSON.stringify(resolve(push.webSocketUrl))).toContain('wss://');
    expect(JSON.stringify(resolve(push.callbackUrl))).toContain('https://');
    expect(resolve(push.deadLetterQueue.queueUrl)).toEqual({ Ref: expect.stringMatching(/^PushEventPushDeadLetterQueue/) });
    for (const fn of [push.connectFunction, push.disconnectFunction, push.defaultFunction, push.pushFunction, push.fanoutWorkerFunction]) {
      expect(fn.runtime.name).toBe('nodejs24.x');
    }
    expect(push.authorizerFunction).toBeUndefined();
  });

  test('grantPublish allows PutEvents on its bus only', () => {
    const stack = bareStack();
    const push = new WebSocketPush(stack, 'Push');
    const mine = userFunction(stack);
    push.grantPublish(mine);
    const statements = new Capture();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(mine.role!.node.defaultChild as never) }],
      PolicyDocument: { Statement: statements },
    });
    expect(statements.asArray()).toEqual([
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PushEventPushBus/), 'Arn'] } },
    ]);
  });

  test('grantManageConnections allows posting to this stage\'s connections only', () => {
    const stack = bareStack();
    const push = new WebSocketPush(stack, 'Push', { stageName: 'live' });
    const mine = userFunction(stack);
    push.grantManageConnections(mine);
    const statements = new Capture();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(mine.role!.node.defaultChild as never) }],
      PolicyDocument: { Statement: statements },
    });
    const [statement] = statements.asArray();
    expect(statement.Action).toBe('execute-api:ManageConnections');
    expect(JSON.stringify(statement.Resource)).toMatch(/\/live\/POST\/@connections\/\*"/);
  });

  test('addRoute puts an app\'s own function on a route of the same API', () => {
    const stack = bareStack();
    const push = new WebSocketPush(stack, 'Push');
    const mine = userFunction(stack);
    const route = push.addRoute('chat', mine);
    expect(route.routeKey).toBe('chat');
    const template = Template.fromStack(stack);
    const target = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'chat', Target: target });
    const integrationId = (target.asObject()['Fn::Join'][1] as unknown[])[1] as { Ref: string };
    template.hasResource('AWS::ApiGatewayV2::Integration', {});
    const integration = template.findResources('AWS::ApiGatewayV2::Integration')[integrationId.Ref]!;
    expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(stack.getLogicalId(mine.node.defaultChild as never));
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [stack.getLogicalId(mine.node.defaultChild as never), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::RouteResponse', { RouteResponseKey: '$default' });
    // The stage is deployed after the route, so its first deployment already has it.
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^PushWebSocketApichatRoute/)]));
  });

  test.each([
    ['$custom', /keys starting with \$ are API Gateway's/],
    ['subscribe', /"subscribe" is an action of the push protocol \(subscribe, unsubscribe, ping, publish\), which \$default handles; choose another name/],
    ['', /expected 1 to 128 characters, e.g. 'chat'/],
  ])('addRoute refuses route key %p', (key, message) => {
    const stack = bareStack();
    const push = new WebSocketPush(stack, 'Push');
    expect(() => push.addRoute(key, userFunction(stack))).toThrow(message);
  });

  test('an existing bus: no bus is created, the rule is on the given one', () => {
    const stack = bareStack();
    const bus = new EventBus(stack, 'Orders', { eventBusName: 'orders' });
    const push = new WebSocketPush(stack, 'Push', { existingEventBus: bus });
    expect(push.eventBus).toBe(bus);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: stack.getLogicalId(bus.node.defaultChild as never) } });
  });

  test('an existing bus cannot be combined with a bus name', () => {
    const stack = bareStack();
    const bus = EventBus.fromEventBusName(stack, 'Orders', 'orders');
    expect(() => new WebSocketPush(stack, 'Push', { existingEventBus: bus, eventBusName: 'other' })).toThrow(
      'Invalid props: "existingEventBus" cannot be combined with "existingEventBusArn" or "eventBusName" (they name the same bus); keep one of them.',
    );
  });

  test('an existing table: no table is created, the grants are on the given one', () => {
    const stack = bareStack();
    const table = Table.fromTableName(stack, 'Registry', 'my-registry');
    const push = new WebSocketPush(stack, 'Push', { existingConnectionsTable: table });
    expect(push.connectionsTable).toBe(table);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    const json = JSON.stringify(template.toJSON());
    expect(json).toContain(':table/my-registry');
    expect(json).toContain(':table/my-registry/index/byAudience');
  });

  test('two instances side by side do not collide', () => {
    const stack = bareStack();
    new WebSocketPush(stack, 'Scores');
    new WebSocketPush(stack, 'Chat');
    const template = Template.fromStack(stack);
    const busNames = Object.values(template.findResources('AWS::Events::EventBus')).map((r) => r.Properties.Name);
    expect(busNames).toHaveLength(2);
    expect(new Set(busNames).size).toBe(2);
    for (const name of busNames) expect(name).toMatch(/^UserStack-(Scores|Chat)-/);
    const apiNames = Object.values(template.findResources('AWS::ApiGatewayV2::Api')).map((r) => r.Properties.Name);
    expect(new Set(apiNames).size).toBe(2);
    // API Gateway's CloudWatch role is one setting per account and region: set once.
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 2);
  });

  test('the standalone stack keeps the bus name websocket-push', () => {
    const stack = new PushStack(new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } }), 'WebSocketPush');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::EventBus', { Name: 'websocket-push' });
  });

  describe('custom domain', () => {
    const withDomain = (props: WebSocketPushProps = {}) => {
      const stack = bareStack();
      const certificate = Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
      const push = new WebSocketPush(stack, 'Push', { domainName: 'push.example.com', certificate, ...props });
      return { stack, push, template: Template.fromStack(stack) };
    };

    test('clients connect to wss://<domain>; the functions keep the stage\'s callback URL', () => {
      const { stack, push, template } = withDomain();
      expect(push.webSocketUrl).toBe('wss://push.example.com');
      template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: 'push.example.com',
        DomainNameConfigurations: [{ CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc', EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { DomainName: { Ref: Match.stringLikeRegexp('^PushDomain') }, Stage: 'prod' });
      const callback = JSON.stringify(stack.resolve(push.callbackUrl));
      expect(callback).toContain('execute-api');
      const env = new Capture();
      template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Pushes'), Environment: { Variables: env } });
      expect(JSON.stringify(env.asObject().CALLBACK_URL)).toContain('execute-api');
      template.resourceCountIs('AWS::Route53::RecordSet', 0);
    });

    test('with a hosted zone, an alias record', () => {
      const stack = bareStack();
      const zone = HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' });
      const certificate = Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
      new WebSocketPush(stack, 'Push', { domainName: 'push.example.com', certificate, hostedZone: zone });
      Template.fromStack(stack).hasResourceProperties('AWS::Route53::RecordSet', { Name: 'push.example.com.', Type: 'A', HostedZoneId: 'Z123' });
    });

    test.each([
      [{ domainName: 'push.example.com' }, 'Invalid props "certificate": missing. "domainName" "push.example.com" needs an ACM certificate'],
      [{ domainName: 'https://push.example.com' }, 'Invalid props "domainName": "https://push.example.com". Expected a host name without scheme or path'],
    ])('refuses %p', (props, message) => {
      const stack = bareStack();
      const certificate = props.domainName.startsWith('https') ? Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc') : undefined;
      expect(() => new WebSocketPush(stack, 'Push', { ...props, certificate })).toThrow(message);
    });

    test('a certificate without a domain is refused', () => {
      const stack = bareStack();
      const certificate = Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
      expect(() => new WebSocketPush(stack, 'Push', { certificate })).toThrow(
        'Invalid props "certificate": it has no effect without "domainName"; set domainName too, or remove certificate.',
      );
    });
  });

  describe('bad props fail the synth with exact messages', () => {
    test.each([
      [{ deliveryConcurrency: 0 }, 'Invalid config "deliveryConcurrency": 0. Expected an integer from 1 to 1000, e.g. { deliveryConcurrency: 64 }.'],
      [{ stageName: 'has space' }, /^Invalid config "stageName": "has space"\. Expected /],
      [{ authIsuser: 'https://id.example.com' }, 'Invalid props: unknown key "authIsuser"; did you mean "authIssuer"?'],
      [{ colour: 'red' }, /^Invalid props: unknown key "colour"\. Known keys: stageName, eventBusName, /],
    ])('%p', (props, message) => {
      expect(() => new WebSocketPush(bareStack(), 'Push', props as WebSocketPushProps)).toThrow(message);
      try {
        new WebSocketPush(bareStack(), 'Push', props as WebSocketPushProps);
      } catch (e) {
        expect(e).toMatchObject({ name: 'InvalidConfigError', code: 'InvalidConfig' });
      }
    });

    test('a mistyped context key names the key it resembles', () => {
      const app = new App({ context: { authIsuser: 'https://id.example.com', '@aws-cdk/core:newStyleStackSynthesis': true, myAppSetting: 'x' } });
      expect(() => readConfig(app.node)).toThrow(
        'Invalid context "authIsuser": not a configuration key; did you mean "authIssuer"? e.g. -c authIssuer=',
      );
    });
  });

  test('cdk-nag clean with an own route and a custom domain', () => {
    const stack = bareStack();
    const certificate = Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
    const push = new WebSocketPush(stack, 'Push', { domainName: 'push.example.com', certificate });
    push.addRoute('chat', userFunction(stack));
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    const errors = Annotations.fromStack(stack).findError('/UserStack/Push/*', Match.stringLikeRegexp('AwsSolutions-.*'));
    const warnings = Annotations.fromStack(stack).findWarning('/UserStack/Push/*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect([...errors, ...warnings].map((e) => `${e.id} ${String(e.entry.data).slice(0, 80)}`)).toEqual([]);
  });
});
