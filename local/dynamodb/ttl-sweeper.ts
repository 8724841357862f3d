import {
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { TtlRegistry } from './ttl-registry';

/** DynamoDB ignores TTL values more than five years in the past (they are not deleted). */
export const TTL_MAX_AGE_SECONDS = 5 * 365 * 24 * 60 * 60;

/**
 * One pass of the TTL process, as DynamoDB runs it in the background: for every table whose TTL is enabled,
 * deletes the items whose TTL attribute is a Number (epoch seconds) lower than `nowSeconds` and not more than
 * five years old. Items without the attribute, or with a non-Number value, are left alone. Each delete is
 * conditional on the TTL value read, so an item whose TTL was just extended survives.
 *
 * @returns how many items were deleted.
 */
export async function sweepExpiredItems(client: DynamoDBClient, registry: TtlRegistry, nowSeconds: number): Promise<number> {
  let deleted = 0;
  for (const { table, attributeName } of registry.enabled()) {
    let keyNames: string[];
    try {
      const described = await client.send(new DescribeTableCommand({ TableName: table }));
      keyNames = (described.Table?.KeySchema ?? []).map((k) => k.AttributeName!).filter(Boolean);
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') continue;
      throw err;
    }
    const names: Record<string, string> = { '#ttl': attributeName };
    keyNames.forEach((k, i) => (names[`#k${i}`] = k));
    const projection = ['#ttl', ...keyNames.map((_, i) => `#k${i}`)].join(', ');
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression: projection,
          FilterExpression: '#ttl < :now AND #ttl >= :oldest',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':now': { N: String(nowSeconds) },
            ':oldest': { N: String(nowSeconds - TTL_MAX_AGE_SECONDS) },
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const ttlValue = item[attributeName];
        if (!ttlValue || ttlValue.N === undefined) continue;
        const key: Record<string, AttributeValue> = {};
        for (const k of keyNames) key[k] = item[k];
        try {
          await client.send(
            new DeleteItemCommand({
              TableName: table,
              Key: key,
              ConditionExpression: '#ttl = :seen',
              ExpressionAttributeNames: { '#ttl': attributeName },
              ExpressionAttributeValues: { ':seen': { N: ttlValue.N } },
            }),
          );
          deleted++;
        } catch (err) {
          if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return deleted;
}
