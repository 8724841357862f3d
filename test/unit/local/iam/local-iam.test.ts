import {
  accessDeniedError, accessKeyIdOf, functionAccessKeyId, LocalIam, manageConnectionsPermission, requiredPermissions,
} from '../../../../local/iam';
import { CloudEventHub } from '../../../../local/console/event-hub';
import type { RoleModel } from '../../../../local/template/model';

const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:000000000000:${resource}`;
const role: RoleModel = {
  logicalId: 'PushRole', name: 'PushRole', arn: 'arn:aws:iam::000000000000:role/PushRole', managedPolicyArns: [],
  policies: [
    { name: 'Inline', statements: [{ Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:GetItem'], Resource: [arn('dynamodb', 'table/T'), arn('dynamodb', 'table/T/index/*')] }] },
    { name: 'Attached', statements: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn('sqs', 'Q') }, { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: '*', Condition: { StringEquals: { 'aws:username': 'x' } } }] },
  ],
};

describe('local IAM', () => {
  const lines: string[] = [];
  const hub = new CloudEventHub();
  const iam = new LocalIam({ functions: [{ name: 'Push', roleArn: role.arn }, { name: 'Imported', roleArn: 'arn:aws:iam::111111111111:role/Elsewhere' }], roles: [role] }, (l) => lines.push(l), hub);
  const key = functionAccessKeyId('Push');
  const signed = (k: string) => `AWS4-HMAC-SHA256 Credential=${k}/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc`;

  it('gives each function its own access key id, read back from the SigV4 Authorization header or a presigned URL', () => {
    expect(key).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(functionAccessKeyId('Other')).not.toBe(key);
    expect(accessKeyIdOf(signed(key))).toBe(key);
    expect(accessKeyIdOf(undefined, `/x?X-Amz-Credential=${key}%2F20260101%2Fus-east-1%2Fexecute-api%2Faws4_request`)).toBe(key);
    expect(accessKeyIdOf(undefined)).toBeUndefined();
  });

  it('names the permissions each request needs: the table (and index), the bus of each entry, the queue of the URL', () => {
    expect(requiredPermissions('DynamoDB_20120810', 'Query', { TableName: 'T', IndexName: 'ByChannel' })).toEqual([{ action: 'dynamodb:Query', resource: arn('dynamodb', 'table/T/index/ByChannel') }]);
    expect(requiredPermissions('DynamoDB_20120810', 'BatchWriteItem', { RequestItems: { T: [], U: [] } }).map((p) => p.resource)).toEqual([arn('dynamodb', 'table/T'), arn('dynamodb', 'table/U')]);
    expect(requiredPermissions('DynamoDB_20120810', 'TransactWriteItems', { TransactItems: [{ Put: { TableName: 'T' } }, { ConditionCheck: { TableName: arn('dynamodb', 'table/U') } }] }))
      .toEqual([{ action: 'dynamodb:PutItem', resource: arn('dynamodb', 'table/T') }, { action: 'dynamodb:ConditionCheckItem', resource: arn('dynamodb', 'table/U') }]);
    expect(requiredPermissions('DynamoDB_20120810', 'ListTables', {})).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
    expect(requiredPermissions('AWSEvents', 'PutEvents', { Entries: [{ EventBusName: 'bus' }, { EventBusName: arn('events', 'event-bus/bus') }, {}] }).map((p) => p.resource))
      .toEqual([arn('events', 'event-bus/bus'), arn('events', 'event-bus/default')]);
    expect(requiredPermissions('AmazonSQS', 'SendMessageBatch', { QueueUrl: 'http://127.0.0.1:3002/000000000000/Q' })).toEqual([{ action: 'sqs:SendMessage', resource: arn('sqs', 'Q') }]);
    expect(requiredPermissions('Other', 'X', {})).toEqual([]);
    expect(manageConnectionsPermission('abc', 'prod', 'POST', 'id=')).toEqual({ action: 'execute-api:ManageConnections', resource: arn('execute-api', 'abc/prod/POST/@connections/id=') });
  });

  it('allows a function what its role allows, and denies the rest with AWS\'s message', () => {
    expect(iam.check(key, requiredPermissions('DynamoDB_20120810', 'Query', { TableName: 'T', IndexName: 'I' }))).toBeUndefined();
    expect(iam.check(key, requiredPermissions('DynamoDB_20120810', 'PutItem', { TableName: 'T' }))).toEqual({
      message: `User: arn:aws:sts::000000000000:assumed-role/PushRole/Push is not authorized to perform: dynamodb:PutItem on resource: ${arn('dynamodb', 'table/T')} because no identity-based policy allows the dynamodb:PutItem action`,
    });
    expect(iam.check(key, requiredPermissions('AmazonSQS', 'SendMessage', { QueueUrl: 'http://h/000000000000/Other' }))?.message)
      .toContain('not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:Other because no identity-based policy allows the sqs:sendmessage action');
    expect(lines.some((l) => l.startsWith('denied: ') && l.includes('dynamodb:PutItem'))).toBe(true);
    // The console's stream shows each denial, with the function, the action and the resource.
    const denials = hub.recent().filter((e) => e.kind === 'iam-denied');
    expect(denials.map((e) => e.text)).toEqual([
      `Push: dynamodb:PutItem on ${arn('dynamodb', 'table/T')} denied`,
      `Push: sqs:SendMessage on ${arn('sqs', 'Other')} denied`,
    ]);
    expect(denials[0]!.data).toMatchObject({ function: 'Push', action: 'dynamodb:PutItem', message: expect.stringContaining('is not authorized to perform') });
  });

  it('does not restrict callers that are not functions, nor a function whose role is not the stack\'s (said once)', () => {
    const denied = requiredPermissions('DynamoDB_20120810', 'DeleteTable', { TableName: 'T' });
    expect(iam.check('AKIAANYONEELSE000000', denied)).toBeUndefined();
    expect(iam.check(undefined, denied)).toBeUndefined();
    expect(iam.check(functionAccessKeyId('Imported'), denied)).toBeUndefined();
    expect(lines.filter((l) => l.includes('Elsewhere'))).toHaveLength(1);
  });

  it('reports a Condition it cannot evaluate once, however often the statement applies', () => {
    iam.check(key, requiredPermissions('DynamoDB_20120810', 'Scan', { TableName: 'T' }));
    iam.check(key, requiredPermissions('DynamoDB_20120810', 'Scan', { TableName: 'T' }));
    expect(lines.filter((l) => l.includes('aws:username'))).toHaveLength(1);
  });

  it('answers with each service\'s AccessDeniedException shape', () => {
    expect(accessDeniedError('DynamoDB_20120810', 'm')).toMatchObject({ type: 'com.amazon.coral.service#AccessDeniedException', statusCode: 400, details: { messageField: 'Message' } });
    expect(accessDeniedError('AWSEvents', 'm')).toMatchObject({ type: 'AccessDeniedException', statusCode: 400 });
    expect(accessDeniedError('AmazonSQS', 'm')).toMatchObject({ statusCode: 403, details: { queryError: 'AccessDenied;Sender' } });
  });

  it('checks a role of the stack as a service calls as it (EventBridge as a rule target\'s RoleArn); a role not of the stack is denied', () => {
    expect(iam.checkRole(role.arn, [{ action: 'sqs:SendMessage', resource: arn('sqs', 'Q') }])).toBeUndefined();
    expect(iam.checkRole(role.arn, [{ action: 'appsync:GraphQL', resource: arn('appsync', 'apis/x/types/Mutation/fields/push') }])?.message)
      .toBe(`User: arn:aws:sts::000000000000:assumed-role/PushRole/local is not authorized to perform: appsync:GraphQL on resource: ${arn('appsync', 'apis/x/types/Mutation/fields/push')} because no identity-based policy allows the appsync:GraphQL action`);
    expect(iam.checkRole('arn:aws:iam::000000000000:role/NotOurs', [{ action: 'sqs:SendMessage', resource: arn('sqs', 'Q') }])).toBeDefined();
  });
});
