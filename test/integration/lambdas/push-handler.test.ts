import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../../shared/env';
import type { PushMessage } from '../../../shared/protocol';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { TABLE, keys, shardOf } from '../../../shared/table-schema';
import { connectEvent, messageEvent, pushEvent, STAGE } from '../../support/apigw-events';
import { startDynalite, type LocalDynamo } from '../../support/dynalite';
import { dynaliteHandlerEnv, inPool, loadHandlers, type Handlers } from '../../support/handlers';
import { captureStdout } from '../../support/logs';
import { gone, serverError, startManagementApiStub, throttled, type ManagementApiStub } from '../../support/management-api-stub';
import { startSqsStub, type SqsStub } from '../../support/sqs-stub';

const TABLE_NAME = 'connections-push';
const SHARDS = 4;
const PAGE_SIZE = 50;
const CONCURRENCY = 16;

/*
 * The push handler against real parts on loopback: dynalite for the registry, an HTTP server that
 * answers like API Gateway's management API, and a minimal SQS JSON-protocol stub for the dead-letter
 * queue (the project's local SQS arrives with the local-cloud work; this file must not depend on it).
 */
describe('push handler', () => {
  let dynamo: LocalDynamo;
  let api: ManagementApiStub;
  let sqs: SqsStub;
  let h: Handlers;
  let env: Record<string, string>;

  beforeAll(async () => {
    [dynamo, api, sqs] = await Promise.all([startDynalite(), startManagementApiStub(STAGE), startSqsStub()]);
    await dynamo.createTable(TABLE_NAME);
    env = dynaliteHandlerEnv(dynamo, TABLE_NAME, {
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      [ENV.CALLBACK_URL]: api.callbackUrl,
      [ENV.DEAD_LETTER_QUEUE_URL]: sqs.queueUrl,
      [ENV.BROADCAST_SHARDS]: String(SHARDS),
      [ENV.QUERY_PAGE_SIZE]: String(PAGE_SIZE),
      [ENV.DELIVERY_CONCURRENCY]: String(CONCURRENCY),
    });
    h = loadHandlers(env);
  });
  afterAll(async () => {
    await Promise.all([dynamo?.stop(), api?.stop(), sqs?.stop()]);
  });
  beforeEach(() => {
    api.reset();
    sqs.messages.length = 0;
    sqs.failing = false;
  });

  /** Connects `ids` through the $connect handler and subscribes each to `channels` through $default. */
  async function connect(ids: string[], options: { channels?: string[]; principalId?: string } = {}) {
    await inPool(ids, 32, async (id) => {
      expect((await h.connect(connectEvent(id, options.principalId ? { principalId: options.principalId } : {}))).statusCode).toBe(200);
      for (const channel of options.channels ?? []) {
        const reply = await h.default(messageEvent(id, JSON.stringify({ action: 'subscribe', channel })));
        expect(JSON.parse(reply.body)).toEqual({ type: 'subscribed', channel, seq: 0 }); // seq: the channel's latest (none yet)
      }
    });
  }
  const received = (id: string): PushMessage[] => (api.delivered().get(id) ?? []).map((b) => JSON.parse(b) as PushMessage);
  const itemsOf = (id: string) => dynamo.connectionItems(TABLE_NAME, id);

  it('reaches all 2,500 subscribers of a channel through paginated queries (QUERY_PAGE_SIZE=50)', async () => {
    const ids = Array.from({ length: 2500 }, (_, i) => `big-${i.toString(36)}-${(i * 7919).toString(36)}=`);
    const t0 = Date.now();
    await connect(ids, { channels: ['big'] });
    const registeredMs = Date.now() - t0;

    const event = pushEvent({ channel: 'big', data: { score: [2, 1] } });
    const t1 = Date.now();
    await h.push(event);
    const pushMs = Date.now() - t1;

    const delivered = api.delivered();
    expect(delivered.size).toBe(2500);
    for (const id of ids) {
      expect(delivered.get(id)).toHaveLength(1);
    }
    expect(received(ids[1234]!)).toEqual([{ type: 'message', channel: 'big', id: event.id, seq: 1, data: { score: [2, 1] } }]);
    expect(api.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    // Recorded for the report; bounds are only sanity limits on a shared 2-core machine.
    // eslint-disable-next-line no-console
    console.info(`registered 2,500 in ${registeredMs} ms; pushed to 2,500 in ${pushMs} ms`);
  }, 90_000);

  it('a 410 removes exactly that connection and its subscriptions, not the others', async () => {
    await connect(['g1', 'g2', 'g3'], { channels: ['gone-test', 'other'] });
    api.program('g2', [gone]);
    const { lines } = await captureStdout(async () => {
      const fresh = loadHandlers({ ...env, LOG_LEVEL: 'info' });
      await fresh.push(pushEvent({ channel: 'gone-test', data: 'secret-payload' }));
    });
    expect(received('g1')).toHaveLength(1);
    expect(received('g3')).toHaveLength(1);
    expect(await itemsOf('g2')).toEqual([]);
    expect(await itemsOf('g1')).toHaveLength(3);
    expect(await itemsOf('g3')).toHaveLength(3);

    // One JSON line with the report; never the payload.
    const report = lines.filter((l) => l.message === 'push delivered');
    expect(report).toEqual([expect.objectContaining({ level: 'INFO', audience: 'channel', delivered: 2, gone: 1, failed: 0, durationMs: expect.any(Number) })]);
    expect(JSON.stringify(lines)).not.toContain('secret-payload');

    // A second push no longer tries g2.
    api.reset();
    await h.push(pushEvent({ channel: 'gone-test', data: 2 }));
    expect(api.requests.map((r) => r.connectionId).sort()).toEqual(['g1', 'g3']);
  });

  it('retries 429 (LimitExceededException) and 500 until delivered', async () => {
    await connect(['r1', 'r2', 'r3'], { channels: ['retry'] });
    api.program('r1', [throttled, throttled, throttled]);
    api.program('r2', [serverError]);
    await h.push(pushEvent({ channel: 'retry', data: 1 }));
    for (const id of ['r1', 'r2', 'r3']) expect(received(id)).toHaveLength(1);
    expect(api.requests.filter((r) => r.connectionId === 'r1').map((r) => r.status)).toEqual([429, 429, 429, 200]);
    expect(api.requests.filter((r) => r.connectionId === 'r2').map((r) => r.status)).toEqual([500, 200]);
    expect(await itemsOf('r1')).toHaveLength(2);
  });

  it('does not retry 403 and keeps the record', async () => {
    await connect(['f1'], { channels: ['forbidden'] });
    api.program('f1', [{ status: 403, errorType: 'ForbiddenException' }]);
    await h.push(pushEvent({ channel: 'forbidden', data: 1 }));
    expect(api.requests.map((r) => r.status)).toEqual([403]);
    expect(await itemsOf('f1')).toHaveLength(2);
  });

  it('targets every connection of a user, and only them', async () => {
    await connect(['alice-phone', 'alice-laptop'], { principalId: 'alice' });
    await connect(['bob-phone'], { principalId: 'bob' });
    const event = pushEvent({ userId: 'alice', data: { hi: 1 } });
    await h.push(event);
    expect([...api.delivered().keys()].sort()).toEqual(['alice-laptop', 'alice-phone']);
    expect(received('alice-phone')).toEqual([{ type: 'message', id: event.id, data: { hi: 1 } }]);
  });

  it('targets one registered connection, and nobody for an unknown one', async () => {
    await connect(['solo', 'bystander']);
    await h.push(pushEvent({ connectionId: 'solo', data: 'x' }));
    expect([...api.delivered().keys()]).toEqual(['solo']);
    api.reset();
    await h.push(pushEvent({ connectionId: 'not-registered', data: 'x' }));
    expect(api.requests).toEqual([]);
  });

  it('broadcasts to every live connection across all shards', async () => {
    const extra = Array.from({ length: 40 }, (_, i) => `b-${i}`);
    await connect(extra);
    expect(new Set(extra.map((id) => shardOf(id, SHARDS))).size).toBe(SHARDS);
    const metas = (
      await dynamo.documentClient.send(
        new ScanCommand({ TableName: TABLE_NAME, FilterExpression: '#sk = :meta', ExpressionAttributeNames: { '#sk': TABLE.sortKey }, ExpressionAttributeValues: { ':meta': keys.meta } }),
      )
    ).Items!.map((i) => i.connectionId as string);
    // (A Scan here is the test's own check of the table, not the code under test.)
    await h.push(pushEvent({ broadcast: true, data: 'all' }));
    const delivered = api.delivered();
    expect([...delivered.keys()].sort()).toEqual([...metas].sort());
    for (const id of metas) expect(delivered.get(id)).toHaveLength(1);
  }, 60_000);

  it.each([
    ['no audience', { data: 1 }, 'NoAudience'],
    ['two audiences', { channel: 'a', userId: 'b', data: 1 }, 'MultipleAudiences'],
    ['broadcast false', { broadcast: false, data: 1 }, 'InvalidAudience'],
    ['a bad channel', { channel: 'no spaces allowed', data: 1 }, 'InvalidAudience'],
    ['no data', { channel: 'a' }, 'MissingData'],
    ['a message over 128 KB', { channel: 'a', data: 'x'.repeat(MAX_MESSAGE_BYTES) }, 'MessageTooLarge'],
  ])('sends an event with %s to the dead-letter queue with its reason, and returns', async (_label, detail, code) => {
    const event = pushEvent(detail);
    await expect(h.push(event)).resolves.toBeUndefined();
    expect(api.requests).toEqual([]);
    expect(sqs.messages).toHaveLength(1);
    const [message] = sqs.messages;
    expect(message!.QueueUrl).toBe(sqs.queueUrl);
    const body = JSON.parse(message!.MessageBody) as { reason: string; code: string; event: { id: string; detail: unknown } };
    expect(body.code).toBe(code);
    expect(body.reason.length).toBeGreaterThan(20);
    expect(body.event).toEqual(event);
    expect(message!.MessageAttributes).toMatchObject({
      reason: { DataType: 'String', StringValue: body.reason },
      code: { DataType: 'String', StringValue: code },
    });
  });

  it('throws when the dead-letter queue refuses the event, so Lambda keeps it', async () => {
    sqs.failing = true;
    await expect(captureStdout(() => h.push(pushEvent({ data: 1 })))).rejects.toMatchObject({ name: 'DeadLetterError', code: 'DeadLetterFailed' });
  }, 20_000);
});
