import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Audience } from '../../shared/events';
import { META, TABLE, keys, shardOf } from '../../shared/table-schema';
import { queryPages } from './query-pages';
import { fullJitterDelay, sleep as realSleep } from '../core/backoff';
import type { ConnectionRegistration, ConnectionStore, RemoveResult, SubscribeResult, UnsubscribeResult } from '../core/connection-store';
import { StoreError, TooManySubscriptionsError, UnknownConnectionError } from '../core/errors';
import { storeCall } from './store-call';

/** Settings of {@link DynamoDbConnectionStore}. */
export interface DynamoDbConnectionStoreOptions {
  readonly tableName: string;
  /** Shards of the broadcast index; writers and readers must agree. */
  readonly broadcastShards: number;
  /** `Limit` of every query page. @default undefined (DynamoDB's 1 MB pages) */
  readonly queryPageSize?: number;
  /** Attempts of a BatchWriteItem until no UnprocessedItems remain. @default 8 */
  readonly batchWriteAttempts?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Key = Record<string, string>;

/** DynamoDB's BatchWriteItem limit. */
const BATCH_WRITE_LIMIT = 25;

/**
 * The connection registry in one DynamoDB table, with the item layout of `shared/table-schema.ts`.
 * Every lookup is a `Query` paginated to the end.
 */
export class DynamoDbConnectionStore implements ConnectionStore {
  private readonly table: string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: DynamoDbConnectionStoreOptions,
  ) {
    this.table = options.tableName;
  }

