import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbChannelHistory } from '../../../lambdas/adapters/dynamodb-channel-history';
import { CHANNEL_COUNTER_TTL_SECONDS } from '../../../shared/limits';
import { historyKeys, TABLE } from '../../../shared/table-schema';
import { withSeq, MAX_CHANNEL_MESSAGE_BYTES } from '../../../lambdas/core/sequence-push';
import { validateDetail } from '../../../lambdas/core/validate-detail';
import { startLocalAws, type LocalAws } from '../../support/local-services';

/** Sequence numbers and replay history against the local DynamoDB (dynalite), through `withSeq`. */
describe('channel sequence and history (DynamoDbChannelHistory + withSeq)', () => {
  const table = 'history-test';
  let aws: LocalAws;
  let history: DynamoDbChannelHistory;
  const event = (id: string, detail: unknown) => ({ id, 'detail-type': 'WebSocketPush', source: 'test', detail });
  const sequencer = () => ({ history, replayWindowSeconds: 300 });

  beforeAll(async () => {
    aws = await startLocalAws();
    await aws.createConnectionsTable(table);
    history = new DynamoDbChannelHistory(aws.documentClient, table);
  });
  afterAll(() => aws?.stop());

  it('takes seqs atomically: concurrent takers get 1..N, each once', async () => {
    const seqs = await Promise.all(Array.from({ length: 20 }, () => history.nextSeq('atomic', Date.now())));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await history.position('atomic')).last).toBe(20);
  });

  it('gives the channel counter a TTL like every other item, pushed back by each message', async () => {
    const counterTtl = async () => {
      const out = await aws.documentClient.send(new GetCommand({ TableName: table, Key: { [TABLE.partitionKey]: historyKeys.channel('expiring'), [TABLE.sortKey]: historyKeys.counter } }));
      return out.Item?.[TABLE.ttlAttribute] as number;
    };
    await history.nextSeq('expiring', 1_000_000_000_000);
    expect(await counterTtl()).toBe(1_000_000_000 + CHANNEL_COUNTER_TTL_SECONDS);
    await history.nextSeq('expiring', 1_000_000_500_000);
    expect(await counterTtl()).toBe(1_000_000_500 + CHANNEL_COUNTER_TTL_SECONDS);
  });

  it('frames a channel message once with its seq, stores it, and gives a redelivered event the same seq', async () => {
    const first = await withSeq(validateDetail(event('evt-a', { channel: 'scores', data: { home: 1 } })), sequencer());
    const again = await withSeq(validateDetail(event('evt-a', { channel: 'scores', data: { home: 1 } })), sequencer());
    const second = await withSeq(validateDetail(event('evt-b', { channel: 'scores', data: { home: 2 } })), sequencer());
    if (!first.ok || !again.ok || !second.ok) throw new Error('expected valid pushes');
    expect(first.push.message).toEqual({ type: 'message', channel: 'scores', id: 'evt-a', seq: 1, data: { home: 1 } });
    expect(JSON.parse(Buffer.from(first.push.frame.bytes).toString('utf8'))).toEqual(first.push.message);
    expect(again.push.message.seq).toBe(1);
    expect(second.push.message.seq).toBe(2);
    const stored = await history.after('scores', 0, 10);
    expect(stored.map((e) => [e.seq, e.eventId])).toEqual([[1, 'evt-a'], [2, 'evt-b']]);
    expect(JSON.parse(stored[1].frame)).toEqual(second.push.message);
    expect(await history.after('scores', 1, 10)).toHaveLength(1);
  });

  it('leaves other audiences unnumbered, and refuses a channel message too big to replay before taking a seq', async () => {
    const user = await withSeq(validateDetail(event('evt-u', { userId: 'alice', data: 1 })), sequencer());
    expect(user.ok && user.push.message.seq).toBe(undefined);
    // Under the 128 KB limit of any message (validateDetail passes it), over the replayable size once framed with a seq.
    const detail = { channel: 'big', data: 'x'.repeat(MAX_CHANNEL_MESSAGE_BYTES - 20) };
    expect(validateDetail(event('evt-big', detail)).ok).toBe(true);
    const refused = await withSeq(validateDetail(event('evt-big', detail)), sequencer());
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('MessageTooLarge');
    expect((await history.position('big')).last).toBe(0);
  });
});
