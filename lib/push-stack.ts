import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { APPSYNC_OUTPUTS } from '../shared/appsync';
import { DEFAULT_EVENT_BUS_NAME } from '../shared/events';
import type { PushStackConfig } from './config';
import type { ConnectionsTable } from './constructs/connections-table';
import type { EventPush } from './constructs/event-push';
import type { Fanout } from './constructs/fanout';
import type { Monitoring } from './constructs/monitoring';
import type { NodeFunction } from './constructs/node-function';
import type { PushWebSocketApi } from './constructs/websocket-api';
import { WebSocketPush } from './websocket-push';

/** Properties of a {@link PushStack}. */
export interface PushStackProps extends StackProps {
  /**
   * Configuration, merged over the defaults and validated (see `lib/config.ts`).
   * @default DEFAULT_CONFIG
   */
  readonly config?: Partial<PushStackConfig>;
}

/**
 * The standalone app's stack (`bin/app.ts`): one {@link WebSocketPush} and its outputs. Its bus is named
 * `websocket-push` unless configured. Environment-agnostic: it synthesizes without an account or credentials.
 */
export class PushStack extends Stack {
  /** The construct holding everything. */
  public readonly push: WebSocketPush;
  /** The validated configuration the stack was built with. */
  public readonly config: PushStackConfig;
  /** The connections registry. `apigateway` transport only (else a TransportMismatchError). */
  public get connections(): ConnectionsTable {
    return this.push.connections;
  }
  /** The WebSocket API and its stage. `apigateway` transport only. */
  public get webSocket(): PushWebSocketApi {
    return this.push.webSocket;
  }
  /** The bus, rule, push function and dead-letter queue. `apigateway` transport only. */
  public get eventPush(): EventPush {
    return this.push.eventPush;
  }
  /** The fan-out queue, its workers and its dead-letter queue. `apigateway` transport only. */
  public get fanout(): Fanout {
    return this.push.fanout;
  }
  /** Alarms on the dead-letter queues and the push path's errors. */
  public get monitoring(): Monitoring {
    return this.push.monitoring;
  }
  /** The `$connect` function. `apigateway` transport only. */
  public get connectFunction(): NodeFunction {
    return this.push.connectFunction;
  }
  /** The `$connect` REQUEST authorizer, present when `authIssuer` is configured on the `apigateway` transport. */
  public get authorizerFunction(): NodeFunction | undefined {
    return this.push.authorizerFunction;
  }
  /** The `$disconnect` function. `apigateway` transport only. */
  public get disconnectFunction(): NodeFunction {
    return this.push.disconnectFunction;
  }
  /** The `$default` function. `apigateway` transport only. */
  public get defaultFunction(): NodeFunction {
    return this.push.defaultFunction;
  }

  constructor(scope: Construct, id: string, props: PushStackProps = {}) {
    super(scope, id, {
      description:
        props.config?.transport === 'appsync'
          ? 'Serverless WebSocket push: EventBridge to AppSync GraphQL subscriptions'
          : 'Serverless WebSocket push: API Gateway WebSocket API, DynamoDB registry, EventBridge push',
      ...props,
    });
    const config = props.config ?? {};
    const named = config.eventBusName !== undefined || config.existingEventBusArn !== undefined;
    // "Default": CDK leaves this id out of logical ids, so the resources keep the ids they had before the
    // construct existed, and a deployed stack is updated in place rather than replaced.
    this.push = new WebSocketPush(this, 'Default', named ? config : { ...config, eventBusName: DEFAULT_EVENT_BUS_NAME });
    this.config = this.push.config;

    const p = this.push;
    const output = (outputId: string, value: string, description: string) => new CfnOutput(this, outputId, { value, description });
    if (p.appSync !== undefined) {
      const a = p.appSync;
      output(APPSYNC_OUTPUTS.graphqlUrl, a.graphqlUrl, 'AppSync GraphQL endpoint (https://…/graphql)');
      output(APPSYNC_OUTPUTS.realtimeUrl, a.realtimeUrl, 'AppSync real-time endpoint subscribers connect to (wss://…appsync-realtime-api…/graphql)');
      output(APPSYNC_OUTPUTS.apiId, a.api.apiId, 'Id of the AppSync API');
      if (a.apiKey !== undefined) {
        output(APPSYNC_OUTPUTS.apiKeyId, a.apiKey.attrApiKeyId, 'Id of the API key clients subscribe with (its value: aws appsync list-api-keys --api-id <AppSyncApiId>)');
      }
      output('EventBusName', p.eventBus.eventBusName, 'Event bus to publish WebSocketPush events on');
      output('EventBusArn', p.eventBus.eventBusArn, 'ARN of the event bus');
      output('DeadLetterQueueUrl', p.deadLetterQueue.queueUrl, 'Queue of events that could not be pushed');
      output('DeadLetterQueueArn', p.deadLetterQueue.queueArn, 'ARN of the dead-letter queue');
      return;
    }
    output('WebSocketUrl', p.webSocketUrl, 'WebSocket URL clients connect to (wss://…/<stage>)');
    output('CallbackUrl', p.callbackUrl, 'Management API endpoint of the stage (https://…/<stage>)');
    output('EventBusName', p.eventBus.eventBusName, 'Event bus to publish WebSocketPush events on');
    output('EventBusArn', p.eventBus.eventBusArn, 'ARN of the event bus');
    output('ConnectionsTableName', p.connectionsTable.tableName, 'DynamoDB table of connections and subscriptions');
    output('DeadLetterQueueUrl', p.deadLetterQueue.queueUrl, 'Queue of events that could not be pushed');
    output('DeadLetterQueueArn', p.deadLetterQueue.queueArn, 'ARN of the dead-letter queue');
    output('FanoutQueueUrl', p.fanout.queue.queueUrl, 'Queue of fan-out batches (connection ids of large audiences)');
    output('FanoutDeadLetterQueueUrl', p.fanout.deadLetterQueue.queueUrl, 'Queue of fan-out batches that kept failing');
  }
}
