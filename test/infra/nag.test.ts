import { Aspects, CfnResource } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PushStackConfig } from '../../lib/config';
import { buildStack } from './helpers';

function nagged(config?: Partial<PushStackConfig>) {
  const { app, stack } = buildStack({ config });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  return { stack, annotations: Annotations.fromStack(stack) };
}

interface Suppression {
  path: string;
  id: string;
  reason: string;
  applies_to?: unknown[];
}

/** Every cdk-nag suppression in the stack, with the path of the resource it is on. */
function suppressions(stack: ReturnType<typeof nagged>['stack']): Suppression[] {
  return stack.node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .flatMap((c) =>
      ((c.getMetadata('cdk_nag') as { rules_to_suppress?: Suppression[] } | undefined)?.rules_to_suppress ?? []).map(
        (r) => ({ ...r, path: c.node.path }),
      ),
    );
}

describe('cdk-nag AwsSolutions', () => {
  const variants: Array<[string, Partial<PushStackConfig> | undefined]> = [
    ['default stack', undefined],
    ['existing bus, no account role', { existingEventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders', apiGatewayCloudWatchRole: false }],
    ['alarms to an email, reserved push concurrency', { alarmEmail: 'ops@example.com', pushReservedConcurrency: 50 }],
  ];

  test.each(variants)('%s: no unsuppressed error and no warning', (_name, config) => {
    const { annotations } = nagged(config);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  test('suppressions are exactly the expected ones, each scoped and with a reason', () => {
    const found = suppressions(nagged().stack);
    expect(found.map((s) => `${s.path} ${s.id}`).sort()).toEqual(
      [
        'WebSocketPush/Default/EventPush/DeadLetterQueue/Resource AwsSolutions-SQS3',
        // Presence announcements: $default and $disconnect post to the channel's subscribers.
        'WebSocketPush/Default/DefaultFunctionRole/DefaultPolicy/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/DefaultFunctionRole/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/DisconnectFunctionRole/DefaultPolicy/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/DisconnectFunctionRole/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/EventPush/PushFunctionRole/DefaultPolicy/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/EventPush/PushFunctionRole/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/Fanout/DeadLetterQueue/Resource AwsSolutions-SQS3',
        'WebSocketPush/Default/Fanout/WorkerFunctionRole/DefaultPolicy/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/Fanout/WorkerFunctionRole/Resource AwsSolutions-IAM5',
        'WebSocketPush/Default/WebSocket/Api/$connect-Route/Resource AwsSolutions-APIG4',
        'WebSocketPush/Default/WebSocket/Api/$default-Route/Resource AwsSolutions-APIG4',
        'WebSocketPush/Default/WebSocket/Api/$disconnect-Route/Resource AwsSolutions-APIG4',
        'WebSocketPush/Default/WebSocket/CloudWatchRole/Resource AwsSolutions-IAM4',
      ].sort(),
    );
    for (const s of found) expect(s.reason.length).toBeGreaterThan(60);
  });

  test('the suppressions do not hide a wildcard added elsewhere', () => {
    const { app, stack } = buildStack();
    stack.eventPush.pushFunction.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5.*'))).toHaveLength(1);
  });

  test('the IAM5 suppression covers only the @connections resource of the stage', () => {
    const iam5 = suppressions(nagged().stack).filter((r) => r.id === 'AwsSolutions-IAM5');
    expect(iam5.length).toBeGreaterThan(0);
    for (const r of iam5) {
      expect(r.applies_to).toEqual([
        {
          regex:
            '/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<[A-Za-z0-9]+>\\/prod\\/POST\\/@connections\\/\\*$/',
        },
      ]);
    }
  });
});
