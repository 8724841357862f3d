import { localArn } from '../../../../local/aws-wire';
import { startEventBridge } from '../../../../local/eventbridge';
import { inputTransformerProblem, transformInput } from '../../../../local/eventbridge/target-input';
import { startLambda } from '../../../../local/lambda-runtime';
import { queueArn, startSqs } from '../../../../local/sqs';

const event = { id: 'e1', 'detail-type': 'WebSocketPush', source: 'orders', time: '2026-01-01T00:00:00Z', detail: { channel: 'scores', data: { home: 1 }, text: 'say "hi"' } };
const ctx = { ruleName: 'R', ruleArn: localArn('events', 'rule/b/R'), ingestedAt: Date.parse('2026-01-01T00:00:01Z') };

describe('InputTransformer (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html)', () => {
  it('puts each path\'s value into the template as JSON outside strings, as text inside them (what CDK\'s RuleTargetInput.fromObject synthesizes)', () => {
    const t = { inputPathsMap: { 'detail-channel': '$.detail.channel', id: '$.id', 'detail-data': '$.detail.data' }, inputTemplate: '{"channel":<detail-channel>,"id":<id>,"data":<detail-data>}' };
    expect(transformInput(event, t, ctx)).toEqual({ channel: 'scores', id: 'e1', data: { home: 1 } });
    expect(transformInput(event, { inputPathsMap: { c: '$.detail.channel', t: '$.detail.text', d: '$.detail.data' }, inputTemplate: '{"m":"<c>: <t> <d>"}' }, ctx)).toEqual({ m: 'scores: say "hi" {"home":1}' });
  });

  it('gives null for a path that selects nothing, fills the predefined variables, and delivers a template that is not JSON as text', () => {
    expect(transformInput(event, { inputPathsMap: { x: '$.detail.missing' }, inputTemplate: '{"x":<x>,"in":"<x>"}' }, ctx)).toEqual({ x: null, in: '' });
    const { detail: _d, ...withoutDetail } = event;
    expect(transformInput(event, { inputTemplate: '{"rule":<aws.events.rule-name>,"at":<aws.events.event.ingestion-time>,"e":<aws.events.event.json>,"short":<aws.events.event>}' }, ctx))
      .toEqual({ rule: 'R', at: '2026-01-01T00:00:01.000Z', e: event, short: withoutDetail });
    // A text template (AWS's own example: "<instance> is in state <status>") takes the values as text.
    expect(transformInput(event, { inputPathsMap: { c: '$.detail.channel', d: '$.detail.data' }, inputTemplate: '<c> is in state <d>' }, ctx)).toBe('scores is in state {"home":1}');
    expect(transformInput(event, { inputPathsMap: { c: '$.detail.channel' }, inputTemplate: '"<c> changed"' }, ctx)).toBe('scores changed');
  });

  it('says what is wrong with a transformer EventBridge would refuse', () => {
    expect(inputTransformerProblem({ inputTemplate: '' })).toBe('InputTransformer needs an InputTemplate');
    expect(inputTransformerProblem({ inputPathsMap: { a: 'detail' }, inputTemplate: '<a>' })).toBe('InputTransformer: InputPath "detail" must start with "$"');
    expect(inputTransformerProblem({ inputPathsMap: { 'aws.events.x': '$.id' }, inputTemplate: '<a>' })).toContain('reserved');
  });

  it('delivers a queue target\'s transformed input as the message body', async () => {
    const log = () => undefined;
    const sqs = await startSqs({ queues: [{ name: 'jobs' }] }, { endpointUrl: 'http://127.0.0.1:1', log });
    const lambda = await startLambda({ functions: [], eventSourceMappings: [] }, { awsEndpointUrl: 'http://127.0.0.1:1', sqs, reportLines: false, log });
    const eventBridge = await startEventBridge({
      buses: ['bus'],
      rules: [{ name: 'r', busName: 'bus', eventPattern: { source: ['test'] }, targets: [{ id: 'Q', arn: queueArn('jobs'), inputTransformer: { inputPathsMap: { c: '$.detail.channel' }, inputTemplate: '{"queued":<c>}' } }] }],
    }, { lambda, sqs, log });
    try {
      await eventBridge.api.handle('PutEvents', { Entries: [{ EventBusName: 'bus', Source: 'test', DetailType: 'T', Detail: '{"channel":"c1"}' }] });
      await eventBridge.idle();
      const got = (await sqs.api.handle('ReceiveMessage', { QueueUrl: sqs.api.queueUrl('jobs') })) as { Messages: { Body: string }[] };
      expect(got.Messages.map((m) => JSON.parse(m.Body))).toEqual([{ queued: 'c1' }]);
      const listed = (await eventBridge.api.handle('ListTargetsByRule', { Rule: 'r', EventBusName: 'bus' })) as { Targets: unknown[] };
      expect(listed.Targets[0]).toMatchObject({ InputTransformer: { InputPathsMap: { c: '$.detail.channel' }, InputTemplate: '{"queued":<c>}' } });
    } finally {
      await eventBridge.stop();
      await lambda.stop();
      await sqs.stop();
    }
  });
});
