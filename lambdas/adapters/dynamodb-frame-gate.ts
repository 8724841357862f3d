import { META, TABLE, keys } from '../../shared/table-schema';
import type { FrameAdmission, FrameGate } from '../core/frame-gate';
import { DynamoDbJsonClient, fromItem, type AttributeValue } from './dynamodb-json-client';
import { conditionFailed, storeCall } from './store-call';

const strings = (value: unknown) => (Array.isArray(value) ? value.filter((c): c is string => typeof c === 'string') : []);

/** The admitted sender, from the meta item's permissions. */
function admitted(item: Record<string, unknown>): FrameAdmission {
  const userId = item.userId;
  const info = item[META.info];
  return {
    status: 'admitted',
    channels: strings(item[META.channels]),
    publish: strings(item[META.publish]),
    ...(typeof userId === 'string' ? { userId } : {}),
    ...(typeof info === 'string' ? { info } : {}),
  };
}

/**
 * Each frame's rate limit and permissions, on the connection's meta item (`shared/table-schema.ts`), through
 * the lean {@link DynamoDbJsonClient}: this is the one DynamoDB call of every frame.
 */
export class DynamoDbFrameGate implements FrameGate {
  constructor(
    private readonly client: DynamoDbJsonClient,
    private readonly tableName: string,
  ) {}

  /**
   * One conditional UpdateItem on the meta item: add one to the count of the current window if it is below
   * `max`, or start the window at 1 if the stored one is older. Either returns the item (its permissions).
   * When both conditions fail, a consistent read tells a full window from an unknown connection (or a race
   * with another frame that just opened the window, which is retried).
   */
  async admitFrame(connectionId: string, window: number, max: number): Promise<FrameAdmission> {
    const Key = { [TABLE.partitionKey]: { S: keys.connection(connectionId) }, [TABLE.sortKey]: { S: keys.meta } };
    const names = { '#pk': TABLE.partitionKey, '#w': META.messageWindow, '#n': META.messageCount };
    const n = (value: number): AttributeValue => ({ N: String(value) });
    const conditional = async (input: object) => {
      try {
        const out = await this.client.send('UpdateItem', { TableName: this.tableName, Key, ExpressionAttributeNames: names, ReturnValues: 'ALL_NEW', ...input });
        return fromItem(out.Attributes as Record<string, AttributeValue> | undefined);
      } catch (error) {
        if (conditionFailed(error)) return undefined;
        throw error;
      }
    };
    return storeCall('Connection store admitFrame', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const counted = await conditional({
          UpdateExpression: 'ADD #n :one',
          ConditionExpression: 'attribute_exists(#pk) AND #w = :w AND #n < :max',
          ExpressionAttributeValues: { ':one': n(1), ':w': n(window), ':max': n(max) },
        });
        if (counted) return admitted(counted);
        const opened = await conditional({
          UpdateExpression: 'SET #w = :w, #n = :one',
          ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#w) OR #w < :w)',
          ExpressionAttributeValues: { ':one': n(1), ':w': n(window) },
        });
        if (opened) return admitted(opened);
        const current = await this.client.send('GetItem', { TableName: this.tableName, Key, ConsistentRead: true });
        if (!current.Item) return { status: 'unknown' };
        const item = fromItem(current.Item as Record<string, AttributeValue>);
        const storedWindow = item[META.messageWindow];
        const count = item[META.messageCount];
        if (storedWindow === window && typeof count === 'number' && count >= max) return { status: 'limited' };
        if (typeof storedWindow === 'number' && storedWindow > window) return { status: 'limited' }; // clock skew between containers
      }
      return { status: 'limited' };
    });
  }
}
