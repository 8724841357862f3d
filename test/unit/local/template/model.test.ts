import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStack, type CfnTemplate } from '../../../../local/template/assembly';
import { TemplateError } from '../../../../local/template/errors';
import { IntrinsicResolver } from '../../../../local/template/intrinsics';
import { buildModel } from '../../../../local/template/model';

const urls = { gateway: 'http://127.0.0.1:3001', aws: 'http://127.0.0.1:3002' };

function assembly(template: CfnTemplate): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-test-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } }));
  writeFileSync(join(dir, 'S.template.json'), JSON.stringify(template));
  return dir;
}

const fn = (env: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 7, Environment: { Variables: env } },
  Metadata: { 'aws:asset:path': 'asset.abc', 'aws:asset:property': 'Code' },
});

describe('intrinsics', () => {
  const template: CfnTemplate = {
    Resources: {
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET' } },
      Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { StageName: 'dev', ApiId: { Ref: 'Api' } } },
      Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs' } },
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'b' } },
    },
    Parameters: { P: { Default: 'pv' } },
  };
  const r = new IntrinsicResolver(template, 'S', urls);

  it('resolves Ref, GetAtt, Join, Sub, Select, Split and pseudo parameters', () => {
    expect(r.resolve({ Ref: 'Q' }, 'x')).toBe('http://127.0.0.1:3002/000000000000/jobs');
    expect(r.resolve({ 'Fn::GetAtt': ['Q', 'Arn'] }, 'x')).toBe('arn:aws:sqs:us-east-1:000000000000:jobs');
    expect(r.resolve({ 'Fn::GetAtt': 'Bus.Name' }, 'x')).toBe('b');
    expect(r.resolve({ 'Fn::Sub': '${AWS::Region}/${P}/${Bus.Arn}/${!Literal}' }, 'x')).toBe('us-east-1/pv/arn:aws:events:us-east-1:000000000000:event-bus/b/${Literal}');
    expect(r.resolve({ 'Fn::Sub': ['${A}-${AWS::AccountId}', { A: { Ref: 'Stage' } }] }, 'x')).toBe('dev-000000000000');
    expect(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, 'x')).toBe('b');
    expect(r.resolve({ a: { Ref: 'AWS::NoValue' }, b: 1 }, 'x')).toEqual({ b: 1 });
  });

  it('rewrites execute-api URLs to the local gateway', () => {
    const callback = { 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: 'Stage' }]] };
    expect(r.resolve(callback, 'x')).toBe('http://127.0.0.1:3001/dev');
    const wss = { 'Fn::Join': ['', ['wss://', { Ref: 'Api' }, '.execute-api.us-east-1.amazonaws.com/dev']] };
    expect(r.resolve(wss, 'x')).toBe('ws://127.0.0.1:3001/dev');
  });

  it('names the resource when a Ref cannot be resolved', () => {
    expect(() => r.resolve({ Ref: 'Nope' }, 'MyFunction')).toThrow('MyFunction: Ref to "Nope", which is neither a resource nor a parameter of the template.');
    expect(() => r.resolve({ 'Fn::ImportValue': 'x' }, 'MyFunction')).toThrow('MyFunction: the intrinsic Fn::ImportValue is not supported by the local cloud.');
  });
});

describe('buildModel', () => {
  it('refuses a function it cannot run, naming it', () => {
    const dir = assembly({ Resources: { PyFn: { ...fn(), Properties: { Runtime: 'python3.12', Handler: 'app.handler' } } } });
    expect(() => buildModel(readStack(dir), urls)).toThrow(
      new TemplateError('runtime "python3.12" cannot run locally; the local cloud runs Node.js functions (nodejs*.x).', 'PyFn'),
    );
  });

  it('refuses inline code, naming the function', () => {
    const dir = assembly({ Resources: { Inline: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Code: { ZipFile: 'x' } } } } });
    expect(() => buildModel(readStack(dir), urls)).toThrow(/^Inline: its code is not a local asset/);
  });

  it('refuses a scheduled rule, naming it', () => {
    const dir = assembly({ Resources: { Cron: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)' } } } });
    expect(() => buildModel(readStack(dir), urls)).toThrow('Cron: scheduled rules are not run locally; the rule needs an EventPattern.');
  });

  it('says when there is no assembly', () => {
    expect(() => readStack('/nonexistent')).toThrow('no cloud assembly at /nonexistent (manifest.json is missing). Run `npx cdk synth` first.');
  });

  it('reads functions with their async settings, rules with their targets, queues with their redrive policy', () => {
    const dir = assembly({
      Resources: {
        Fn: fn({ QUEUE: { Ref: 'Q' } }),
        Dlq: { Type: 'AWS::SQS::Queue', Properties: {} },
        Q: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 60, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 } } },
        Cfg: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Fn' }, Qualifier: '$LATEST', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } } },
        Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['a'] }, Targets: [{ Id: 'T', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 1 } }] } },
        Esm: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: { 'Fn::GetAtt': ['Q', 'Arn'] }, FunctionName: { Ref: 'Fn' }, BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] } },
      },
    });
    const m = buildModel(readStack(dir), urls);
    expect(m.functions[0]).toMatchObject({ name: 'Fn', timeoutSeconds: 7, asyncRetries: 0, onFailureArn: 'arn:aws:sqs:us-east-1:000000000000:Dlq' });
    expect(m.functions[0].environment).toEqual({ QUEUE: 'http://127.0.0.1:3002/000000000000/Q' });
    expect(m.queues.find((q) => q.name === 'Q')).toMatchObject({ visibilityTimeoutSeconds: 60, redrivePolicy: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:Dlq', maxReceiveCount: 3 } });
    expect(m.rules[0]).toMatchObject({ busName: 'default', eventPattern: { source: ['a'] }, targets: [{ id: 'T', arn: 'arn:aws:lambda:us-east-1:000000000000:function:Fn', retryPolicy: { maximumRetryAttempts: 1 } }] });
    expect(m.eventSourceMappings[0]).toMatchObject({ functionName: 'Fn', batchSize: 5, reportBatchItemFailures: true });
  });
});

describe('buildModel: roles', () => {
  it('reads each role with its inline policies and the AWS::IAM::Policy resources attached to it, resolved to local ARNs', () => {
    const template: CfnTemplate = {
      Resources: {
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 't' } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
            Policies: [{ PolicyName: 'Inline', PolicyDocument: { Statement: { Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' } } }],
          },
        },
        Attached: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'RoleDefaultPolicy',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [{ 'Fn::GetAtt': ['Table', 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/*']] }] }] },
          },
        },
        Other: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'NotMine', Roles: ['SomeoneElse'], PolicyDocument: { Statement: [] } } },
        Fn: { ...fn(), Properties: { ...fn().Properties, Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      },
    };
    const model = buildModel(readStack(assembly(template)), urls);
    expect(model.functions[0].roleArn).toBe('arn:aws:iam::000000000000:role/Role');
    expect(model.roles).toEqual([{
      logicalId: 'Role',
      name: 'Role',
      arn: 'arn:aws:iam::000000000000:role/Role',
      managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      policies: [
        { name: 'Inline', statements: [{ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' }] },
        { name: 'RoleDefaultPolicy', statements: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: ['arn:aws:dynamodb:us-east-1:000000000000:table/t', 'arn:aws:dynamodb:us-east-1:000000000000:table/t/index/*'] }] },
      ],
    }]);
  });
});
