import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startTestCloud } from '../../support/local-cloud';

describe('local cloud: --persist keeps the tables across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'websocket-push-persist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const withTable = async <T>(fn: (db: DynamoDBDocumentClient, table: string) => Promise<T>): Promise<T> => {
    const cloud = await startTestCloud({ persist: dir });
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    try {
      return await fn(db, cloud.outputs.ConnectionsTableName);
    } finally {
      db.destroy();
      await cloud.stop();
    }
  };

  it('finds an item written before the restart', async () => {
    const item = { pk: 'conn#kept', sk: 'meta', connectionId: 'kept', ttl: Math.floor(Date.now() / 1000) + 3600 };
    await withTable((db, TableName) => db.send(new PutCommand({ TableName, Item: item })));
    const got = await withTable((db, TableName) => db.send(new GetCommand({ TableName, Key: { pk: 'conn#kept', sk: 'meta' } })));
    expect(got.Item).toEqual(item);
  }, 90_000);
});
