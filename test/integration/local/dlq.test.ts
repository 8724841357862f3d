import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { localTarget } from '../../support/target';
import { TestClient } from '../../support/ws-client';

const run = promisify(execFile);

/** `npm run dlq -- list|redrive` against the local cloud's push dead-letter queue. */
describe('local cloud: npm run dlq', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
  }, 120_000);
  afterAll(() => cloud?.stop());

  const dlq = async (...args: string[]) =>
    (await run('npx', ['tsx', 'scripts/dlq.ts', ...args, '--endpoint', cloud.awsEndpoint], { env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } })).stdout.trim().split('\n');

  it('lists each shape as one line, redrives the event of an on-failure record to its subscribers, and keeps the invalid event', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    await c.subscribe('redrive');
    // The push function refuses an event with no audience: it sends it to the dead-letter queue itself.
    const target = localTarget(cloud);
    await target.publish({ data: { lost: true } });
    await cloud.idle();
    await target.stop();
    // Lambda's on-failure record of an event the push function kept failing on.
    const event = { version: '0', id: 'evt-redrive', 'detail-type': 'WebSocketPush', source: 'orders', account: '000000000000', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: { channel: 'redrive', data: { n: 1 } } };
    const sqs = new SQSClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await sqs.send(new SendMessageCommand({
      QueueUrl: cloud.outputs.DeadLetterQueueUrl,
      MessageBody: JSON.stringify({
        version: '1.0', timestamp: new Date().toISOString(),
        requestContext: { requestId: 'r1', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Push:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: event, responsePayload: { errorType: 'StoreError', errorMessage: 'table unavailable' },
      }),
    }));

    const listed = await dlq('list');
    expect(listed.filter((l) => l.startsWith('invalid ') && l.includes('NoAudience'))).toHaveLength(1);
    expect(listed).toContain('function failed event evt-redrive (channel redrive): StoreError: table unavailable after 3 attempts [RetriesExhausted]');
    expect(listed[listed.length - 1]).toMatch(/^2 message\(s\) in /);

    const redriven = await dlq('redrive', '--bus', cloud.outputs.EventBusName);
    expect(redriven.find((l) => l.includes('evt-redrive'))).toMatch(/\(redriven as \S+\)$/);
    expect(redriven.find((l) => l.startsWith('invalid '))).toMatch(/\(kept\)$/);
    expect(await c.next((m) => m.type === 'message' && m.channel === 'redrive')).toMatchObject({ channel: 'redrive', data: { n: 1 } });

    const after = await dlq('list');
    expect(after[after.length - 1]).toMatch(/^1 message\(s\) in /);
    c.close();
  }, 120_000);
});
