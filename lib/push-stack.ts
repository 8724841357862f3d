import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../shared/env';
import { parseConfig, PushStackConfig } from './config';
import { ConnectionsTable } from './constructs/connections-table';
import { EventPush } from './constructs/event-push';
import { NodeFunction } from './constructs/node-function';
import { PushWebSocketApi } from './constructs/websocket-api';

/** Properties of a {@link PushStack}. */
export interface PushStackProps extends StackProps {
  /**
   * Configuration, merged over the defaults and validated (see `lib/config.ts`).
   * @default DEFAULT_CONFIG
   */
  readonly config?: Partial<PushStackConfig>;
}

/**
 * The WebSocket push backend: the WebSocket API and its route functions, the connections table, and the
 * event bus, rule, push function and dead-letter queue. Environment-agnostic: it synthesizes without
 * an account or credentials.
 */
export class PushStack extends Stack {
  /** The validated configuration the stack was built with. */
  public readonly config: PushStackConfig;
  /** The connections registry. */
  public readonly connections: ConnectionsTable;
  /** The WebSocket API and its stage. */
  public readonly webSocket: PushWebSocketApi;
  /** The bus, rule, push function and dead-letter queue. */
  public readonly eventPush: EventPush;
  /** The `$connect` function. */
  public readonly connectFunction: NodeFunction;
  /** The `$disconnect` function. */
  public readonly disconnectFunction: NodeFunction;
  /** The `$default` function. */
  public readonly defaultFunction: NodeFunction;

  constructor(scope: Construct, id: string, props: PushStackProps = {}) {
    super(scope, id, {
      description: 'Serverless WebSocket push: API Gateway WebSocket API, DynamoDB registry, EventBridge push',
      ...props,
    });
    const config = parseConfig(props.config ?? {}, 'props');
    this.config = config;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.connections = new ConnectionsTable(this, 'Connections');
    const tableName = this.connections.tableName;
    const fn = (id: string, handlerFile: string, description: string, environment: Record<string, string>) =>
      new NodeFunction(this, id, {
        handlerFile,
        description,
        timeout: Duration.seconds(10),
        logRetention,
        environment: { [ENV.CONNECTIONS_TABLE]: tableName, ...environment },
      });

    this.connectFunction = fn('ConnectFunction', 'connect', 'WebSocket $connect: registers the connection', {
      [ENV.CONNECTION_TTL_SECONDS]: String(config.connectionTtlSeconds),
      [ENV.BROADCAST_SHARDS]: String(config.broadcastShards),
    });
    this.disconnectFunction = fn('DisconnectFunction', 'disconnect', 'WebSocket $disconnect: removes the connection', {});
    this.defaultFunction = fn('DefaultFunction', 'default', 'WebSocket $default: subscribe, unsubscribe, ping', {
      [ENV.CONNECTION_TTL_SECONDS]: String(config.connectionTtlSeconds),
      [ENV.MAX_SUBSCRIPTIONS]: String(config.maxSubscriptions),
    });

    this.webSocket = new PushWebSocketApi(this, 'WebSocket', {
      connectHandler: this.connectFunction,
      disconnectHandler: this.disconnectFunction,
      defaultHandler: this.defaultFunction,
      stageName: config.stageName,
      throttlingRateLimit: config.throttlingRateLimit,
      throttlingBurstLimit: config.throttlingBurstLimit,
      logRetention,
      createCloudWatchRole: config.apiGatewayCloudWatchRole,
    });

    this.eventPush = new EventPush(this, 'EventPush', {
      ...(config.existingEventBusArn !== undefined
        ? { existingEventBusArn: config.existingEventBusArn }
        : { eventBusName: config.eventBusName }),
      logRetention,
      timeout: Duration.seconds(60),
      environment: {
        [ENV.CONNECTIONS_TABLE]: tableName,
        [ENV.BROADCAST_SHARDS]: String(config.broadcastShards),
        [ENV.DELIVERY_CONCURRENCY]: String(config.deliveryConcurrency),
        [ENV.CALLBACK_URL]: this.webSocket.callbackUrl,
      },
    });
    const push = this.eventPush.pushFunction;

    this.connections.grantRegisterConnection(this.connectFunction);
    this.connections.grantRemoveConnection(this.disconnectFunction);
    this.connections.grantManageSubscriptions(this.defaultFunction);
    this.connections.grantResolveAudience(push);
    this.connections.grantRemoveConnection(push);
    this.webSocket.grantManageConnections(push);

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('WebSocketUrl', this.webSocket.webSocketUrl, 'WebSocket URL clients connect to (wss://…/<stage>)');
    output('CallbackUrl', this.webSocket.callbackUrl, 'Management API endpoint of the stage (https://…/<stage>)');
    output('EventBusName', this.eventPush.eventBus.eventBusName, 'Event bus to publish WebSocketPush events on');
    output('EventBusArn', this.eventPush.eventBus.eventBusArn, 'ARN of the event bus');
    output('ConnectionsTableName', tableName, 'DynamoDB table of connections and subscriptions');
    output('DeadLetterQueueUrl', this.eventPush.deadLetterQueue.queueUrl, 'Queue of events that could not be pushed');
    output('DeadLetterQueueArn', this.eventPush.deadLetterQueue.queueArn, 'ARN of the dead-letter queue');
  }
}
