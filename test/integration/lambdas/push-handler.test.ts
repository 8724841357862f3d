import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../../shared/env';
import type { PushMessage } from '../../../shared/protocol';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { TABLE, keys, shardOf } from '../../../shared/table-schema';
import { handlerEnv, inPool, loadHandlers, startHandlerGateway, type HandlerGateway, type Handlers, type LiveConnection } from '../../support/handlers';
import { apiGatewayEvent, pushEvent, startLocalAws, type LocalAws, type TestGateway } from '../../support/local-services';
import { captureStdout } from '../../support/logs';
import { waitUntil } from '../../support/wait-until';

const TABLE_NAME = 'connections-push';
const SHARDS = 4;
const PAGE_SIZE = 50;
const CONCURRENCY = 16;

/*
 * The push handler against the local cloud's parts on loopback: the local DynamoDB for the registry, the
 * local SQS for the dead-letter queue (both behind the local AWS endpoint), and the local gateway's management
 * API with real `ws` clients connected through the handlers' own routes. Answers the gateway cannot produce by
 * itself (429, 500, 403 on a live connection) come from its fault script.
 */
describe('push handler', () => {
  let aws: LocalAws;
  let gw: HandlerGateway;
  let api: TestGateway;
  let h: Handlers;
  let env: Record<string, string>;
  let deadLetterQueueUrl: string;

  beforeAll(async () => {
    aws = await startLocalAws();
    await aws.createConnectionsTable(TABLE_NAME);
    deadLetterQueueUrl = aws.createQueue('dead-letters');
    env = handlerEnv(aws, TABLE_NAME, {
      [ENV.DEAD_LETTER_QUEUE_URL]: deadLetterQueueUrl,
      [ENV.BROADCAST_SHARDS]: String(SHARDS),
      [ENV.QUERY_PAGE_SIZE]: String(PAGE_SIZE),
      [ENV.DELIVERY_CONCURRENCY]: String(CONCURRENCY),
    });
    // CALLBACK_URL is read on the first push, once the gateway (which runs these handlers' routes) listens.
    h = loadHandlers(env);
    gw = await startHandlerGateway(h);
    api = gw.gateway;
    env[ENV.CALLBACK_URL] = api.callbackUrl;
    process.env[ENV.CALLBACK_URL] = api.callbackUrl;
  });
  afterAll(async () => {
    await gw?.stop();
    await aws?.stop();
  });
  beforeEach(async () => {
    api.reset();
    await aws.drainQueue(deadLetterQueueUrl);
  });

  /** Connects `count` clients through the gateway and subscribes each to `channels`. */
  async function connect(count: number, options: { channels?: string[]; user?: string } = {}): Promise<LiveConnection[]> {
    const out: LiveConnection[] = [];
    await inPool(Array.from({ length: count }, (_, i) => i), 32, async () => {
      const live = await gw.connect(options.user !== undefined ? { user: options.user } : {});
      for (const channel of options.channels ?? []) {
        live.client.send({ action: 'subscribe', channel });
        const reply = await live.client.next((m) => m.type === 'error' || (m.type === 'subscribed' && m.channel === channel));
        expect(reply).toEqual({ type: 'subscribed', channel, seq: 0 }); // seq: the channel's latest (none yet)
      }
      out.push(live);
    });
    return out;
  }
  /** Registers a connection the gateway does not have (a stale record): the management API answers it 410. */
  async function registerStale(connectionId: string, channels: string[]) {
    expect((await h.connect(apiGatewayEvent.connect(connectionId))).statusCode).toBe(200);
    for (const channel of channels) {
      const reply = await h.default(apiGatewayEvent.message(connectionId, JSON.stringify({ action: 'subscribe', channel })));
      expect(JSON.parse(reply.body)).toMatchObject({ type: 'subscribed', channel });
    }
  }
  const received = (c: LiveConnection): PushMessage[] => c.client.messages() as PushMessage[];
  /** Waits until every one of `conns` has received `count` messages. */
  const receivedBy = (conns: LiveConnection[], count = 1) =>
    waitUntil(() => conns.every((c) => received(c).length >= count), `${count} message(s) on each of ${conns.length} clients`, { timeoutMs: 60_000 });
  const statusesOf = (c: LiveConnection) => api.calls.filter((r) => r.connectionId === c.connectionId).map((r) => r.status);
  const itemsOf = (id: string) => aws.connectionItems(TABLE_NAME, id);

  it('reaches all 2,500 subscribers of a channel through paginated queries (QUERY_PAGE_SIZE=50)', async () => {
    const t0 = Date.now();
    const conns = await connect(2500, { channels: ['big'] });
    const registeredMs = Date.now() - t0;

    const event = pushEvent({ channel: 'big', data: { score: [2, 1] } });
    const t1 = Date.now();
    await h.push(event);
    const pushMs = Date.now() - t1;

    const delivered = api.delivered();
    expect(delivered.size).toBe(2500);
    for (const c of conns) {
      expect(delivered.get(c.connectionId)).toBe(1);
    }
    await receivedBy(conns);
    expect(received(conns[1234]!)).toEqual([{ type: 'message', channel: 'big', id: event.id, seq: 1, data: { score: [2, 1] } }]);
    expect(api.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    // Recorded for the report; bounds are only sanity limits on a shared 2-core machine.
    // eslint-disable-next-line no-console
    console.info(`registered 2,500 in ${registeredMs} ms; pushed to 2,500 in ${pushMs} ms`);
  }, 180_000);

  it('a 410 removes exactly that connection and its subscriptions, not the others', async () => {
    const [g1, g3] = await connect(2, { channels: ['gone-test', 'other'] });
    await registerStale('g2-stale', ['gone-test', 'other']);
    const { lines } = await captureStdout(async () => {
      const fresh = loadHandlers({ ...env, LOG_LEVEL: 'info' });
      await fresh.push(pushEvent({ channel: 'gone-test', data: 'secret-payload' }));
    });
    await receivedBy([g1!, g3!]);
    expect(received(g1!)).toHaveLength(1);
    expect(received(g3!)).toHaveLength(1);
    expect(await itemsOf('g2-stale')).toEqual([]);
    expect(await itemsOf(g1!.connectionId)).toHaveLength(3);
    expect(await itemsOf(g3!.connectionId)).toHaveLength(3);

    // One JSON line with the report; never the payload.
    const report = lines.filter((l) => l.message === 'push delivered');
    expect(report).toEqual([expect.objectContaining({ level: 'INFO', audience: 'channel', delivered: 2, gone: 1, failed: 0, durationMs: expect.any(Number) })]);
    expect(JSON.stringify(lines)).not.toContain('secret-payload');

    // A second push no longer tries g2.
    api.reset();
    await h.push(pushEvent({ channel: 'gone-test', data: 2 }));
    expect(api.calls.map((r) => r.connectionId).sort()).toEqual([g1!.connectionId, g3!.connectionId].sort());
  });

  it('retries 429 (LimitExceededException) and 500 until delivered', async () => {
    const [r1, r2, r3] = await connect(3, { channels: ['retry'] });
    api.script.forConnection(r1!.connectionId, [429, 429, 429]).forConnection(r2!.connectionId, [500]);
    await h.push(pushEvent({ channel: 'retry', data: 1 }));
    await receivedBy([r1!, r2!, r3!]);
    for (const c of [r1!, r2!, r3!]) expect(received(c)).toHaveLength(1);
    expect(statusesOf(r1!)).toEqual([429, 429, 429, 200]);
    expect(statusesOf(r2!)).toEqual([500, 200]);
    expect(await itemsOf(r1!.connectionId)).toHaveLength(2);
  });

  it('does not retry 403 and keeps the record', async () => {
    const [f1] = await connect(1, { channels: ['forbidden'] });
    api.script.forConnection(f1!.connectionId, [403]);
    await h.push(pushEvent({ channel: 'forbidden', data: 1 }));
    expect(api.calls.map((r) => r.status)).toEqual([403]);
    expect(await itemsOf(f1!.connectionId)).toHaveLength(2);
  });

  it('targets every connection of a user, and only them', async () => {
    const [alicePhone, aliceLaptop] = await connect(2, { user: 'alice' });
    await connect(1, { user: 'bob' });
    const event = pushEvent({ userId: 'alice', data: { hi: 1 } });
    await h.push(event);
    expect([...api.delivered().keys()].sort()).toEqual([alicePhone!.connectionId, aliceLaptop!.connectionId].sort());
    await receivedBy([alicePhone!]);
    expect(received(alicePhone!)).toEqual([{ type: 'message', id: event.id, data: { hi: 1 } }]);
  });

  it('targets one registered connection, and nobody for an unknown one', async () => {
    const [solo] = await connect(2);
    await h.push(pushEvent({ connectionId: solo!.connectionId, data: 'x' }));
    expect([...api.delivered().keys()]).toEqual([solo!.connectionId]);
    api.reset();
    await h.push(pushEvent({ connectionId: 'not-registered', data: 'x' }));
    expect(api.calls).toEqual([]);
  });

  it('broadcasts to every live connection across all shards', async () => {
    const extra = await connect(40);
    expect(new Set(extra.map((c) => shardOf(c.connectionId, SHARDS))).size).toBe(SHARDS);
    const metas = (
      await aws.documentClient.send(
        new ScanCommand({ TableName: TABLE_NAME, FilterExpression: '#sk = :meta', ExpressionAttributeNames: { '#sk': TABLE.sortKey }, ExpressionAttributeValues: { ':meta': keys.meta } }),
      )
    ).Items!.map((i) => i.connectionId as string);
    // (A Scan here is the test's own check of the table, not the code under test.)
    await h.push(pushEvent({ broadcast: true, data: 'all' }));
    const delivered = api.delivered();
    expect([...delivered.keys()].sort()).toEqual([...metas].sort());
    for (const id of metas) expect(delivered.get(id)).toBe(1);
  }, 120_000);

  it.each([
    ['no audience', { data: 1 }, 'NoAudience'],
    ['two audiences', { channel: 'a', userId: 'b', data: 1 }, 'MultipleAudiences'],
    ['broadcast false', { broadcast: false, data: 1 }, 'InvalidAudience'],
    ['a bad channel', { channel: 'no spaces allowed', data: 1 }, 'InvalidAudience'],
    ['no data', { channel: 'a' }, 'MissingData'],
    ['a message over 128 KB', { channel: 'a', data: 'x'.repeat(MAX_MESSAGE_BYTES) }, 'MessageTooLarge'],
  ])('sends an event with %s to the dead-letter queue with its reason, and returns', async (_label, detail, code) => {
    const event = pushEvent(detail);
    const sentAfter = Date.now();
    await expect(h.push(event)).resolves.toBeUndefined();
    expect(api.calls).toEqual([]);
    const messages = await aws.drainQueue(deadLetterQueueUrl);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    // Sent by this push (the queue was drained before it), once.
    expect(Number(message!.Attributes!.SentTimestamp)).toBeGreaterThanOrEqual(Math.floor(sentAfter / 1000) * 1000);
    const body = JSON.parse(message!.Body!) as { reason: string; code: string; event: { id: string; detail: unknown } };
    expect(body.code).toBe(code);
    expect(body.reason.length).toBeGreaterThan(20);
    expect(body.event).toEqual(event);
    expect(message!.MessageAttributes).toMatchObject({
      reason: { DataType: 'String', StringValue: body.reason },
      code: { DataType: 'String', StringValue: code },
    });
  });

  it('throws when the dead-letter queue refuses the event (it does not exist), so Lambda keeps it', async () => {
    const orphan = loadHandlers({ ...env, [ENV.DEAD_LETTER_QUEUE_URL]: aws.sqs.queueUrl('deleted-dead-letters') });
    await expect(captureStdout(() => orphan.push(pushEvent({ data: 1 })))).rejects.toMatchObject({ name: 'DeadLetterError', code: 'DeadLetterFailed' });
    process.env[ENV.DEAD_LETTER_QUEUE_URL] = deadLetterQueueUrl;
  }, 20_000);
});
