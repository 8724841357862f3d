import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startAwsEndpoint, type AwsEndpoint } from '../../../../local/aws-endpoint';
import { bindPort } from '../../../../local/http/bound-port';
import { LocalSqs, md5OfMessageAttributes } from '../../../../local/sqs';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

describe('LocalSqs through the AWS SDK', () => {
  let sqs: LocalSqs;
  let clockOffsetMs = 0;
  let endpoint: AwsEndpoint;
  let client: SQSClient;
  let n = 0;
  const create = async (attributes: Record<string, string> = {}) => {
    const name = `q${++n}`;
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return { name, url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
  };
  const counts = async (url: string) => {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return [Number(Attributes!.ApproximateNumberOfMessages), Number(Attributes!.ApproximateNumberOfMessagesNotVisible)];
  };

  beforeAll(async () => {
    // The port is bound first, so the queues know the URL they are reached on. SQS's clock is the real one
    // plus what a test has moved it on by (visibility timeouts without sleeping).
    const port = await bindPort('127.0.0.1', 0);
    sqs = new LocalSqs({ endpointUrl: port.url, purgeCooldownMs: 60_000, now: () => Date.now() + clockOffsetMs });
    endpoint = await startAwsEndpoint({ port, services: [sqs] });
    client = new SQSClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
  });

  afterAll(async () => {
    client.destroy();
    await sqs.stop();
    await endpoint.stop();
  });

  it('creates, finds and lists queues with AWS-shaped URLs and ARNs', async () => {
    const q = await create({ VisibilityTimeout: '5' });
    expect(q.url).toBe(`${endpoint.url}/000000000000/${q.name}`);
    expect((await client.send(new GetQueueUrlCommand({ QueueName: q.name }))).QueueUrl).toBe(q.url);
    expect((await client.send(new ListQueuesCommand({ QueueNamePrefix: q.name }))).QueueUrls).toEqual([q.url]);
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({ QueueArn: q.arn, VisibilityTimeout: '5', ApproximateNumberOfMessages: '0', DelaySeconds: '0' });
    // Same attributes: idempotent; different: QueueNameExists.
    await expect(client.send(new CreateQueueCommand({ QueueName: q.name, Attributes: { VisibilityTimeout: '5' } }))).resolves.toMatchObject({ QueueUrl: q.url });
    await expect(client.send(new CreateQueueCommand({ QueueName: q.name, Attributes: { VisibilityTimeout: '6' } }))).rejects.toMatchObject({
      name: 'QueueNameExists',
    });
  });

  it('answers a missing queue as SQS does (QueueDoesNotExist, legacy code AWS.SimpleQueueService.NonExistentQueue)', async () => {
    const err = await client.send(new GetQueueUrlCommand({ QueueName: 'does-not-exist' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'QueueDoesNotExist', message: 'The specified queue does not exist.', Code: 'AWS.SimpleQueueService.NonExistentQueue' });
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    await expect(client.send(new SendMessageCommand({ QueueUrl: `${endpoint.url}/000000000000/nope`, MessageBody: 'x' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
    await expect(client.send(new ReceiveMessageCommand({ QueueUrl: (await create()).url, WaitTimeSeconds: 21 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      Code: 'InvalidParameterValue',
    });
  });

  it('sends, receives and deletes with MD5s the SDK verifies, message attributes and system attributes', async () => {
    const q = await create();
    const attrs = {
      kind: { DataType: 'String', StringValue: 'score' },
      n: { DataType: 'Number', StringValue: '42' },
      raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    };
    const sent = await client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"goal":"⚽"}', MessageAttributes: attrs }));
    const wire = { kind: attrs.kind, n: attrs.n, raw: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]).toString('base64') } };
    expect(sent.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(wire));
    const before = Date.now();
    const got = await client.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], MaxNumberOfMessages: 10 }),
    );
    expect(got.Messages).toHaveLength(1);
    const m = got.Messages![0];
    expect(m.MessageId).toBe(sent.MessageId);
    expect(m.Body).toBe('{"goal":"⚽"}');
    expect(m.MessageAttributes?.n).toEqual({ DataType: 'Number', StringValue: '42' });
    expect(Buffer.from(m.MessageAttributes!.raw.BinaryValue!)).toEqual(Buffer.from([1, 2, 3]));
    expect(m.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(m.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    expect(Number(m.Attributes!.SentTimestamp)).toBeLessThanOrEqual(before);
    expect(await counts(q.url)).toEqual([0, 1]);
    await client.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: m.ReceiptHandle }));
    expect(await counts(q.url)).toEqual([0, 0]);
    // Only selected attributes come back.
    const meta = { DataType: 'String', StringValue: 'feed' };
    await client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'b', MessageAttributes: { ...attrs, 'meta.src': meta } }));
    const partial = await client.send(new ReceiveMessageCommand({ QueueUrl: q.url, MessageAttributeNames: ['kind', 'meta.*'] }));
    expect(Object.keys(partial.Messages![0].MessageAttributes!).sort()).toEqual(['kind', 'meta.src']);
    expect(partial.Messages![0].MD5OfMessageAttributes).toBe(md5OfMessageAttributes({ kind: attrs.kind, 'meta.src': meta }));
    expect(partial.Messages![0].Attributes).toBeUndefined();
  });

  it('sends and deletes in batches, reporting per-entry failures', async () => {
    const q = await create();
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two', DelaySeconds: 0 },
          { Id: 'bad', MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'not a number' } } },
        ],
      }),
    );
    expect(sent.Successful?.map((s) => s.Id).sort()).toEqual(['a', 'b']);
    expect(sent.Failed).toEqual([expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue' })]);
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10 }));
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: q.url,
        Entries: [...got.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })), { Id: 'junk', ReceiptHandle: 'garbage' }],
      }),
    );
    expect(deleted.Successful).toHaveLength(2);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid' })]);
    await expect(client.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: [] }))).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(
      client.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: [{ Id: 'x', MessageBody: '1' }, { Id: 'x', MessageBody: '2' }] })),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
  });

  it('hides a received message for the visibility timeout, then delivers it again', async () => {
    const q = await create({ VisibilityTimeout: '1' });
    await client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'again' }));
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: q.url }));
    expect(first.Messages).toHaveLength(1);
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: q.url }))).Messages).toBeUndefined();
    clockOffsetMs += 1100;
    const second = await client.send(new ReceiveMessageCommand({ QueueUrl: q.url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(second.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe('2');
    // The old receipt handle is stale: deleting with it succeeds but does not delete.
    await client.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: first.Messages![0].ReceiptHandle }));
    expect(await counts(q.url)).toEqual([0, 1]);
    // ChangeMessageVisibility 0 makes it visible at once.
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: q.url, ReceiptHandle: second.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    expect(await counts(q.url)).toEqual([1, 0]);
    await expect(
      client.send(new ChangeMessageVisibilityCommand({ QueueUrl: q.url, ReceiptHandle: second.Messages![0].ReceiptHandle, VisibilityTimeout: 5 })),
    ).rejects.toMatchObject({ name: 'MessageNotInflight' });
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const dlq = await create();
    const q = await create({ VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '2' }) });
    const { MessageId } = await client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'poison' }));
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: q.url }))).Messages).toHaveLength(1);
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: q.url }))).Messages).toHaveLength(1);
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: q.url }))).Messages).toBeUndefined();
    const dead = await client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageSystemAttributeNames: ['All'] }));
    expect(dead.Messages?.[0]).toMatchObject({ MessageId, Body: 'poison' });
    expect(dead.Messages?.[0].Attributes?.DeadLetterQueueSourceArn).toBe(q.arn);
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 });
    await expect(
      client.send(new CreateQueueCommand({ QueueName: 'orphan', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:nope', maxReceiveCount: 1 }) } })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
  });

  it('long polling returns as soon as a message is sent', async () => {
    const q = await create();
    const started = Date.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 10 }));
    await new Promise((r) => setTimeout(r, 200));
    await client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'wake up' }));
    const got = await polling;
    expect(got.Messages?.[0].Body).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(3000);
    // And an empty long poll waits its time.
    const t0 = Date.now();
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 1 }))).Messages).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('delays messages and purges once a minute', async () => {
    const q = await create();
    await client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'later', DelaySeconds: 1 }));
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: q.url }))).Messages).toBeUndefined();
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 3 }));
    expect(got.Messages?.[0].Body).toBe('later');
    await client.send(new PurgeQueueCommand({ QueueUrl: q.url }));
    expect(await counts(q.url)).toEqual([0, 0]);
    await expect(client.send(new PurgeQueueCommand({ QueueUrl: q.url }))).rejects.toMatchObject({ name: 'PurgeQueueInProgress' });
  });

  it('lets the template add queues with a redrive policy', async () => {
    const dlq = sqs.addQueue({ name: 'tpl-dlq' });
    const main = sqs.addQueue({ name: 'tpl-main', visibilityTimeoutSeconds: 60, redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 } });
    expect(main.url).toBe(`${endpoint.url}/000000000000/tpl-main`);
    expect(main.arn).toBe('arn:aws:sqs:us-east-1:000000000000:tpl-main');
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: main.url, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }));
    expect(Attributes).toEqual({ VisibilityTimeout: '60', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }) });
  });
});
