import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startAwsEndpoint, type AwsEndpoint } from '../../../../local/aws-endpoint';
import { AwsServiceError, type AwsJsonService } from '../../../../local/aws-wire';
import { bindPort } from '../../../../local/http/bound-port';
import { endpointAuthorizer, functionAccessKeyId, LocalIam } from '../../../../local/iam';
import type { RoleModel } from '../../../../local/template/model';
import { LocalDynamoDb } from '../../../../local/dynamodb';
import { LocalSqs } from '../../../../local/sqs';
import { createTableInput } from '../../../../shared/table-schema';
import { describeRequiring, findAwsClis } from '../../../support/requirements';

const run = promisify(execFile);
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

/** A stub JSON service: echoes, or fails the way its input asks. */
class StubService implements AwsJsonService {
  readonly targetPrefix = 'StubService_20240101';
  calls: Array<{ operation: string; input: Record<string, unknown> }> = [];
  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ operation, input });
    if (operation === 'Fail') throw new AwsServiceError('ValidationException', `bad ${String(input.what)}`, 400);
    if (operation === 'Crash') throw new Error('internal detail that must not leak');
    return { echoed: input, operation };
  }
}

const awsCli = findAwsClis();
const describeWithCli = describeRequiring(awsCli.missing);

describe('local AWS endpoint', () => {
  let dynamodb: LocalDynamoDb;
  let sqs: LocalSqs;
  let stub: StubService;
  let endpoint: AwsEndpoint;
  const logLines: string[] = [];

  beforeAll(async () => {
    dynamodb = new LocalDynamoDb();
    await dynamodb.start();
    // The port is bound first, so the queues know the URL they are reached on.
    const port = await bindPort('127.0.0.1', 0);
    sqs = new LocalSqs({ endpointUrl: port.url });
    stub = new StubService();
    endpoint = await startAwsEndpoint({ port, services: [sqs, stub], dynamodb, log: (l) => logLines.push(l) });
  });

  afterAll(async () => {
    await endpoint.stop();
    await sqs.stop();
    await dynamodb.stop();
  });

  it('answers GET / as a health check', async () => {
    const res = await fetch(`${endpoint.url}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('serves DynamoDB through dynalite to the AWS SDK (CreateTable, PutItem, Query)', async () => {
    const client = new DynamoDBClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
    await client.send(new CreateTableCommand(createTableInput('sdk-table')));
    await client.send(new PutItemCommand({ TableName: 'sdk-table', Item: { pk: { S: 'conn#1' }, sk: { S: 'meta' }, connectionId: { S: '1' } } }));
    await client.send(new PutItemCommand({ TableName: 'sdk-table', Item: { pk: { S: 'conn#1' }, sk: { S: 'sub#scores' }, connectionId: { S: '1' } } }));
    const out = await client.send(
      new QueryCommand({ TableName: 'sdk-table', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'conn#1' } } }),
    );
    expect(out.Items?.map((i) => i.sk.S)).toEqual(['meta', 'sub#scores']);
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('sdk-table');
    client.destroy();
  });

  it('accepts a DynamoDB request without any Authorization header', async () => {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('TableNames');
  });

  it('routes other targets to their service and serializes results with the request content type', async () => {
    for (const contentType of ['application/x-amz-json-1.0', 'application/x-amz-json-1.1']) {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': contentType, 'x-amz-target': 'StubService_20240101.Echo' },
        body: JSON.stringify({ a: 1 }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(contentType);
      expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(await res.json()).toEqual({ echoed: { a: 1 }, operation: 'Echo' });
    }
  });

  it('serializes service errors as AWS does, hides internal errors, and rejects unknown targets and bad JSON', async () => {
    const post = (target: string, body: string) =>
      fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body });
    const failed = await post('StubService_20240101.Fail', '{"what":"thing"}');
    expect(failed.status).toBe(400);
    expect(failed.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await failed.json()).toEqual({ __type: 'ValidationException', message: 'bad thing' });

    const crashed = await post('StubService_20240101.Crash', '{}');
    expect(crashed.status).toBe(500);
    const crashBody = (await crashed.json()) as { __type: string; message: string };
    expect(crashBody.__type).toBe('InternalFailure');
    expect(crashBody.message).not.toContain('internal detail');

    const unknown = await post('NoSuchService.DoIt', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');

    const noTarget = await post('', '{}');
    expect(noTarget.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');

    const badJson = await post('StubService_20240101.Echo', '{not json');
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });

  it('logs one readable line per request and never the payload', () => {
    expect(logLines.some((l) => /^DynamoDB_20120810\.PutItem 200 \d+ms$/.test(l))).toBe(true);
    expect(logLines.join('\n')).not.toContain('conn#1');
  });

  it('serves SQS to the AWS SDK with verified MD5s', async () => {
    const client = new SQSClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
    const { QueueUrl } = await sqs.handle('CreateQueue', { QueueName: 'endpoint-q' }) as { QueueUrl: string };
    expect(QueueUrl).toBe(`${endpoint.url}/000000000000/endpoint-q`);
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'héllo ✓' }));
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(got.Messages?.[0].Body).toBe('héllo ✓');
    client.destroy();
  });

  describeWithCli('with the AWS CLI', () => {
    const aws = awsCli.clis[0]!;
    const env = () => ({ ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });

    it('lists tables and sends a message with --endpoint-url', async () => {
      const tables = await run(aws, ['--endpoint-url', endpoint.url, 'dynamodb', 'list-tables', '--output', 'json'], { env: env(), timeout: 60_000 });
      expect(JSON.parse(tables.stdout).TableNames).toContain('sdk-table');
      await sqs.handle('CreateQueue', { QueueName: 'cli-q' });
      const sent = await run(
        aws,
        ['--endpoint-url', endpoint.url, 'sqs', 'send-message', '--queue-url', sqs.queueUrl('cli-q'), '--message-body', 'from the cli', '--output', 'json'],
        { env: env(), timeout: 60_000 },
      );
      expect(JSON.parse(sent.stdout).MD5OfMessageBody).toBe(createHash('md5').update('from the cli').digest('hex'));
      const received = (await sqs.handle('ReceiveMessage', { QueueUrl: sqs.queueUrl('cli-q') })) as { Messages: Array<{ Body: string }> };
      expect(received.Messages[0].Body).toBe('from the cli');
    }, 120_000);

    it('honours AWS_ENDPOINT_URL instead of --endpoint-url (DynamoDB)', async () => {
      const tables = await run(aws, ['dynamodb', 'list-tables', '--output', 'json'], { env: { ...env(), AWS_ENDPOINT_URL: endpoint.url }, timeout: 60_000 });
      expect(JSON.parse(tables.stdout).TableNames).toContain('sdk-table');
      // AWS CLI v1 (checked with 1.45): its `overridesslcommonname` customization always sets an explicit
      // https://<region>.queue.amazonaws.com endpoint for `aws sqs` unless --endpoint-url is given, so
      // AWS_ENDPOINT_URL is ignored by `aws sqs` there. The SDK v3 and CLI v2 honour it.
    }, 120_000);

    it('answers SQS errors with the legacy code the CLI shows (x-amzn-query-error)', async () => {
      const err = await run(aws, ['--endpoint-url', endpoint.url, 'sqs', 'get-queue-url', '--queue-name', 'missing-q'], { env: env(), timeout: 60_000 }).catch(
        (e: { stderr: string }) => e,
      );
      expect((err as { stderr: string }).stderr).toContain('AWS.SimpleQueueService.NonExistentQueue');
    }, 120_000);
  });
});

describe('local AWS endpoint with IAM', () => {
  let endpoint: AwsEndpoint;
  let stub: StubService;
  const role: RoleModel = { logicalId: 'R', name: 'R', arn: 'arn:aws:iam::000000000000:role/R', managedPolicyArns: [], policies: [] };
  const key = functionAccessKeyId('Fn');

  beforeAll(async () => {
    stub = new StubService();
    const iam = new LocalIam({ functions: [{ name: 'Fn', roleArn: role.arn }], roles: [role] }, () => undefined);
    endpoint = await startAwsEndpoint({ port: 0, services: [stub], authorize: endpointAuthorizer(iam) });
  });
  afterAll(() => endpoint?.stop());

  const post = (target: string, body: unknown, contentType = 'application/x-amz-json-1.0', accessKeyId = key) =>
    fetch(endpoint.url, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'X-Amz-Target': target, Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/x/aws4_request, SignedHeaders=host, Signature=0` },
      body: JSON.stringify(body),
    });

  it('answers a denied DynamoDB call with com.amazon.coral.service#AccessDeniedException, Message and 400, before any service runs', async () => {
    const res = await post('DynamoDB_20120810.Scan', { TableName: 'T' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(await res.json()).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: 'User: arn:aws:sts::000000000000:assumed-role/R/Fn is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:000000000000:table/T because no identity-based policy allows the dynamodb:Scan action',
    });
  });

  it('answers a denied SQS call with 403 and x-amzn-query-error AccessDenied;Sender, and lets other callers through', async () => {
    const res = await post('AmazonSQS.SendMessage', { QueueUrl: 'http://h/000000000000/Q', MessageBody: 'x' });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-query-error')).toBe('AccessDenied;Sender');
    expect((await res.json()).message).toContain('sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:Q');
    const admin = await post('StubService_20240101.Echo', { a: 1 }, 'application/x-amz-json-1.1', 'AKIAADMIN');
    expect(admin.status).toBe(200);
    expect(stub.calls).toEqual([{ operation: 'Echo', input: { a: 1 } }]);
  });
});
