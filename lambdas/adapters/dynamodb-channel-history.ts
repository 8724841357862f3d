import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CHANNEL_COUNTER_TTL_SECONDS } from '../../shared/limits';
import { TABLE, historyKeys } from '../../shared/table-schema';
import type { ChannelHistory, ChannelPosition, HistoryEntry, HistoryTtls } from '../core/channel-history';
import { StoreError } from '../core/errors';
import { storeCall } from './store-call';

/**
 * Channel sequence numbers and recent messages in the connections table, with the item layout of
 * `historyKeys` (`shared/table-schema.ts`). The counter is one item per channel updated with an atomic
 * `ADD`, whose TTL every message pushes back (CHANNEL_COUNTER_TTL_SECONDS); history items are written once
 * and expire by TTL.
 */
export class DynamoDbChannelHistory implements ChannelHistory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async seqOf(channel: string, eventId: string): Promise<number | undefined> {
    const out = await storeCall('Channel history seqOf', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: historyKeys.channel(channel), [TABLE.sortKey]: historyKeys.event(eventId) },
          ConsistentRead: true,
        }),
      ),
    );
    const seq = out.Item?.seq;
    return typeof seq === 'number' ? seq : undefined;
  }

  async nextSeq(channel: string, now: number): Promise<number> {
    const out = await storeCall('Channel history nextSeq', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: historyKeys.channel(channel), [TABLE.sortKey]: historyKeys.counter },
          UpdateExpression: 'ADD #last :one SET #at = :now, #ttl = :ttl',
          ExpressionAttributeNames: { '#last': 'last', '#at': 'updatedAt', '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':ttl': Math.floor(now / 1000) + CHANNEL_COUNTER_TTL_SECONDS },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    const last = out.Attributes?.last;
    if (typeof last !== 'number') throw new StoreError(`Channel counter of ${channel} returned no number`);
    return last;
  }

  async store(channel: string, entry: HistoryEntry, ttls: HistoryTtls): Promise<void> {
    await storeCall('Channel history store', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [TABLE.partitionKey]: historyKeys.history(channel),
            [TABLE.sortKey]: historyKeys.seq(entry.seq),
            seq: entry.seq,
            eventId: entry.eventId,
            frame: entry.frame,
            createdAt: entry.createdAt,
            [TABLE.ttlAttribute]: ttls.entry,
          },
        }),
      ),
    );
    await storeCall('Channel history store', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [TABLE.partitionKey]: historyKeys.channel(channel),
            [TABLE.sortKey]: historyKeys.event(entry.eventId),
            seq: entry.seq,
            [TABLE.ttlAttribute]: ttls.event,
          },
        }),
      ),
    );
  }

  async position(channel: string): Promise<ChannelPosition> {
    const out = await storeCall('Channel history position', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: historyKeys.channel(channel), [TABLE.sortKey]: historyKeys.counter },
          ConsistentRead: true,
        }),
      ),
    );
    const last = out.Item?.last;
    const updatedAt = out.Item?.updatedAt;
    return { last: typeof last === 'number' ? last : 0, updatedAt: typeof updatedAt === 'number' ? updatedAt : 0 };
  }

  async after(channel: string, since: number, limit: number): Promise<HistoryEntry[]> {
    const out = await storeCall('Channel history after', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk > :since',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
          ExpressionAttributeValues: { ':pk': historyKeys.history(channel), ':since': historyKeys.seq(since) },
          ScanIndexForward: true,
          ConsistentRead: true,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((item) => ({
      seq: item.seq as number,
      eventId: item.eventId as string,
      frame: item.frame as string,
      createdAt: item.createdAt as number,
    }));
  }
}
