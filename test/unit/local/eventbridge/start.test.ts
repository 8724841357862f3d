import { localArn } from '../../../../local/aws-wire';
import { startEventBridge } from '../../../../local/eventbridge';
import { startLambda } from '../../../../local/lambda-runtime';
import { queueArn, startSqs } from '../../../../local/sqs';

describe('startEventBridge', () => {
  it('starts the buses and rules of a model, and dead-letters an event whose target is not a function of the stack', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const sqs = await startSqs({ queues: [{ name: 'dlq' }] }, { endpointUrl: 'http://127.0.0.1:1', log });
    const lambda = await startLambda({ functions: [], eventSourceMappings: [] }, { awsEndpointUrl: 'http://127.0.0.1:1', sqs, reportLines: false, log });
    const missing = localArn('lambda', 'function:Missing');
    const eventBridge = await startEventBridge({
      buses: ['bus'],
      rules: [{ name: 'rule', busName: 'bus', eventPattern: { source: ['test'] }, enabled: true, targets: [{ id: 'T', arn: missing, deadLetterArn: queueArn('dlq') }] }],
    }, { lambda, sqs, log });
    try {
      expect(eventBridge.urls).toEqual({});
      const put = (await eventBridge.api.handle('PutEvents', { Entries: [{ EventBusName: 'bus', Source: 'test', DetailType: 'T', Detail: '{"a":1}' }] })) as { FailedEntryCount: number };
      expect(put.FailedEntryCount).toBe(0);
      await eventBridge.idle();
      const got = (await sqs.api.handle('ReceiveMessage', { QueueUrl: sqs.api.queueUrl('dlq'), MessageAttributeNames: ['All'] })) as {
        Messages: Array<{ Body: string; MessageAttributes: Record<string, { StringValue: string }> }>;
      };
      expect(JSON.parse(got.Messages[0].Body)).toMatchObject({ source: 'test', detail: { a: 1 } });
      expect(got.Messages[0].MessageAttributes.ERROR_CODE.StringValue).toBe('ResourceNotFoundException');
      expect(got.Messages[0].MessageAttributes.ERROR_MESSAGE.StringValue).toBe(`Target ${missing} is not a function of the local stack`);
    } finally {
      await eventBridge.stop();
      await lambda.stop();
      await sqs.stop();
    }
  });
});
