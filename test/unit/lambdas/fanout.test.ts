import { SQSClient } from '@aws-sdk/client-sqs';
import { decodeFanoutRecord, encodeFanoutBatch, FANOUT_ATTRIBUTES, SqsFanoutQueue } from '../../../lambdas/adapters/sqs-fanout-queue';
import { ServerError, ThrottledError, ForbiddenError } from '../../../lambdas/core/errors';
import { fanOut, FanoutQueueError, type FanoutBatch, type FanoutQueue } from '../../../lambdas/core/fanout';
import { processFanoutRecords, type FanoutRecord } from '../../../lambdas/core/fanout-worker';
import type { Publisher } from '../../../lambdas/core/publisher';
import { InMemoryConnectionStore } from '../../support/in-memory-connection-store';
import { startLocalAws, type LocalAws } from '../../support/local-services';
import { recordingLogger } from '../../support/logs';

const payload = Buffer.from('{"type":"message","id":"e1","data":{"n":1}}');
const ids = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const pagesOf = (all: string[], pageSize: number) =>
  (async function* () {
    for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
  })();
const noSleep = async () => undefined;

/*
 * The core's collaborators as fakes: these cases check what fanOut and the worker hand them (the groups of
 * each enqueue call, which ids fail with which error), which no real queue or API shows. The SQS adapter is
 * checked on the local SQS below, the management API in the push handler's tests.
 */
class MemoryQueue implements FanoutQueue {
  readonly sent: FanoutBatch[][] = [];
  failAfter = Infinity;
  async enqueue(batches: readonly FanoutBatch[]): Promise<void> {
    if (this.sent.length >= this.failAfter) throw new FanoutQueueError('queue down');
    this.sent.push([...batches]);
  }
  get batches(): FanoutBatch[] {
    return this.sent.flat();
  }
}

/** Posts succeed unless the id's script says otherwise; records every call. */
class RecordingPublisher implements Publisher {
  readonly calls: string[] = [];
  constructor(private readonly fail: (id: string, attempt: number) => Error | undefined = () => undefined) {}
  async post(id: string, data: Uint8Array): Promise<void> {
    this.calls.push(id);
    expect(Buffer.from(data).equals(payload)).toBe(true);
    const error = this.fail(id, this.calls.filter((c) => c === id).length);
    if (error) throw error;
  }
}

function deps(publisher: Publisher, queue?: FanoutQueue) {
  return { publisher, store: new InMemoryConnectionStore(), logger: recordingLogger(), sleep: noSleep, queue };
}

describe('fanOut (push path)', () => {
  it('delivers an audience at or under the threshold itself, without the queue', async () => {
    const queue = new MemoryQueue();
    const publisher = new RecordingPublisher();
    const out = await fanOut(pagesOf(ids(10), 3), 'e1', payload, { concurrency: 4, threshold: 10, batchSize: 4 }, deps(publisher, queue));
    expect(out).toMatchObject({ mode: 'direct', report: { delivered: 10 } });
    expect(queue.sent).toEqual([]);
    expect(publisher.calls.sort()).toEqual(ids(10).sort());
  });

  it('hands an audience over the threshold to the queue in batches, every id exactly once, the payload as built', async () => {
    const queue = new MemoryQueue();
    const publisher = new RecordingPublisher();
    const all = ids(1003);
    const out = await fanOut(pagesOf(all, 37), 'e1', payload, { concurrency: 4, threshold: 100, batchSize: 50 }, deps(publisher, queue));
    expect(out).toMatchObject({ mode: 'queued', connections: 1003, batches: 21 });
    expect(publisher.calls).toEqual([]);
    const batches = queue.batches;
    expect(batches.map((b) => b.connectionIds.length)).toEqual([...Array(20).fill(50), 3]);
    expect(batches.flatMap((b) => b.connectionIds)).toEqual(all);
    for (const b of batches) {
      expect(b.payload).toBe(payload);
      expect(b.eventId).toBe('e1');
    }
    // SendMessageBatch takes 10 entries: the first batch alone (workers start early), then groups of at most 10.
    expect(queue.sent[0]).toHaveLength(1);
    expect(Math.max(...queue.sent.map((g) => g.length))).toBeLessThanOrEqual(10);
  });

  it('threshold 0 sends every non-empty audience through the queue', async () => {
    const queue = new MemoryQueue();
    const out = await fanOut(pagesOf(ids(1), 1), 'e1', payload, { concurrency: 1, threshold: 0, batchSize: 10 }, deps(new RecordingPublisher(), queue));
    expect(out).toMatchObject({ mode: 'queued', connections: 1, batches: 1 });
  });

  it('without a queue delivers every audience directly', async () => {
    const publisher = new RecordingPublisher();
    const out = await fanOut(pagesOf(ids(30), 7), 'e1', payload, { concurrency: 4, threshold: 5, batchSize: 2 }, deps(publisher));
    expect(out).toMatchObject({ mode: 'direct', report: { delivered: 30 } });
  });

  it('fails when the queue fails, so the event is retried whole', async () => {
    const queue = new MemoryQueue();
    queue.failAfter = 1;
    await expect(
      fanOut(pagesOf(ids(500), 10), 'e1', payload, { concurrency: 1, threshold: 10, batchSize: 10 }, deps(new RecordingPublisher(), queue)),
    ).rejects.toBeInstanceOf(FanoutQueueError);
  });
});

