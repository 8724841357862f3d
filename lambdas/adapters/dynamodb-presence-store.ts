import { queryPages } from './query-pages';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PRESENCE_CHANNEL_PREFIX } from '../../shared/auth';
import { TABLE, keys, presenceKeys } from '../../shared/table-schema';
import type { PresenceMember } from '../../shared/protocol';
import { presenceMember } from '../core/presence';
import type { ExpiredMember, PresenceSnapshot, PresenceStore } from '../core/presence-store';
import { conditionFailed, storeCall, updateLiveOrPutFresh } from './store-call';

/** Presence members in the connections table, with the item layout of `presenceKeys` (`shared/table-schema.ts`). */
export class DynamoDbPresenceStore implements PresenceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async join(channel: string, connectionId: string, member: { userId: string; info?: string }, ttl: number, nowSeconds: number) {
    const Key = { [TABLE.partitionKey]: presenceKeys.channel(channel), [TABLE.sortKey]: presenceKeys.member(member.userId) };
    return storeCall('Presence store join', () =>
      updateLiveOrPutFresh(
        // A live member: one more connection (a set, so a repeated subscribe counts once).
        async () => {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key,
              UpdateExpression: 'ADD #conns :conn SET #ttl = :ttl' + (member.info !== undefined ? ', #info = :info' : ''),
              ConditionExpression: 'attribute_exists(#pk) AND #ttl > :now',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#conns': presenceKeys.connections, '#ttl': TABLE.ttlAttribute, ...(member.info !== undefined ? { '#info': presenceKeys.info } : {}) },
              ExpressionAttributeValues: { ':conn': new Set([connectionId]), ':ttl': ttl, ':now': nowSeconds, ...(member.info !== undefined ? { ':info': member.info } : {}) },
            }),
          );
          return { first: false };
        },
        // No member, or an expired one DynamoDB has not deleted yet: a fresh item, and the user just joined.
        async () => {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...Key,
                userId: member.userId,
                [presenceKeys.connections]: new Set([connectionId]),
                [TABLE.ttlAttribute]: ttl,
                ...(member.info !== undefined ? { [presenceKeys.info]: member.info } : {}),
              },
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

  async leave(channel: string, connectionId: string, userId: string) {
    const Key = { [TABLE.partitionKey]: presenceKeys.channel(channel), [TABLE.sortKey]: presenceKeys.member(userId) };
    return storeCall('Presence store leave', async () => {
      let remaining: Record<string, unknown>;
      try {
        const out = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'DELETE #conns :conn',
            ConditionExpression: 'contains(#conns, :id)',
            ExpressionAttributeNames: { '#conns': presenceKeys.connections },
            ExpressionAttributeValues: { ':conn': new Set([connectionId]), ':id': connectionId },
            ReturnValues: 'ALL_NEW',
          }),
        );
        remaining = out.Attributes ?? {};
      } catch (error) {
        if (conditionFailed(error)) return { last: false }; // not (or no longer) a member through this connection
        throw error;
      }
      // DynamoDB removes a set attribute that becomes empty.
      if (remaining[presenceKeys.connections] !== undefined) return { last: false };
      try {
        await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key,
            ConditionExpression: 'attribute_not_exists(#conns)',
            ExpressionAttributeNames: { '#conns': presenceKeys.connections },
          }),
        );
      } catch (error) {
        if (conditionFailed(error)) return { last: false }; // a new connection of the user joined meanwhile
        throw error;
      }
      const info = remaining[presenceKeys.info];
      return { last: true, ...(typeof info === 'string' ? { info } : {}) };
    });
  }

  async members(channel: string, limit: number, nowSeconds: number): Promise<PresenceSnapshot & { expired: ExpiredMember[] }> {
    const members: PresenceMember[] = [];
    const expired: ExpiredMember[] = [];
    let count = 0;
    await storeCall('Presence store members', async () => {
      const pages = queryPages(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#ttl': TABLE.ttlAttribute, '#u': 'userId', '#info': presenceKeys.info, '#conns': presenceKeys.connections },
        ExpressionAttributeValues: { ':pk': presenceKeys.channel(channel) },
        ProjectionExpression: '#u, #info, #ttl, #conns',
        ConsistentRead: true,
      });
      for await (const items of pages) {
        for (const item of items) {
          const info = item[presenceKeys.info] as string | undefined;
          // Expired members may linger until DynamoDB's TTL deletes them: never listed, never counted.
          if (typeof item[TABLE.ttlAttribute] === 'number' && (item[TABLE.ttlAttribute] as number) <= nowSeconds) {
            const conns = item[presenceKeys.connections];
            const connectionId = conns instanceof Set ? ([...conns][0] as string | undefined) : undefined;
            expired.push({ userId: item.userId as string, ...(info !== undefined ? { info } : {}), ...(connectionId !== undefined ? { connectionId } : {}) });
            continue;
          }
          count++;
          if (members.length < limit) members.push(presenceMember(item.userId as string, info));
        }
      }
    });
    return { members, count, expired };
  }

  async removeExpired(channel: string, userId: string, nowSeconds: number): Promise<boolean> {
    return storeCall('Presence store removeExpired', async () => {
      try {
        await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { [TABLE.partitionKey]: presenceKeys.channel(channel), [TABLE.sortKey]: presenceKeys.member(userId) },
            ConditionExpression: '#ttl <= :now',
            ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false; // rejoined meanwhile, or another caller removed it
        throw error;
      }
    });
  }

  async membershipsOf(connectionId: string): Promise<{ userId?: string; channels: string[] }> {
    const channels: string[] = [];
    let userId: string | undefined;
    await storeCall('Presence store membershipsOf', async () => {
      const pages = queryPages(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#u': 'userId', '#ch': 'channel' },
        ExpressionAttributeValues: { ':pk': keys.connection(connectionId) },
        ProjectionExpression: '#sk, #u, #ch',
        ConsistentRead: true,
      });
      for await (const items of pages) {
        for (const item of items) {
          if (item[TABLE.sortKey] === keys.meta && typeof item.userId === 'string') userId = item.userId;
          if (typeof item.channel === 'string' && item.channel.startsWith(PRESENCE_CHANNEL_PREFIX)) channels.push(item.channel);
        }
      }
    });
    return { ...(userId !== undefined ? { userId } : {}), channels };
  }
}
