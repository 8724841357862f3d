import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
  CreateTableCommand,
  DeleteTableCommand,
} from '@aws-sdk/client-dynamodb';
import { startAwsEndpoint, type AwsEndpoint } from '../../../../local/aws-endpoint';
import { LocalDynamoDb } from '../../../../local/dynamodb';
import { createTableInput, TABLE } from '../../../../shared/table-schema';
import { waitUntil } from '../../../support/wait-until';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const nowSeconds = () => Math.floor(Date.now() / 1000);


describe('LocalDynamoDb', () => {
  let db: LocalDynamoDb;
  let endpoint: AwsEndpoint;
  let client: DynamoDBClient;

  beforeEach(async () => {
    db = new LocalDynamoDb({ ttlSweepIntervalMs: 100 });
    await db.start();
    endpoint = await startAwsEndpoint({ port: 0, services: [], dynamodb: db });
    client = new DynamoDBClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
  });

  afterEach(async () => {
    client.destroy();
    await endpoint.stop();
    await db.stop();
  });

  const key = (id: string) => ({ pk: { S: `conn#${id}` }, sk: { S: 'meta' } });
  const exists = async (table: string, id: string) => !!(await client.send(new GetItemCommand({ TableName: table, Key: key(id) }))).Item;

  it('creates a table with the template TTL and deletes expired items in the background, as DynamoDB does', async () => {
    await db.createTable({ ...createTableInput('connections'), TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } });
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'connections' }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });

    const put = (id: string, ttlValue?: { N: string } | { S: string }) =>
      client.send(new PutItemCommand({ TableName: 'connections', Item: { ...key(id), connectionId: { S: id }, ...(ttlValue ? { ttl: ttlValue } : {}) } }));
    await put('expired', { N: String(nowSeconds() - 10) });
    await put('future', { N: String(nowSeconds() + 3600) });
    await put('no-ttl');
    await put('string-ttl', { S: String(nowSeconds() - 10) });
    await put('ancient', { N: String(nowSeconds() - 6 * 365 * 24 * 3600) });

    await waitUntil(async () => !(await exists('connections', 'expired')), 'the background sweep of the expired item');
    await db.sweepNow();
    expect(await exists('connections', 'future')).toBe(true);
    expect(await exists('connections', 'no-ttl')).toBe(true);
    expect(await exists('connections', 'string-ttl')).toBe(true);
    expect(await exists('connections', 'ancient')).toBe(true);
    // The GSI forgets it too (it is a normal delete).
    const left = await client.send(new ScanCommand({ TableName: 'connections' }));
    expect(left.Items?.map((i) => i.connectionId.S).sort()).toEqual(['ancient', 'future', 'no-ttl', 'string-ttl']);
  });

  it('answers UpdateTimeToLive / DescribeTimeToLive (which dynalite lacks) and then expires items', async () => {
    await client.send(new CreateTableCommand(createTableInput('plain')));
    expect((await client.send(new DescribeTimeToLiveCommand({ TableName: 'plain' }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' });
    await client.send(new PutItemCommand({ TableName: 'plain', Item: { ...key('old'), expiresAt: { N: String(nowSeconds() - 1) } } }));
    expect(await exists('plain', 'old')).toBe(true);

    const updated = await client.send(new UpdateTimeToLiveCommand({ TableName: 'plain', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
    expect(updated.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    await expect(
      client.send(new UpdateTimeToLiveCommand({ TableName: 'plain', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await waitUntil(async () => !(await exists('plain', 'old')), 'the background sweep of the expired item');

    await expect(client.send(new DescribeTimeToLiveCommand({ TableName: 'missing' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      client.send(new UpdateTimeToLiveCommand({ TableName: 'missing', TimeToLiveSpecification: { AttributeName: 'x', Enabled: true } })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    // Deleting the table forgets its TTL setting.
    await client.send(new DeleteTableCommand({ TableName: 'plain' }));
    await waitUntil(
      () => client.send(new CreateTableCommand(createTableInput('plain'))).then(() => true, () => false),
      'the table to be created again once the delete is through',
    );
    expect((await client.send(new DescribeTimeToLiveCommand({ TableName: 'plain' }))).TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('stops after answering the requests under way, and answers later ones 503 (dynalite throws if its store closes under one)', async () => {
    await db.createTable(createTableInput('busy'));
    const raced = new DynamoDBClient({ endpoint: endpoint.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const writes = Array.from({ length: 40 }, (_, i) => raced.send(new UpdateItemCommand({
      TableName: 'busy', Key: key(`c${i}`), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } },
    })).then(() => 'written', (e: Error) => e.name));
    await Promise.race(writes); // one is answered: others are at dynalite, or on their way
    await db.stop();
    const outcomes = await Promise.all(writes);
    // Every write got an answer: stored, or refused while stopping; none was lost in a closed store.
    expect(outcomes.every((o) => o === 'written' || o === 'ServiceUnavailableException')).toBe(true);
    raced.destroy();
    db = new LocalDynamoDb({ ttlSweepIntervalMs: 100 }); // afterEach stops one
    await db.start();
  });

  it('keeps tables, items and TTL settings across restarts with a path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dynalite-'));
    try {
      const first = new LocalDynamoDb({ path: dir, ttlSweepIntervalMs: 60_000 });
      await first.start();
      await first.createTable({ ...createTableInput('kept'), TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
      const c1 = new DynamoDBClient({ endpoint: first.internalEndpoint, region: 'us-east-1', credentials });
      await c1.send(new PutItemCommand({ TableName: 'kept', Item: key('a') }));
      c1.destroy();
      await first.stop();

      const second = new LocalDynamoDb({ path: dir, ttlSweepIntervalMs: 60_000 });
      await second.start();
      await second.createTable(createTableInput('kept')); // already there: kept as is
      const c2 = new DynamoDBClient({ endpoint: second.internalEndpoint, region: 'us-east-1', credentials });
      expect((await c2.send(new GetItemCommand({ TableName: 'kept', Key: key('a') }))).Item).toBeDefined();
      expect(second.describeTimeToLive('kept')).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
      c2.destroy();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
