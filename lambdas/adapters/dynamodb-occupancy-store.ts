import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE, occupancyKeys } from '../../shared/table-schema';
import type { OccupancyStore } from '../core/occupancy';
import { conditionFailed, storeCall, updateLiveOrPutFresh } from './store-call';

/** Channel occupancy counters in the connections table, with the layout of `occupancyKeys` (`shared/table-schema.ts`). */
export class DynamoDbOccupancyStore implements OccupancyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async enter(channel: string, ttl: number, nowSeconds: number): Promise<{ first: boolean }> {
    const Key = this.key(channel);
    const names = { '#pk': TABLE.partitionKey, '#n': occupancyKeys.subscriptions, '#ttl': TABLE.ttlAttribute };
    return storeCall('Occupancy store enter', () =>
      updateLiveOrPutFresh(
        // A live counter: one more. UPDATED_NEW tells whether it was empty (0 → 1).
        async () => {
          const out = await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key,
              UpdateExpression: 'ADD #n :one SET #ttl = :ttl',
              ConditionExpression: 'attribute_exists(#pk) AND #ttl > :now',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: { ':one': 1, ':ttl': ttl, ':now': nowSeconds },
              ReturnValues: 'UPDATED_NEW',
            }),
          );
          return { first: out.Attributes?.[occupancyKeys.subscriptions] === 1 };
        },
        // No counter, or one past its TTL (everything it counted has expired): this subscriber is the first.
        async () => {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...Key, [occupancyKeys.subscriptions]: 1, [TABLE.ttlAttribute]: ttl },
              ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#ttl': TABLE.ttlAttribute },
              ExpressionAttributeValues: { ':now': nowSeconds },
            }),
          );
          return { first: true };
        },
        { first: false },
      ),
    );
  }

  async leave(channel: string, nowSeconds: number): Promise<{ last: boolean }> {
    return storeCall('Occupancy store leave', async () => {
      try {
        const out = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(channel),
            UpdateExpression: 'ADD #n :minus',
            // Never below 0, and never on an expired counter (its subscriptions expired uncounted).
            ConditionExpression: '#n > :zero AND #ttl > :now',
            ExpressionAttributeNames: { '#n': occupancyKeys.subscriptions, '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: { ':minus': -1, ':zero': 0, ':now': nowSeconds },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return { last: out.Attributes?.[occupancyKeys.subscriptions] === 0 };
      } catch (error) {
        if (conditionFailed(error)) return { last: false };
        throw error;
      }
    });
  }

  private key(channel: string) {
    return { [TABLE.partitionKey]: occupancyKeys.channel(channel), [TABLE.sortKey]: occupancyKeys.counter };
  }
}