describe('processFanoutRecords (worker)', () => {
  const record = (messageId: string, connectionIds: string[]): FanoutRecord => ({
    messageId,
    batch: { eventId: 'e1', payload, connectionIds },
  });

  it('delivers every record and reports no failure', async () => {
    const queue = new MemoryQueue();
    const publisher = new RecordingPublisher();
    const { response, report } = await processFanoutRecords([record('m1', ids(5, 'a')), record('m2', ids(5, 'b'))], { concurrency: 4 }, deps(publisher, queue) as never);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(report).toMatchObject({ delivered: 10, failed: 0, requeuedMessages: 0, retriedMessages: 0 });
    expect(queue.sent).toEqual([]);
  });

  it('re-queues only the ids that failed with a retryable error, and acknowledges the message', async () => {
    const queue = new MemoryQueue();
    const bad = new Set(['a1', 'a3']);
    const publisher = new RecordingPublisher((id) => (bad.has(id) ? new ThrottledError(id) : id === 'a4' ? new ForbiddenError(id) : undefined));
    const { response, report } = await processFanoutRecords([record('m1', ids(5, 'a'))], { concurrency: 2, maxAttempts: 3 }, deps(publisher, queue) as never);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.batches).toHaveLength(1);
    expect([...queue.batches[0]!.connectionIds].sort()).toEqual(['a1', 'a3']);
    expect(queue.batches[0]).toMatchObject({ eventId: 'e1', payload, redeliveries: 1 });
    // 403 is permanent: counted failed, never retried; the others were delivered once.
    expect(report).toMatchObject({ delivered: 2, failed: 1, requeuedMessages: 1 });
    expect(publisher.calls.filter((c) => c === 'a0')).toHaveLength(1);
  });

  it('reports a message whose every id failed as a batch item failure (the queue retries it, then dead-letters it)', async () => {
    const queue = new MemoryQueue();
    const publisher = new RecordingPublisher((id) => (id.startsWith('b') ? new ServerError(id, 500) : undefined));
    const { response } = await processFanoutRecords(
      [record('m1', ids(3, 'a')), record('m2', ids(3, 'b'))],
      { concurrency: 4, maxAttempts: 2 },
      deps(publisher, queue) as never,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(queue.sent).toEqual([]);
  });

  it('reports the message whole when re-queueing its failed ids fails', async () => {
    const queue = new MemoryQueue();
    queue.failAfter = 0;
    const publisher = new RecordingPublisher((id) => (id === 'a0' ? new ThrottledError(id) : undefined));
    const { response } = await processFanoutRecords([record('m1', ids(3, 'a'))], { concurrency: 1, maxAttempts: 1 }, deps(publisher, queue) as never);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('reports an unreadable message as a failure without posting anything', async () => {
    const publisher = new RecordingPublisher();
    const { response } = await processFanoutRecords([{ messageId: 'm9', batch: { invalid: 'no ids' } }], { concurrency: 1 }, deps(publisher, new MemoryQueue()) as never);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm9' }] });
    expect(publisher.calls).toEqual([]);
  });
});

describe('fan-out messages on SQS (the local SQS, through the AWS endpoint)', () => {
  let aws: LocalAws;
  let client: SQSClient;
  let queues = 0;
  beforeAll(async () => {
    aws = await startLocalAws();
    client = new SQSClient(aws.clientConfig);
  });
  afterAll(async () => {
    client?.destroy();
    await aws?.stop();
  });

  /** Enqueues `batches` with the SQS adapter; returns them as a fan-out worker receives them (Lambda's records). */
  async function throughSqs(batches: FanoutBatch[]) {
    const name = `fanout-${++queues}`;
    await new SqsFanoutQueue(client, { queueUrl: aws.createQueue(name) }).enqueue(batches);
    return aws.receiveAsLambda(name, batches.length);
  }

  it('carries the framed payload as the body, unescaped, and round-trips the batch', async () => {
    const batch: FanoutBatch = { eventId: 'e1', payload, connectionIds: ['Ab1=', 'Cd2='], redeliveries: 2 };
    const entry = encodeFanoutBatch(batch, 'b0');
    expect(entry.MessageBody).toBe(payload.toString('utf8'));
    const [record] = await throughSqs([batch]);
    expect(record!.body).toBe(payload.toString('utf8'));
    expect(decodeFanoutRecord(record!)).toEqual({ messageId: record!.messageId, batch: { ...batch, payload: expect.any(Buffer) } });
    expect((decodeFanoutRecord(record!).batch as FanoutBatch).payload).toEqual(payload);
  });

  it('sends a payload SQS cannot carry as text in base64', async () => {
    const odd = Buffer.from('{"data":"\uFFFF"}', 'utf8');
    const entry = encodeFanoutBatch({ eventId: 'e1', payload: odd, connectionIds: ['x'] }, 'b0');
    expect(entry.MessageAttributes![FANOUT_ATTRIBUTES.encoding]?.StringValue).toBe('base64');
    const [record] = await throughSqs([{ eventId: 'e1', payload: odd, connectionIds: ['x'] }]);
    expect((decodeFanoutRecord(record!).batch as FanoutBatch).payload).toEqual(odd);
  });

  it('sends more batches than one SendMessageBatch takes, each once', async () => {
    const batches = Array.from({ length: 23 }, (_, i): FanoutBatch => ({ eventId: 'e1', payload, connectionIds: [`c${i}`] }));
    const records = await throughSqs(batches);
    const decoded = records.map((r) => decodeFanoutRecord(r).batch as FanoutBatch);
    expect(decoded.map((b) => b.connectionIds[0]).sort()).toEqual(batches.map((b) => b.connectionIds[0]).sort());
  });

  it('reports a message without ids as unreadable', () => {
    expect(decodeFanoutRecord({ messageId: 'm1', body: '{}', messageAttributes: { eventId: { stringValue: 'e', dataType: 'String' } } as never }).batch)
      .toEqual({ invalid: expect.stringContaining('connectionIds') });
  });
});

describe('fanOut: direct posts that keep failing', () => {
  it('hands the ids still failing with a retryable error to the workers instead of losing them', async () => {
    const queue = new MemoryQueue();
    const publisher = new RecordingPublisher((id) => (id === 'c2' ? new ThrottledError(id) : undefined));
    const out = await fanOut(pagesOf(ids(5), 5), 'e1', payload, { concurrency: 2, maxAttempts: 2, threshold: 10, batchSize: 4 }, deps(publisher, queue));
    expect(out).toMatchObject({ mode: 'direct', report: { delivered: 4, failed: 0 } });
    expect(queue.batches).toEqual([{ eventId: 'e1', payload, connectionIds: ['c2'], redeliveries: 1 }]);
  });
});
