import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { WebSocketPush } from '../../lib';
import { cdkJsonContext, functionId, resourcesOf, synthTemplate } from './helpers';

const alarmsOf = (template: Template) => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);

describe('alarms that notify', () => {
  test('without alarmEmail or alarmTopic: no topic, and the alarms have no actions', () => {
    const template = synthTemplate();
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of alarmsOf(template)) expect(alarm.AlarmActions).toBeUndefined();
  });

  test('alarmEmail: a TLS-only topic with the address subscribed, and every alarm notifies it', () => {
    const template = synthTemplate({ config: { alarmEmail: 'ops@example.com' } });
    const topics = Object.entries(resourcesOf(template, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    const [topicId] = topics[0];
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const alarms = alarmsOf(template);
    expect(alarms.length).toBeGreaterThanOrEqual(5);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  test('alarmTopic: the construct notifies the given topic and creates none', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'UserStack');
    const topic = new Topic(stack, 'Ops');
    const push = new WebSocketPush(stack, 'Push', { alarmTopic: topic });
    expect(push.alarmTopic).toBe(topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const topicId = stack.getLogicalId(topic.node.defaultChild as never);
    for (const alarm of alarmsOf(template)) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  test('alarms on failed deliveries: the Failed metric of the push function and the fan-out workers, summed', () => {
    const template = synthTemplate();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('403 from the management API'),
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'push + fanoutworker' }),
        ...['push', 'fanout-worker'].map((service) => Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'WebSocketPush', MetricName: 'Failed', Dimensions: [{ Name: 'service', Value: service }] },
            Stat: 'Sum',
          }),
          ReturnData: false,
        })),
      ]),
    });
  });
});

describe('push function concurrency', () => {
  const pushProps = (template: Template) => resourcesOf(template, 'AWS::Lambda::Function')[functionId(template, 'Pushes')].Properties;

  test('pushReservedConcurrency reserves that many executions for the push function only', () => {
    const template = synthTemplate({ config: { pushReservedConcurrency: 50 } });
    expect(pushProps(template).ReservedConcurrentExecutions).toBe(50);
    const reserved = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter((f) => f.Properties.ReservedConcurrentExecutions !== undefined);
    expect(reserved).toHaveLength(1);
  });

  test('by default nothing is reserved', () => {
    expect(pushProps(synthTemplate())).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  test('a value out of bounds is refused with the key and an example', () => {
    expect(() => synthTemplate({ config: { pushReservedConcurrency: 0 } })).toThrow(/pushReservedConcurrency.*from 1 to 1000/s);
    expect(() => synthTemplate({ config: { alarmEmail: 'not-an-address' } })).toThrow(/alarmEmail.*email address/s);
  });
});
