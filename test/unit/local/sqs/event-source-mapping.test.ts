import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LambdaRuntime } from '../../../../local/lambda-runtime';
import { LocalSqs, md5OfMessageBody, partialFailures, type SqsEvent } from '../../../../local/sqs';
import { waitUntil } from '../../../support/wait-until';


describe('SQS event source mapping', () => {
  let sqs: LocalSqs;
  beforeEach(() => {
    sqs = new LocalSqs({ endpointUrl: 'http://127.0.0.1:1' });
  });
  afterEach(async () => {
    await sqs.stop();
  });

  const send = (queue: string, body: string, attrs?: Record<string, unknown>) =>
    sqs.handle('SendMessage', { QueueUrl: sqs.queueUrl(queue), MessageBody: body, MessageAttributes: attrs }) as Promise<{ MessageId: string }>;
  const depth = async (queue: string) => {
    const { Attributes } = (await sqs.handle('GetQueueAttributes', { QueueUrl: sqs.queueUrl(queue), AttributeNames: ['All'] })) as {
      Attributes: Record<string, string>;
    };
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  it('builds the Lambda SQS event and deletes what succeeded, keeping reported failures for a retry', async () => {
    const dlq = sqs.addQueue({ name: 'work-dlq' });
    const work = sqs.addQueue({ name: 'work', visibilityTimeoutSeconds: 1, redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 } });
    const ids = [];
    for (const body of ['ok-1', 'fail-me', 'ok-2']) ids.push((await send('work', body, { kind: { DataType: 'String', StringValue: body } })).MessageId);
    const events: SqsEvent[] = [];
    const mapping = sqs.attachConsumer({
      queueArn: work.arn,
      batchSize: 10,
      maxBatchingWindowSeconds: 0.3,
      reportBatchItemFailures: true,
      maxConcurrency: 1,
      waitTimeSeconds: 20,
      invoke: async (event) => {
        events.push(event);
        return { ok: true, result: { batchItemFailures: event.Records.filter((r) => r.body === 'fail-me').map((r) => ({ itemIdentifier: r.messageId })) } };
      },
    });
    await waitUntil(() => events.length >= 1, 'the first batch');
    const first = events[0];
    expect(first.Records.map((r) => r.body).sort()).toEqual(['fail-me', 'ok-1', 'ok-2']);
    const record = first.Records.find((r) => r.body === 'ok-1')!;
    expect(record).toMatchObject({
      messageId: ids[0],
      eventSource: 'aws:sqs',
      eventSourceARN: work.arn,
      awsRegion: 'us-east-1',
      md5OfBody: md5OfMessageBody('ok-1'),
      messageAttributes: { kind: { stringValue: 'ok-1', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      attributes: { ApproximateReceiveCount: '1', SenderId: '000000000000' },
    });
    expect(record.receiptHandle).toBeTruthy();
    expect(record.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    // The failure comes back after the visibility timeout, fails again, and then lands in the DLQ.
    const isRetry = (e: SqsEvent, i: number) => i > 0 && e.Records.length > 0;
    await waitUntil(() => events.some(isRetry), 'the retried batch');
    const retry = events.find(isRetry)!;
    expect(retry.Records.map((r) => r.body)).toEqual(['fail-me']);
    expect(retry.Records[0].attributes.ApproximateReceiveCount).toBe('2');
    await waitUntil(async () => (await depth('work-dlq')) === 1, 'the message in the dead-letter queue');
    await mapping.stop();
    expect(await depth('work')).toBe(0);
    expect(await depth('work-dlq')).toBe(1);
  });

  it('treats a function error as a failure of the whole batch', async () => {
    const q = sqs.addQueue({ name: 'errs', visibilityTimeoutSeconds: 30 });
    await send('errs', 'a');
    await send('errs', 'b');
    let calls = 0;
    const mapping = sqs.attachConsumer({
      queueArn: q.arn,
      reportBatchItemFailures: true,
      maxConcurrency: 1,
      maxBatchingWindowSeconds: 0.2,
      invoke: async () => {
        calls++;
        return { ok: false, errorType: 'Error', errorMessage: 'boom' };
      },
    });
    await waitUntil(() => calls >= 1, 'the first invocation');
    await mapping.stop();
    expect(await depth('errs')).toBe(2);
  });

  it('runs a real function from the Lambda runtime and deletes on success', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'esm-'));
    writeFileSync(
      path.join(dir, 'index.js'),
      `exports.handler = async (event) => { console.log('got ' + event.Records.length); return { batchItemFailures: [] }; };`,
    );
    const runtime = new LambdaRuntime({ log: () => undefined });
    runtime.register({ name: 'Worker', assetDir: dir, handler: 'index.handler', environment: {}, timeoutSeconds: 5 });
    try {
      const q = sqs.addQueue({ name: 'fanout' });
      for (let i = 0; i < 3; i++) await send('fanout', `m${i}`);
      const mapping = sqs.attachConsumer({ queueArn: q.arn, reportBatchItemFailures: true, invoke: (e) => runtime.invoke('Worker', e) });
      await waitUntil(async () => (await depth('fanout')) === 0, 'the queue to be consumed');
      await mapping.stop();
    } finally {
      await runtime.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('applies Lambda partial batch response rules', () => {
    const ids = ['a', 'b', 'c'];
    expect([...partialFailures(null, ids)]).toEqual([]);
    expect([...partialFailures({}, ids)]).toEqual([]);
    expect([...partialFailures({ batchItemFailures: [] }, ids)]).toEqual([]);
    expect([...partialFailures({ batchItemFailures: [{ itemIdentifier: 'b' }] }, ids)]).toEqual(['b']);
    expect([...partialFailures({ batchItemFailures: [{ itemIdentifier: '' }] }, ids)]).toEqual(ids);
    expect([...partialFailures({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, ids)]).toEqual(ids);
    expect([...partialFailures({ batchItemFailures: [{ id: 'a' }] }, ids)]).toEqual(ids);
    expect([...partialFailures('nonsense', ids)]).toEqual(ids);
  });
});
