import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** Every page of a DynamoDB query, following `LastEvaluatedKey` to the end; `pageSize` sets each page's `Limit`. */
export async function* queryPages(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  pageSize?: number,
): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, ...(pageSize ? { Limit: pageSize } : {}), ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    startKey = page.LastEvaluatedKey;
    yield page.Items ?? [];
  } while (startKey);
}
