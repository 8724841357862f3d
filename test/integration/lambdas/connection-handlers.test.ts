import { ENV } from '../../../shared/env';
import { ERROR_CODES } from '../../../shared/protocol';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { TABLE, keys, shardOf } from '../../../shared/table-schema';
import { loadHandlers, replyTo, startHandlersOnLocalAws, type Handlers } from '../../support/handlers';
import { apiGatewayEvent, type LocalAws } from '../../support/local-services';
import { captureStdout } from '../../support/logs';

const TABLE_NAME = 'connections-lifecycle';
const SHARDS = 4;
const MAX_SUBS = 3;
const TTL = 3 * 60 * 60;

describe('connection handlers against the local DynamoDB', () => {
  let aws: LocalAws;
  let h: Handlers;

  beforeAll(async () => {
    ({ aws, handlers: h } = await startHandlersOnLocalAws(TABLE_NAME, {
      [ENV.BROADCAST_SHARDS]: String(SHARDS),
      [ENV.MAX_SUBSCRIPTIONS]: String(MAX_SUBS),
      [ENV.CONNECTION_TTL_SECONDS]: String(TTL),
      [ENV.QUERY_PAGE_SIZE]: '2',
    }));
  });
  afterAll(async () => {
    await aws?.stop();
  });

  const itemsOf = (connectionId: string) => aws.connectionItems(TABLE_NAME, connectionId);
  const reply = (connectionId: string, body: string) => replyTo(h, connectionId, body);

  it('runs connect → subscribe → ping → unsubscribe → disconnect and keeps the records right', async () => {
    const id = 'Lc1kmxc2VNjMCFIA=';
    const before = Math.floor(Date.now() / 1000);
    expect(await h.connect(apiGatewayEvent.connect(id))).toMatchObject({ statusCode: 200 });

    const [meta] = await itemsOf(id);
    expect(meta).toEqual({
      [TABLE.partitionKey]: keys.connection(id),
      [TABLE.sortKey]: keys.meta,
      connectionId: id,
      connectedAt: expect.any(Number),
      [TABLE.ttlAttribute]: expect.any(Number),
      [TABLE.broadcastIndex.partitionKey]: keys.shard(shardOf(id, SHARDS)),
    });
    expect(meta![TABLE.ttlAttribute]).toBeGreaterThanOrEqual(before + TTL);
    expect(meta![TABLE.ttlAttribute]).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + TTL);

    expect(await reply(id, '{"action":"subscribe","channel":"scores"}')).toEqual({ type: 'subscribed', channel: 'scores', seq: 0 });
    expect(await reply(id, '{"action":"subscribe","channel":"news"}')).toEqual({ type: 'subscribed', channel: 'news', seq: 0 });
    expect(await reply(id, '{"action":"subscribe","channel":"scores"}')).toEqual({ type: 'subscribed', channel: 'scores', seq: 0 });
    expect(await reply(id, '{"action":"ping"}')).toEqual({ type: 'pong' });

    const subs = (await itemsOf(id)).filter((i) => i[TABLE.sortKey] !== keys.meta);
    expect(subs).toEqual(
      ['news', 'scores'].map((channel) => ({
        [TABLE.partitionKey]: keys.connection(id),
        [TABLE.sortKey]: keys.subscription(channel),
        connectionId: id,
        channel,
        [TABLE.audienceIndex.partitionKey]: keys.channelAudience(channel),
        [TABLE.ttlAttribute]: meta![TABLE.ttlAttribute],
      })),
    );

    expect(await reply(id, '{"action":"unsubscribe","channel":"news"}')).toEqual({ type: 'unsubscribed', channel: 'news' });
    expect((await itemsOf(id)).map((i) => i[TABLE.sortKey])).toEqual([keys.meta, keys.subscription('scores')]);

    expect(await h.disconnect(apiGatewayEvent.disconnect(id))).toMatchObject({ statusCode: 200 });
    expect(await itemsOf(id)).toEqual([]);
    // Disconnecting again (best-effort $disconnect, or after a 410 already removed it) is fine.
    expect(await h.disconnect(apiGatewayEvent.disconnect(id))).toMatchObject({ statusCode: 200 });
  });

  it('disconnect removes the meta item and every subscription, across query pages and batches', async () => {
    const id = 'many-subs';
    // More items than one BatchWriteItem (25) and many query pages (QUERY_PAGE_SIZE=2): written
    // directly, as MAX_SUBSCRIPTIONS is small here.
    await h.connect(apiGatewayEvent.connect(id));
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    for (let i = 0; i < 30; i++) {
      await aws.documentClient.send(
        new PutCommand({
          TableName: TABLE_NAME,
          Item: { [TABLE.partitionKey]: keys.connection(id), [TABLE.sortKey]: keys.subscription(`ch${i}`), connectionId: id, channel: `ch${i}`, [TABLE.audienceIndex.partitionKey]: keys.channelAudience(`ch${i}`) },
        }),
      );
    }
    expect(await itemsOf(id)).toHaveLength(31);
    expect(await h.disconnect(apiGatewayEvent.disconnect(id))).toMatchObject({ statusCode: 200 });
    expect(await itemsOf(id)).toEqual([]);
  });

  it('records the authorizer user (principalId or userId) on the meta item', async () => {
    await h.connect(apiGatewayEvent.connect('u1', { principalId: 'alice' }));
    await h.connect(apiGatewayEvent.connect('u2', { principalId: 'ignored', context: { userId: 'bob' } }));
    const get = (id: string) => aws.metaItem(TABLE_NAME, id);
    expect(await get('u1')).toMatchObject({ userId: 'alice', [TABLE.audienceIndex.partitionKey]: keys.userAudience('alice') });
    expect(await get('u2')).toMatchObject({ userId: 'bob', [TABLE.audienceIndex.partitionKey]: keys.userAudience('bob') });
  });

  it.each([
    ['not JSON', 'hello', ERROR_CODES.InvalidJson],
    ['a JSON number', '42', ERROR_CODES.InvalidFrame],
    ['no action', '{"channel":"x"}', ERROR_CODES.InvalidFrame],
    ['an unknown action', '{"action":"shout"}', ERROR_CODES.UnknownAction],
    ['subscribe without channel', '{"action":"subscribe"}', ERROR_CODES.InvalidChannel],
    ['a bad channel', '{"action":"subscribe","channel":"bad channel!"}', ERROR_CODES.InvalidChannel],
    ['an empty channel', '{"action":"unsubscribe","channel":""}', ERROR_CODES.InvalidChannel],
    ['a frame over 128 KB', JSON.stringify({ action: 'ping', pad: 'x'.repeat(MAX_MESSAGE_BYTES) }), ERROR_CODES.MessageTooLarge],
  ])('answers %s with a typed error frame', async (_label, body, code) => {
    await h.connect(apiGatewayEvent.connect('bad-frames'));
    const frame = await reply('bad-frames', body);
    expect(frame).toEqual({ type: 'error', code, message: expect.any(String) });
  });

  it('answers UnknownConnection to a connection that is not registered', async () => {
    expect(await reply('never-connected', '{"action":"subscribe","channel":"a"}')).toMatchObject({ type: 'error', code: ERROR_CODES.UnknownConnection });
    expect(await reply('never-connected', '{"action":"unsubscribe","channel":"a"}')).toMatchObject({ type: 'error', code: ERROR_CODES.UnknownConnection });
    expect(await itemsOf('never-connected')).toEqual([]);
  });

  it('enforces MAX_SUBSCRIPTIONS and lets a connection re-subscribe at the limit', async () => {
    const id = 'limit';
    await h.connect(apiGatewayEvent.connect(id));
    for (let i = 0; i < MAX_SUBS; i++) expect(await reply(id, `{"action":"subscribe","channel":"c${i}"}`)).toMatchObject({ type: 'subscribed' });
    expect(await reply(id, '{"action":"subscribe","channel":"c0"}')).toMatchObject({ type: 'subscribed' });
    expect(await reply(id, '{"action":"subscribe","channel":"one-more"}')).toMatchObject({
      type: 'error',
      code: ERROR_CODES.TooManySubscriptions,
      message: expect.stringContaining(String(MAX_SUBS)),
    });
    expect(await itemsOf(id)).toHaveLength(1 + MAX_SUBS);
    expect(await reply(id, '{"action":"unsubscribe","channel":"c1"}')).toMatchObject({ type: 'unsubscribed' });
    expect(await reply(id, '{"action":"subscribe","channel":"one-more"}')).toMatchObject({ type: 'subscribed' });
  });

  describe('when DynamoDB fails (the table does not exist)', () => {
    let broken: Handlers;
    beforeAll(() => {
      broken = loadHandlers({ [ENV.CONNECTIONS_TABLE]: 'no-such-table' });
    });
    afterAll(() => {
      process.env[ENV.CONNECTIONS_TABLE] = TABLE_NAME;
    });

    it('connect answers 500 so API Gateway refuses the handshake, and logs why', async () => {
      const { result, lines } = await captureStdout(() => broken.connect(apiGatewayEvent.connect('x1')));
      expect(result.statusCode).toBe(500);
      expect(lines).toEqual([expect.objectContaining({ level: 'ERROR', message: 'connect failed', connectionId: 'x1' })]);
    });

    it('default answers an InternalError frame and does not throw', async () => {
      const { result } = await captureStdout(() => broken.default(apiGatewayEvent.message('x1', '{"action":"subscribe","channel":"a"}')));
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ type: 'error', code: ERROR_CODES.InternalError });
    });
  });

  it('answers every frame with InternalError (not a throw) when the configuration is invalid', async () => {
    const misconfigured = loadHandlers({ [ENV.CONNECTIONS_TABLE]: TABLE_NAME, [ENV.MAX_SUBSCRIPTIONS]: 'lots' });
    try {
      const { result, lines } = await captureStdout(() => misconfigured.default(apiGatewayEvent.message('x', '{"action":"ping"}')));
      expect(JSON.parse(result.body)).toMatchObject({ type: 'error', code: ERROR_CODES.InternalError });
      expect(lines[0]).toMatchObject({ level: 'ERROR', error: expect.objectContaining({ name: 'InvalidConfigError', message: expect.stringContaining(ENV.MAX_SUBSCRIPTIONS) }) });
    } finally {
      process.env[ENV.MAX_SUBSCRIPTIONS] = String(MAX_SUBS);
    }
  });
});
