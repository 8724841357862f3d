/**
 * A variant of the product's app for the local cloud's tests: the same PushStack plus routes (`echo`, and
 * `probe`, whose function has few grants) and a rule (`detail-type: Notice`) that `local/` has never heard of. They must work locally with no
 * change to `local/`: everything comes from the synthesized template.
 */
import { App, Duration } from 'aws-cdk-lib';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { join } from 'node:path';
import { PushStack } from '../../../lib/push-stack';

const app = new App();
const stack = new PushStack(app, 'WebSocketPushVariant');
const fn = (id: string, file: string, environment: Record<string, string> = {}) =>
  new NodejsFunction(stack, id, {
    entry: join(__dirname, file),
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(5),
    environment,
    bundling: { externalModules: [] },
    depsLockFilePath: join(__dirname, '..', '..', '..', 'package-lock.json'),
    projectRoot: join(__dirname, '..', '..', '..'),
  });

const echo = fn('EchoFunction', 'echo.ts');
stack.webSocket.api.addRoute('echo', { integration: new WebSocketLambdaIntegration('Echo', echo), returnResponse: true });

const notice = fn('NoticeFunction', 'notice.ts', { CALLBACK_URL: stack.webSocket.callbackUrl });
stack.webSocket.grantManageConnections(notice);
// A function granted only PutEvents on the push bus: the local cloud denies its other calls, as AWS would.
const probe = fn('ProbeFunction', 'probe.ts', {
  CALLBACK_URL: stack.webSocket.callbackUrl,
  TABLE_NAME: stack.push.connectionsTable.tableName,
  EVENT_BUS_NAME: stack.push.eventBus.eventBusName,
});
stack.push.grantPublish(probe);
stack.webSocket.api.addRoute('probe', { integration: new WebSocketLambdaIntegration('Probe', probe), returnResponse: true });

new events.Rule(stack, 'NoticeRule', {
  eventBus: stack.eventPush.eventBus,
  eventPattern: { detailType: ['Notice'], detail: { level: [{ prefix: 'warn' }] } },
  targets: [new targets.LambdaFunction(notice)],
});
