import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION } from '../../../../local/aws-wire';
import { startDynamoDb } from '../../../../local/dynamodb';

describe('startDynamoDb', () => {
  it('creates the tables of a model, with their TTL attribute', async () => {
    const db = await startDynamoDb({
      tables: [{
        createInput: { TableName: 'connections', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' },
        ttlAttribute: 'ttl',
      }],
    }, { ttlSweepIntervalMs: 60_000, log: () => undefined });
    const client = new DynamoDBClient({ endpoint: db.api.internalEndpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      expect(db.urls).toEqual({});
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'connections' }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(db.api.describeTimeToLive('connections')).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    } finally {
      client.destroy();
      await db.stop();
    }
  });
});
