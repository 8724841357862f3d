import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTableInput, keys, TABLE } from '../../shared/table-schema';

// dynalite ships no types: a factory of an http.Server speaking DynamoDB's API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

/** Dummy credentials and region for SDK clients of loopback stubs. */
export const TEST_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

/** A dynalite (real DynamoDB API) on a free loopback port. */
export interface LocalDynamo {
  readonly endpoint: string;
  /** A document client of the test's own (not the handlers'). */
  readonly documentClient: DynamoDBDocumentClient;
  /** Creates the connections table from `createTableInput` and waits until it is ACTIVE. */
  createTable(name: string): Promise<void>;
  /** Every item of a connection in table `tableName` (its meta item and subscriptions). */
  connectionItems(tableName: string, connectionId: string): Promise<Record<string, unknown>[]>;
  /** The meta item of a connection in table `tableName`; undefined when there is none. */
  metaItem(tableName: string, connectionId: string): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: TEST_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    documentClient,
    async createTable(name) {
      await client.send(new CreateTableCommand(createTableInput(name)));
      for (let i = 0; i < 100; i++) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`table ${name} did not become ACTIVE`);
    },
    async connectionItems(tableName, connectionId) {
      const out = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':pk': keys.connection(connectionId) },
        }),
      );
      return out.Items ?? [];
    },
    async metaItem(tableName, connectionId) {
      const key = { [TABLE.partitionKey]: keys.connection(connectionId), [TABLE.sortKey]: keys.meta };
      return (await documentClient.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
    },
    async stop() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
