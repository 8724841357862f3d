import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbFrameGate } from '../../../lambdas/adapters/dynamodb-frame-gate';
import { DynamoDbJsonClient, DynamoDbRequestError, fromItem } from '../../../lambdas/adapters/dynamodb-json-client';
import { StoreError } from '../../../lambdas/core/errors';
import { META, TABLE, keys } from '../../../shared/table-schema';
import { startLocalAws, TEST_AWS_ENV, type LocalAws } from '../../support/local-services';

const credentials = async () => ({ accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY });

/** The per-frame rate limit through the lean DynamoDB client, on the local DynamoDB. */
describe('DynamoDbFrameGate and its lean DynamoDB client', () => {
  let aws: LocalAws;
  let client: DynamoDbJsonClient;
  const tableName = 'frame-gate';
  beforeAll(async () => {
    aws = await startLocalAws();
    await aws.createConnectionsTable(tableName);
    client = new DynamoDbJsonClient({ endpoint: aws.endpoint, region: TEST_AWS_ENV.AWS_REGION, credentials });
  });
  afterAll(async () => {
    client?.destroy();
    await aws?.stop();
  });
  const register = (connectionId: string, extra: Record<string, unknown> = {}) =>
    aws.documentClient.send(new PutCommand({ TableName: tableName, Item: { [TABLE.partitionKey]: keys.connection(connectionId), [TABLE.sortKey]: keys.meta, connectionId, ...extra } }));

  it('admits frames up to the limit with the permissions of the meta item, then limits, and opens the next window', async () => {
    await register('a', { userId: 'alice', [META.channels]: ['private-a'], [META.publish]: ['chat-*'], [META.info]: '{"name":"Alice"}' });
    const gate = new DynamoDbFrameGate(client, tableName);
    for (let i = 0; i < 3; i++) {
      expect(await gate.admitFrame('a', 100, 3)).toEqual({ status: 'admitted', channels: ['private-a'], publish: ['chat-*'], userId: 'alice', info: '{"name":"Alice"}' });
    }
    expect(await gate.admitFrame('a', 100, 3)).toEqual({ status: 'limited' });
    expect(await gate.admitFrame('a', 101, 3)).toMatchObject({ status: 'admitted' });
    expect(await gate.admitFrame('a', 100, 3)).toEqual({ status: 'limited' }); // an older window than the stored one
    const meta = await client.send('GetItem', { TableName: tableName, Key: { pk: { S: keys.connection('a') }, sk: { S: keys.meta } }, ConsistentRead: true });
    expect(fromItem(meta.Item as never)).toMatchObject({ [META.messageWindow]: 101, [META.messageCount]: 1 });
  });

  it('tells an unknown connection apart, and admits an anonymous one with no permissions', async () => {
    const gate = new DynamoDbFrameGate(client, tableName);
    expect(await gate.admitFrame('ghost', 100, 3)).toEqual({ status: 'unknown' });
    await register('anon');
    expect(await gate.admitFrame('anon', 100, 3)).toEqual({ status: 'admitted', channels: [], publish: [] });
  });

  it("names DynamoDB's errors by their __type, and the gate wraps them as a StoreError", async () => {
    const error = await client.send('GetItem', { TableName: 'no-such-table', Key: { pk: { S: 'x' }, sk: { S: 'y' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoDbRequestError);
    expect(error).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 400, message: expect.stringContaining('not found') });
    const gateError = await new DynamoDbFrameGate(client, 'no-such-table').admitFrame('a', 1, 1).catch((e: unknown) => e);
    expect(gateError).toBeInstanceOf(StoreError);
    expect((gateError as StoreError).message).toBe('Connection store admitFrame failed (DynamoDbRequestError)');
    expect(((gateError as StoreError).cause as DynamoDbRequestError).code).toBe('ResourceNotFoundException');
  });

  describe('retries', () => {
    // DynamoDB's throttling and 5xx answers cannot be produced by dynalite on demand: a scripted server answers them.
    let server: Server;
    const answers: Array<[number, object]> = [];
    let requests = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        requests++;
        req.resume();
        req.on('end', () => {
          const [status, body] = answers.shift() ?? [200, {}];
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const scripted = () => new DynamoDbJsonClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials, sleep: async () => undefined });

    it('retries throttling and server errors up to three attempts, not a client error', async () => {
      requests = 0;
      answers.push([400, { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' }], [500, { __type: 'InternalServerError' }], [200, { Item: { a: { S: 'b' } } }]);
      expect(await scripted().send('GetItem', {})).toEqual({ Item: { a: { S: 'b' } } });
      expect(requests).toBe(3);
      requests = 0;
      answers.push([400, { __type: 'ThrottlingException' }], [400, { __type: 'ThrottlingException' }], [400, { __type: 'ThrottlingException', message: 'still' }]);
      await expect(scripted().send('GetItem', {})).rejects.toMatchObject({ code: 'ThrottlingException', message: 'still' });
      expect(requests).toBe(3);
      requests = 0;
      answers.push([400, { __type: 'com.amazon.coral.validate#ValidationException', message: 'bad key' }]);
      await expect(scripted().send('GetItem', {})).rejects.toMatchObject({ code: 'ValidationException', message: 'bad key' });
      expect(requests).toBe(1);
    });

    it('a body that is not JSON is a typed error, not a crash', async () => {
      server.removeAllListeners('request');
      server.on('request', (req, res) => { req.resume(); req.on('end', () => res.writeHead(502).end('<html>bad gateway</html>')); });
      await expect(scripted().send('GetItem', {})).rejects.toMatchObject({ name: 'DynamoDbRequestError', code: 'InvalidResponse' });
    });
  });
});
