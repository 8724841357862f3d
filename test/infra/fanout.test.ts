import { Match } from 'aws-cdk-lib/assertions';
import { actionsOf, functionId, resourcesOf, synthTemplate } from './helpers';

describe('fan-out: queue, workers, dead-letter queue', () => {
  const template = synthTemplate();
  const queues = resourcesOf(template, 'AWS::SQS::Queue');
  const fanoutQueueId = Object.keys(queues).find((id) => id.startsWith('FanoutQueue'))!;
  const fanoutDlqId = Object.keys(queues).find((id) => id.startsWith('FanoutDeadLetterQueue'))!;

  it('has an encrypted fan-out queue that redrives to its own dead-letter queue', () => {
    expect(fanoutQueueId).toBeDefined();
    expect(fanoutDlqId).toBeDefined();
    const q = queues[fanoutQueueId]!.Properties;
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(q.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [fanoutDlqId, 'Arn'] }, maxReceiveCount: 5 });
    // Six times the worker's 30 s timeout, as Lambda recommends for SQS event sources.
    expect(q.VisibilityTimeout).toBe(180);
    expect(queues[fanoutDlqId]!.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('refuses non-TLS requests on both queues', () => {
    for (const id of [fanoutQueueId, fanoutDlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('runs the worker from the queue with partial batch failures and a concurrency cap', () => {
    const worker = functionId(template, 'Fan-out worker');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [fanoutQueueId, 'Arn'] },
      FunctionName: { Ref: worker },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 50 },
    });
    const env = resourcesOf(template, 'AWS::Lambda::Function')[worker]!.Properties.Environment.Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['CONNECTIONS_TABLE', 'CALLBACK_URL', 'DELIVERY_CONCURRENCY', 'BROADCAST_SHARDS', 'FANOUT_QUEUE_URL']),
    );
    expect(env.FANOUT_QUEUE_URL).toEqual({ Ref: fanoutQueueId });
  });

  it('gives the worker exactly what it needs: consume and re-queue, post, remove gone connections; never Scan', () => {
    const actions = actionsOf(template, functionId(template, 'Fan-out worker'));
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage', 'execute-api:ManageConnections', 'dynamodb:Query', 'dynamodb:BatchWriteItem']));
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:PutItem');
  });

  it('lets the push function send to the fan-out queue and tells it the threshold and batch size', () => {
    const push = functionId(template, 'Pushes WebSocketPush events');
    expect(actionsOf(template, push)).toContain('sqs:SendMessage');
    const env = resourcesOf(template, 'AWS::Lambda::Function')[push]!.Properties.Environment.Variables;
    expect(env).toMatchObject({ FANOUT_QUEUE_URL: { Ref: fanoutQueueId }, FANOUT_THRESHOLD: '2000', FANOUT_BATCH_SIZE: '500' });
  });

  it('takes the threshold, batch size and worker concurrency from configuration', () => {
    const t = synthTemplate({ config: { fanoutThreshold: 10, fanoutBatchSize: 3, fanoutWorkerConcurrency: 7 } });
    const push = functionId(t, 'Pushes WebSocketPush events');
    expect(resourcesOf(t, 'AWS::Lambda::Function')[push]!.Properties.Environment.Variables).toMatchObject({ FANOUT_THRESHOLD: '10', FANOUT_BATCH_SIZE: '3' });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 7 } });
  });

  it.each([
    [{ fanoutThreshold: -1 }, /fanoutThreshold/],
    [{ fanoutBatchSize: 0 }, /fanoutBatchSize.*256 KB/],
    [{ fanoutWorkerConcurrency: 1 }, /fanoutWorkerConcurrency.*MaximumConcurrency/],
  ])('refuses %p with a message naming the key', (config, message) => {
    expect(() => synthTemplate({ config: config as never })).toThrow(message);
  });
});

describe('monitoring', () => {
  const template = synthTemplate();
  const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
  const queues = resourcesOf(template, 'AWS::SQS::Queue');

  it('alarms on the depth of both dead-letter queues, at the first message', () => {
    const dlqs = Object.keys(queues).filter((id) => /DeadLetterQueue/.test(id));
    expect(dlqs).toHaveLength(2);
    for (const dlq of dlqs) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on errors of the push function and of the fan-out worker', () => {
    for (const prefix of ['Pushes WebSocketPush events', 'Fan-out worker']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(template, prefix) } }],
        Threshold: 1,
      });
    }
    expect(Object.keys(alarms)).toHaveLength(5); // and the failed-deliveries alarm (monitoring.test.ts)
  });
});

describe('deliveryMemorySize', () => {
  test('sets the memory of the push function and the fan-out workers only', () => {
    const t = synthTemplate({ config: { deliveryMemorySize: 2048 } });
    const memory = Object.values(t.findResources('AWS::Lambda::Function')).map((r) => [String(r.Properties.Description).split(' ')[0], r.Properties.MemorySize]);
    expect(memory.filter(([, m]) => m === 2048).map(([d]) => d).sort()).toEqual(['Fan-out', 'Pushes']);
    expect(memory.filter(([, m]) => m !== 2048).every(([, m]) => m === 256)).toBe(true);
  });

  test.each([[64], [10241], ['lots']])('refuses %p with the bounds', (value) => {
    expect(() => synthTemplate({ config: { deliveryMemorySize: value as number } })).toThrow(
      `Invalid config "deliveryMemorySize": ${JSON.stringify(value)}. Expected an integer from 128 to 10240, e.g. { deliveryMemorySize: 1152 }.`,
    );
  });
});
