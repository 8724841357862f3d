import { DynamoDbConnectionStore } from '../../../lambdas/adapters/dynamodb-connection-store';
import type { ConnectionRegistration, ConnectionStore } from '../../../lambdas/core/connection-store';
import { TooManySubscriptionsError, UnknownConnectionError } from '../../../lambdas/core/errors';
import type { Audience } from '../../../shared/events';
import { shardOf } from '../../../shared/table-schema';
import { InMemoryConnectionStore } from '../../support/in-memory-connection-store';
import { startLocalAws, type LocalAws } from '../../support/local-services';

const PAGE_SIZE = 3;
const SHARDS = 4;
const MAX_SUBSCRIPTIONS = 3;
const NOW = Math.floor(Date.now() / 1000);
const HOUR = 3600;

/** A store of one implementation, empty, with a way to let its records' TTL pass. */
interface StoreUnderTest {
  readonly store: ConnectionStore;
  /** Moves the store's clock to `nowSeconds` and runs its TTL expiry. */
  expireAt(nowSeconds: number): Promise<void>;
}

/** One implementation of `ConnectionStore`, run through the contract below. */
interface Implementation {
  readonly name: string;
  beforeAll(): Promise<void>;
  /** A new, empty store (every case starts from one). */
  empty(): Promise<StoreUnderTest>;
  afterAll(): Promise<void>;
}

const inMemory: Implementation = {
  name: 'InMemoryConnectionStore (the unit tests of core)',
  beforeAll: async () => undefined,
  async empty() {
    const store = new InMemoryConnectionStore(PAGE_SIZE, SHARDS);
    return { store, expireAt: async (nowSeconds) => void store.expire(nowSeconds) };
  },
  afterAll: async () => undefined,
};

const onLocalDynamoDb = (() => {
  let aws: LocalAws;
  let clockMs = Date.now();
  let tables = 0;
  const implementation: Implementation = {
    name: 'DynamoDbConnectionStore on the local DynamoDB',
    async beforeAll() {
      // The TTL sweeper's clock is the test's; sweeps run only when a case asks (expireAt).
      aws = await startLocalAws({ now: () => clockMs, ttlSweepIntervalMs: 24 * HOUR * 1000 });
    },
    async empty() {
      const tableName = `contract-${++tables}`;
      await aws.createConnectionsTable(tableName);
      const store = new DynamoDbConnectionStore(aws.documentClient, { tableName, broadcastShards: SHARDS, queryPageSize: PAGE_SIZE });
      return {
        store,
        async expireAt(nowSeconds) {
          clockMs = nowSeconds * 1000;
          await aws.dynamodb.sweepNow();
        },
      };
    },
    afterAll: async () => aws?.stop(),
  };
  return implementation;
})();

