/**
 * A variant of the product's app for the talk-back tests: the same PushStack plus what an application adds
 * to answer clients: a responder (a rule on `WebSocketMessage` whose function answers with a `connectionId`
 * push carrying `replyTo`) and a lifecycle watcher (a rule on the lifecycle events whose function pushes
 * each one to the channel `lifecycle-watch` and greets every new connection).
 */
import { App, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { join } from 'node:path';
import { readConfig } from '../../../lib/config';
import { PushStack } from '../../../lib/push-stack';
import { LIFECYCLE_DETAIL_TYPES, MESSAGE_DETAIL_TYPE, PUBLISHER_ENV, STACK_EVENT_SOURCE } from '../../../shared/events';

const app = new App();
const stack = new PushStack(app, 'WebSocketPushTalkback', { config: readConfig(app.node) });
const bus = stack.eventPush.eventBus;
const fn = (id: string, file: string) => {
  const f = new NodejsFunction(stack, id, {
    entry: join(__dirname, file),
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(5),
    environment: { [PUBLISHER_ENV.EVENT_BUS]: bus.eventBusName },
    bundling: { externalModules: [] },
    depsLockFilePath: join(__dirname, '..', '..', '..', 'package-lock.json'),
    projectRoot: join(__dirname, '..', '..', '..'),
  });
  stack.push.grantPublish(f);
  return f;
};

new events.Rule(stack, 'ResponderRule', {
  eventBus: bus,
  eventPattern: { source: [STACK_EVENT_SOURCE], detailType: [MESSAGE_DETAIL_TYPE] },
  targets: [new targets.LambdaFunction(fn('ResponderFunction', 'responder.ts'))],
});
new events.Rule(stack, 'LifecycleRule', {
  eventBus: bus,
  eventPattern: { source: [STACK_EVENT_SOURCE], detailType: Object.values(LIFECYCLE_DETAIL_TYPES) },
  targets: [new targets.LambdaFunction(fn('LifecycleWatcherFunction', 'lifecycle-watcher.ts'))],
});