  async register(registration: ConnectionRegistration): Promise<void> {
    const { connectionId, connectedAt, ttl, userId, channels, publish, info } = registration;
    await storeCall('Connection store register', () =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            [TABLE.partitionKey]: keys.connection(connectionId),
            [TABLE.sortKey]: keys.meta,
            connectionId,
            connectedAt,
            [TABLE.ttlAttribute]: ttl,
            [TABLE.broadcastIndex.partitionKey]: keys.shard(shardOf(connectionId, this.options.broadcastShards)),
            ...(userId !== undefined ? { userId, [TABLE.audienceIndex.partitionKey]: keys.userAudience(userId) } : {}),
            ...(channels !== undefined && channels.length > 0 ? { [META.channels]: [...channels] } : {}),
            ...(publish !== undefined && publish.length > 0 ? { [META.publish]: [...publish] } : {}),
            ...(info !== undefined ? { [META.info]: info } : {}),
          },
        }),
      ),
    );
  }

  /** Epoch ms of the connection's handshake, from its record (a consistent read); undefined without one. */
  async connectedAt(connectionId: string): Promise<number | undefined> {
    return storeCall('Connection store connectedAt', async () => {
      // A Query on the key (not GetItem): every function that removes connections may Query the table.
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk AND #sk = :sk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#at': 'connectedAt', '#n': META.messageCount },
          ExpressionAttributeValues: { ':pk': keys.connection(connectionId), ':sk': keys.meta },
          ProjectionExpression: '#at, #n',
          ConsistentRead: true,
        }),
      );
      const item = answer.Items?.[0];
      // A connection that has sent a frame is past its handshake ($default runs on open connections only):
      // its 410 means gone, whatever its age.
      if (item === undefined || item[META.messageCount] !== undefined) return undefined;
      const value = item.connectedAt;
      return typeof value === 'number' ? value : undefined;
    });
  }

  async remove(connectionId: string): Promise<RemoveResult> {
    const channels: string[] = [];
    let userId: string | undefined;
    const nowSeconds = Math.floor(Date.now() / 1000);
    await storeCall('Connection store remove', async () => {
      // Delete page by page: a query page is at most 1 MB, and deleting already-read items does not
      // disturb the next page's ExclusiveStartKey.
      for await (const items of this.query({
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#ch': 'channel', '#u': 'userId', '#ttl': TABLE.ttlAttribute },
        ExpressionAttributeValues: { ':pk': keys.connection(connectionId) },
        ProjectionExpression: '#pk, #sk, #ch, #u, #ttl',
        ConsistentRead: true,
      })) {
        for (const item of items) {
          // An expired subscription DynamoDB has not deleted yet is not reported: nothing counts it any more.
          const ttl = item[TABLE.ttlAttribute];
          if (typeof item.channel === 'string' && !(typeof ttl === 'number' && ttl <= nowSeconds)) channels.push(item.channel);
          if (item[TABLE.sortKey] === keys.meta && typeof item.userId === 'string') userId = item.userId;
        }
        const keysToDelete = items.map((i) => ({ [TABLE.partitionKey]: i[TABLE.partitionKey], [TABLE.sortKey]: i[TABLE.sortKey] }) as Key);
        for (let i = 0; i < keysToDelete.length; i += BATCH_WRITE_LIMIT) {
          await this.deleteBatch(keysToDelete.slice(i, i + BATCH_WRITE_LIMIT));
        }
      }
    });
    return { ...(userId !== undefined ? { userId } : {}), channels };
  }

  async subscribe(connectionId: string, channel: string, maxSubscriptions: number): Promise<SubscribeResult> {
    // One query of the connection's partition tells whether it is registered, its TTL, whether the
    // subscription exists and how many there are.
    let ttl: number | undefined;
    let registered = false;
    let exists = false;
    let count = 0;
    const subKey = keys.subscription(channel);
    await storeCall('Connection store subscribe', async () => {
      for await (const items of this.query({
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#ttl': TABLE.ttlAttribute },
        ExpressionAttributeValues: { ':pk': keys.connection(connectionId) },
        ProjectionExpression: '#sk, #ttl',
        ConsistentRead: true,
      })) {
        for (const item of items) {
          const sk = item[TABLE.sortKey] as string;
          if (sk === keys.meta) {
            registered = true;
            ttl = item[TABLE.ttlAttribute] as number | undefined;
          } else if (sk.startsWith(keys.subscriptionPrefix)) {
            count++;
            if (sk === subKey) exists = true;
          }
        }
      }
    });
    if (!registered) throw new UnknownConnectionError(connectionId);
    if (exists) return { created: false };
    if (count >= maxSubscriptions) throw new TooManySubscriptionsError(connectionId, maxSubscriptions);
    await storeCall('Connection store subscribe', () =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            [TABLE.partitionKey]: keys.connection(connectionId),
            [TABLE.sortKey]: subKey,
            connectionId,
            channel,
            [TABLE.audienceIndex.partitionKey]: keys.channelAudience(channel),
            ...(ttl !== undefined ? { [TABLE.ttlAttribute]: ttl } : {}),
          },
        }),
      ),
    );
    return { created: true };
  }

  async unsubscribe(connectionId: string, channel: string): Promise<UnsubscribeResult> {
    if (!(await this.hasMeta('unsubscribe', connectionId, true))) throw new UnknownConnectionError(connectionId);
    const out = await storeCall('Connection store unsubscribe', () =>
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { [TABLE.partitionKey]: keys.connection(connectionId), [TABLE.sortKey]: keys.subscription(channel) },
          // Tells whether this call removed it (the channel's occupancy counts each subscription once).
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return { removed: out.Attributes !== undefined };
  }

  async *audience(audience: Audience): AsyncIterable<readonly string[]> {
    switch (audience.kind) {
      case 'connectionId': {
        const { connectionId } = audience;
        yield (await this.hasMeta('audience', connectionId, false)) ? [connectionId] : [];
        return;
      }
      case 'channel':
        yield* this.indexIds(TABLE.audienceIndex, keys.channelAudience(audience.channel));
        return;
      case 'userId':
        yield* this.indexIds(TABLE.audienceIndex, keys.userAudience(audience.userId));
        return;
      case 'broadcast':
        // Every shard is its own partition key (no single hot key): they are read concurrently and their
        // pages handed on as they arrive, so the first posts start after one page, not after every shard.
        yield* mergePages(
          Array.from({ length: this.options.broadcastShards }, (_, shard) => this.indexIds(TABLE.broadcastIndex, keys.shard(shard))),
        );
        return;
    }
  }

  /** Whether the connection's meta item exists (a registered connection), read as `operation`. */
  private async hasMeta(operation: string, connectionId: string, consistentRead: boolean): Promise<boolean> {
    const meta = await storeCall(`Connection store ${operation}`, () =>
      this.client.send(
        new GetCommand({
          TableName: this.table,
          Key: { [TABLE.partitionKey]: keys.connection(connectionId), [TABLE.sortKey]: keys.meta },
          ProjectionExpression: '#sk',
          ExpressionAttributeNames: { '#sk': TABLE.sortKey },
          ...(consistentRead ? { ConsistentRead: true } : {}),
        }),
      ),
    );
    return Boolean(meta.Item);
  }

  private async *indexIds(
    index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string },
    value: string,
  ): AsyncGenerator<readonly string[]> {
    const pages = this.query({
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: '#k = :v',
      ExpressionAttributeNames: { '#k': index.partitionKey, '#id': index.sortKey },
      ExpressionAttributeValues: { ':v': value },
      ProjectionExpression: '#id',
    });
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await storeCall('Connection store audience', () => iterator.next());
      if (next.done) return;
      yield next.value.map((item) => item[index.sortKey] as string);
    }
  }

  /** Every page of a query, following LastEvaluatedKey to the end. */
  private query(input: QueryCommandInput): AsyncGenerator<Record<string, unknown>[]> {
    return queryPages(this.client, input, this.options.queryPageSize);
  }

  private async deleteBatch(batch: Key[]): Promise<void> {
    const attempts = this.options.batchWriteAttempts ?? 8;
    const sleep = this.options.sleep ?? realSleep;
    let pending: NonNullable<NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]> = batch.map(
      (Key) => ({ DeleteRequest: { Key } }),
    );
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
      pending = result.UnprocessedItems?.[this.table] ?? [];
      if (pending.length === 0) return;
      if (attempt >= attempts) {
        throw new StoreError(`${pending.length} deletes still unprocessed after ${attempts} BatchWriteItem attempts`);
      }
      // Unprocessed items mean the partition is throttled: back off before retrying them.
      await sleep(fullJitterDelay(attempt, { baseDelayMs: 50, maxDelayMs: 1000 }));
    }
  }
}

/**
 * Pages of several sources, in the order they arrive, reading every source concurrently (one page ahead
 * each, so memory stays bounded). An error of any source propagates.
 */
async function* mergePages(sources: AsyncIterator<readonly string[]>[]): AsyncGenerator<readonly string[]> {
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<readonly string[]> }>>();
  const pull = (index: number) => {
    const next = sources[index]!.next().then((result) => ({ index, result }));
    next.catch(() => undefined); // surfaced by the race below; never unhandled if the reader stops early
    pending.set(index, next);
  };
  sources.forEach((_, i) => pull(i));
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(index);
      continue;
    }
    pull(index);
    yield result.value;
  }
}