describe.each([inMemory, onLocalDynamoDb])('ConnectionStore contract: $name', (implementation) => {
  let subject: StoreUnderTest;
  let store: ConnectionStore;

  beforeAll(() => implementation.beforeAll());
  afterAll(() => implementation.afterAll());
  beforeEach(async () => {
    subject = await implementation.empty();
    store = subject.store;
  });

  const registration = (connectionId: string, extra: Partial<ConnectionRegistration> = {}): ConnectionRegistration => ({
    connectionId,
    connectedAt: NOW * 1000,
    ttl: NOW + HOUR,
    ...extra,
  });
  const register = async (...ids: string[]) => {
    for (const id of ids) await store.register(registration(id));
  };
  /** Every page of an audience; each holds at most a page size of ids. */
  const pagesOf = async (audience: Audience): Promise<(readonly string[])[]> => {
    const pages: (readonly string[])[] = [];
    for await (const page of store.audience(audience)) {
      expect(page.length).toBeLessThanOrEqual(PAGE_SIZE);
      pages.push(page);
    }
    return pages;
  };
  /** The ids of an audience, sorted (with any duplicate kept, so that the comparison shows it). */
  const idsOf = async (audience: Audience) => (await pagesOf(audience)).flat().sort();
  const channel = (name: string): Audience => ({ kind: 'channel', channel: name });
  const user = (userId: string): Audience => ({ kind: 'userId', userId });
  const connection = (connectionId: string): Audience => ({ kind: 'connectionId', connectionId });
  const broadcast: Audience = { kind: 'broadcast' };

  it('finds a registered connection by its id, and nobody for an unknown id', async () => {
    await register('a');
    expect(await idsOf(connection('a'))).toEqual(['a']);
    expect(await idsOf(connection('unknown'))).toEqual([]);
  });

  it('finds every connection of a user, page by page, and only those', async () => {
    const alice = ['alice-1', 'alice-2', 'alice-3', 'alice-4', 'alice-5'];
    for (const id of alice) await store.register(registration(id, { userId: 'alice' }));
    await store.register(registration('bob-1', { userId: 'bob' }));
    await register('anonymous-1');
    expect(await idsOf(user('alice'))).toEqual(alice);
    expect(await idsOf(user('bob'))).toEqual(['bob-1']);
    expect(await idsOf(user('carol'))).toEqual([]);
  });

  it('subscribes once: a repeated subscribe is not counted twice', async () => {
    await register('a', 'b');
    expect(await store.subscribe('a', 'scores', MAX_SUBSCRIPTIONS)).toEqual({ created: true });
    expect(await store.subscribe('a', 'scores', MAX_SUBSCRIPTIONS)).toEqual({ created: false });
    expect(await idsOf(channel('scores'))).toEqual(['a']);
    await store.subscribe('b', 'scores', MAX_SUBSCRIPTIONS);
    expect(await idsOf(channel('scores'))).toEqual(['a', 'b']);
    expect(await idsOf(channel('news'))).toEqual([]);
  });

  it('refuses to subscribe or unsubscribe a connection that is not registered', async () => {
    await expect(store.subscribe('ghost', 'scores', MAX_SUBSCRIPTIONS)).rejects.toEqual(new UnknownConnectionError('ghost'));
    await expect(store.unsubscribe('ghost', 'scores')).rejects.toBeInstanceOf(UnknownConnectionError);
    expect(await idsOf(channel('scores'))).toEqual([]);
  });

  it('enforces the subscription limit, lets a connection re-subscribe at it, and frees a place on unsubscribe', async () => {
    await register('a');
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) await store.subscribe('a', `c${i}`, MAX_SUBSCRIPTIONS);
    await expect(store.subscribe('a', 'one-more', MAX_SUBSCRIPTIONS)).rejects.toEqual(new TooManySubscriptionsError('a', MAX_SUBSCRIPTIONS));
    expect(await store.subscribe('a', 'c0', MAX_SUBSCRIPTIONS)).toEqual({ created: false });
    await store.unsubscribe('a', 'c1');
    expect(await store.subscribe('a', 'one-more', MAX_SUBSCRIPTIONS)).toEqual({ created: true });
    expect(await idsOf(channel('one-more'))).toEqual(['a']);
    expect(await idsOf(channel('c1'))).toEqual([]);
  });

  it('unsubscribes one channel and keeps the others; unsubscribing a channel it is not on is a no-op', async () => {
    await register('a');
    await store.subscribe('a', 'scores', MAX_SUBSCRIPTIONS);
    await store.subscribe('a', 'news', MAX_SUBSCRIPTIONS);
    expect(await store.unsubscribe('a', 'news')).toEqual({ removed: true });
    expect(await store.unsubscribe('a', 'news')).toEqual({ removed: false });
    expect(await store.unsubscribe('a', 'never-subscribed')).toEqual({ removed: false });
    expect(await idsOf(channel('news'))).toEqual([]);
    expect(await idsOf(channel('scores'))).toEqual(['a']);
    expect(await idsOf(connection('a'))).toEqual(['a']);
  });

  it('removes a connection from every audience, with its subscriptions; removing again is a no-op', async () => {
    await store.register(registration('a', { userId: 'alice' }));
    await store.register(registration('b', { userId: 'alice' }));
    await store.subscribe('a', 'scores', MAX_SUBSCRIPTIONS);
    await store.subscribe('b', 'scores', MAX_SUBSCRIPTIONS);
    await store.subscribe('a', 'news', MAX_SUBSCRIPTIONS);
    const removed = await store.remove('a');
    expect({ ...removed, channels: [...removed.channels].sort() }).toEqual({ userId: 'alice', channels: ['news', 'scores'] });
    for (const audience of [channel('scores'), user('alice'), broadcast]) expect(await idsOf(audience)).toEqual(['b']);
    expect(await idsOf(connection('a'))).toEqual([]);
    expect(await store.remove('a')).toEqual({ channels: [] });
    expect(await store.remove('never-registered')).toEqual({ channels: [] });
    await expect(store.subscribe('a', 'scores', MAX_SUBSCRIPTIONS)).rejects.toBeInstanceOf(UnknownConnectionError);
  });

  it('reads a channel of more subscribers than a page, page by page to the end, each subscriber once', async () => {
    const ids = Array.from({ length: 3 * PAGE_SIZE + 1 }, (_, i) => `sub-${String(i).padStart(2, '0')}`);
    await register(...ids, 'not-subscribed');
    for (const id of ids) await store.subscribe(id, 'big', MAX_SUBSCRIPTIONS);
    const pages = await pagesOf(channel('big'));
    expect(pages.filter((p) => p.length > 0).length).toBeGreaterThanOrEqual(Math.ceil(ids.length / PAGE_SIZE));
    expect(pages.flat().sort()).toEqual(ids);
  });

  it('broadcasts to every registered connection, across the shards, each once', async () => {
    const ids = Array.from({ length: 13 }, (_, i) => `conn-${String(i).padStart(2, '0')}`);
    expect(new Set(ids.map((id) => shardOf(id, SHARDS))).size).toBeGreaterThan(1);
    await register(...ids);
    await store.subscribe(ids[0]!, 'scores', MAX_SUBSCRIPTIONS); // subscriptions are not connections
    expect(await idsOf(broadcast)).toEqual(ids);
  });

  it('registering again replaces the record (its user) and keeps the subscriptions', async () => {
    await store.register(registration('a', { userId: 'alice' }));
    await store.subscribe('a', 'scores', MAX_SUBSCRIPTIONS);
    await store.register(registration('a', { userId: 'bob', ttl: NOW + 2 * HOUR }));
    expect(await idsOf(user('alice'))).toEqual([]);
    expect(await idsOf(user('bob'))).toEqual(['a']);
    expect(await idsOf(channel('scores'))).toEqual(['a']);
    expect(await idsOf(broadcast)).toEqual(['a']);
  });

  it('lets a connection and its subscriptions expire once its ttl has passed, and keeps the others', async () => {
    await store.register(registration('short', { ttl: NOW + 10, userId: 'alice' }));
    await store.register(registration('long', { ttl: NOW + HOUR, userId: 'alice' }));
    await store.subscribe('short', 'scores', MAX_SUBSCRIPTIONS);
    await store.subscribe('long', 'scores', MAX_SUBSCRIPTIONS);

    await subject.expireAt(NOW + 10); // not yet: expiry is strictly after the ttl
    expect(await idsOf(channel('scores'))).toEqual(['long', 'short']);

    await subject.expireAt(NOW + 11);
    for (const audience of [channel('scores'), user('alice'), broadcast]) expect(await idsOf(audience)).toEqual(['long']);
    expect(await idsOf(connection('short'))).toEqual([]);
    await expect(store.subscribe('short', 'news', MAX_SUBSCRIPTIONS)).rejects.toBeInstanceOf(UnknownConnectionError);
  });
});
