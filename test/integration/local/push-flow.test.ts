import { randomUUID } from 'node:crypto';
import { ApiGatewayManagementApiClient, GetConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { keys, shardOf } from '../../../shared/table-schema';
import { DEFAULT_BROADCAST_SHARDS } from '../../../shared/limits';
import { startTarget, type PushTarget } from '../../support/target';
import { waitUntil } from '../../support/wait-until';
import { TestClient } from '../../support/ws-client';

/**
 * The product's behaviour end to end, through real clients: `ws` sockets, the AWS SDK publishing to
 * EventBridge, the management API. Runs against the local cloud, or a deployed stack with
 * WSP_DEPLOYED_OUTPUTS (see test/support/target.ts).
 */
describe('push flow (local cloud, or a deployment with WSP_DEPLOYED_OUTPUTS)', () => {
  let target: PushTarget;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await TestClient.connect(target.webSocketUrl);
    clients.push(c);
    return c;
  };
  /** A client learns nothing of its connection id; the test finds it through a channel only it joined. */
  const connectionIdOf = async (c: TestClient): Promise<string> => {
    const marker = `whoami-${randomUUID()}`;
    await c.subscribe(marker);
    let id: string | undefined;
    // The audience index is eventually consistent on AWS.
    await waitUntil(async () => ([id] = await target.subscribers(marker)).length > 0, 'the subscription in the registry', { intervalMs: 250 });
    return id!;
  };
  const channel = () => `test-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    target = await startTarget();
  }, 90_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await target?.stop();
  });

  it('delivers a channel event to its subscribers only, with the event id', async () => {
    const scores = channel();
    const [a, b, other] = [await connect(), await connect(), await connect()];
    await a.subscribe(scores);
    await b.subscribe(scores);
    await other.subscribe(channel());
    const id = await target.publish({ channel: scores, data: { home: 2, away: 1 } });
    for (const c of [a, b]) {
      expect(await c.next((m) => m.type === 'message' && m.id === id)).toMatchObject({ type: 'message', channel: scores, id, data: { home: 2, away: 1 } });
    }
    await target.settle();
    expect(other.messages()).toEqual([]);
  });

  it('stops delivering after unsubscribe', async () => {
    const ch = channel();
    const c = await connect();
    await c.subscribe(ch);
    c.send({ action: 'unsubscribe', channel: ch });
    await c.next((m) => m.type === 'unsubscribed' && m.channel === ch);
    await target.publish({ channel: ch, data: 1 });
    await target.settle();
    expect(c.messages()).toEqual([]);
  });

  it('targets one connection by id, and broadcasts to every connection', async () => {
    const [a, b] = [await connect(), await connect()];
    const idA = await connectionIdOf(a);
    const direct = await target.publish({ connectionId: idA, data: 'just you' });
    expect(await a.next((m) => m.id === direct)).toMatchObject({ type: 'message', data: 'just you' });
    const all = await target.publish({ broadcast: true, data: 'everyone' });
    for (const c of [a, b]) expect(await c.next((m) => m.id === all)).toMatchObject({ data: 'everyone' });
    await target.settle();
    expect(b.messages().some((m) => m.id === direct)).toBe(false);
    expect(a.messages().find((m) => m.id === all).channel).toBeUndefined();
  });

  it('answers protocol errors with typed frames and keeps the connection usable', async () => {
    const c = await connect();
    // Not protocol actions: forwarded to services (clientMessages, on by default), so no error frame.
    // With clientMessages off they get InvalidJson and UnknownAction (test/integration/local/talkback.test.ts).
    c.send('not json');
    c.send({ action: 'dance' });
    c.send({ action: 'subscribe', channel: 'bad channel!' });
    expect(await c.next((m) => m.code === 'InvalidChannel')).toMatchObject({ type: 'error' });
    c.send({ action: 'ping' });
    expect(await c.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
    expect(c.frames.filter((m) => m.type === 'error').map((m) => m.code)).toEqual(['InvalidChannel']);
  });

  it('removes the connection and every subscription on disconnect', async () => {
    const c = await connect();
    const id = await connectionIdOf(c);
    await c.subscribe(channel());
    expect((await target.registryItems(id)).length).toBe(3); // meta + 2 subscriptions
    c.close();
    await c.closed();
    await waitUntil(async () => (await target.registryItems(id)).length === 0, '$disconnect to remove the records', { intervalMs: 100 });
    expect(await target.registryItems(id)).toEqual([]);
  });

  it('removes a stale connection that answers 410, and only that one', async () => {
    const ch = channel();
    const live = await connect();
    await live.subscribe(ch);
    const liveId = await connectionIdOf(live);
    // A connection whose $disconnect never ran: its records are still in the registry, its socket is gone.
    const stale = 'StaleConnAAAAA=';
    const ttl = Math.floor(Date.now() / 1000) + 3600;
    await target.putRegistryItem({ pk: keys.connection(stale), sk: keys.meta, connectionId: stale, connectedAt: Date.now(), ttl, shard: keys.shard(shardOf(stale, DEFAULT_BROADCAST_SHARDS)) });
    await target.putRegistryItem({ pk: keys.connection(stale), sk: keys.subscription(ch), connectionId: stale, channel: ch, audience: keys.channelAudience(ch), ttl });
    const id = await target.publish({ channel: ch, data: 'still here?' });
    expect(await live.next((m) => m.id === id)).toMatchObject({ data: 'still here?' });
    await target.settle();
    await waitUntil(async () => (await target.registryItems(stale)).length === 0, 'the 410 to remove the stale records', { intervalMs: 100 });
    expect(await target.registryItems(stale)).toEqual([]);
    expect((await target.registryItems(liveId)).length).toBeGreaterThan(0);
  });

  it('serves the management API as AWS does: post, get, and 410 GoneException for an unknown id', async () => {
    const c = await connect();
    const id = await connectionIdOf(c);
    const mgmt = new ApiGatewayManagementApiClient({ ...target.aws, endpoint: target.callbackUrl });
    try {
      await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: JSON.stringify({ type: 'hello' }) }));
      expect(await c.next((m) => m.type === 'hello')).toEqual({ type: 'hello' });
      const info = await mgmt.send(new GetConnectionCommand({ ConnectionId: id }));
      expect(info.ConnectedAt).toBeInstanceOf(Date);
      const gone = await mgmt.send(new PostToConnectionCommand({ ConnectionId: 'NoSuchConnAAAA=', Data: 'x' })).catch((e) => e);
      expect(gone).toBeInstanceOf(GoneException);
      expect(gone.$metadata.httpStatusCode).toBe(410);
    } finally {
      mgmt.destroy();
    }
  });
});
