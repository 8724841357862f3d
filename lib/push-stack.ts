import { Annotations, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../shared/env';
import { parseConfig, PushStackConfig } from './config';
import { ConnectionsTable } from './constructs/connections-table';
import { EventPush } from './constructs/event-push';
import { Fanout } from './constructs/fanout';
import { Monitoring } from './constructs/monitoring';
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
  /** The fan-out queue, its workers and its dead-letter queue. */
  public readonly fanout: Fanout;
  /** Alarms on the dead-letter queues and the push path's errors. */
  public readonly monitoring: Monitoring;
  /** The `$connect` function. */
  public readonly connectFunction: NodeFunction;
  /** The `$connect` REQUEST authorizer, present when `authIssuer` is configured. */
  public readonly authorizerFunction?: NodeFunction;
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
      ...(config.allowedOrigins.length > 0 ? { [ENV.ALLOWED_ORIGINS]: config.allowedOrigins.join(',') } : {}),
    });
    this.authorizerFunction = authorizerFunction(this, config, fn);
    this.disconnectFunction = fn('DisconnectFunction', 'disconnect', 'WebSocket $disconnect: removes the connection', {});
    this.defaultFunction = fn('DefaultFunction', 'default', 'WebSocket $default: subscribe, unsubscribe, ping', {
      [ENV.CONNECTION_TTL_SECONDS]: String(config.connectionTtlSeconds),
      [ENV.MAX_SUBSCRIPTIONS]: String(config.maxSubscriptions),
      [ENV.MAX_MESSAGES_PER_MINUTE]: String(config.maxMessagesPerMinute),
      [ENV.REPLAY_WINDOW_SECONDS]: String(config.replayWindowSeconds),
    });

    this.webSocket = new PushWebSocketApi(this, 'WebSocket', {
      connectHandler: this.connectFunction,
      authorizerHandler: this.authorizerFunction,
      disconnectHandler: this.disconnectFunction,
      defaultHandler: this.defaultFunction,
      stageName: config.stageName,
      throttlingRateLimit: config.throttlingRateLimit,
      throttlingBurstLimit: config.throttlingBurstLimit,
      logRetention,
      createCloudWatchRole: config.apiGatewayCloudWatchRole,
    });

    // What every function that posts to connections needs: the push function and the fan-out workers.
    const deliveryEnvironment = {
      [ENV.CONNECTIONS_TABLE]: tableName,
      [ENV.BROADCAST_SHARDS]: String(config.broadcastShards),
      [ENV.DELIVERY_CONCURRENCY]: String(config.deliveryConcurrency),
      [ENV.CALLBACK_URL]: this.webSocket.callbackUrl,
    };
    this.eventPush = new EventPush(this, 'EventPush', {
      ...(config.existingEventBusArn !== undefined
        ? { existingEventBusArn: config.existingEventBusArn }
        : { eventBusName: config.eventBusName }),
      logRetention,
      timeout: Duration.seconds(60),
      environment: { ...deliveryEnvironment, [ENV.REPLAY_WINDOW_SECONDS]: String(config.replayWindowSeconds) },
    });
    const push = this.eventPush.pushFunction;
    this.connections.grantSequenceChannels(push);

    this.fanout = new Fanout(this, 'Fanout', {
      logRetention,
      maxConcurrency: config.fanoutWorkerConcurrency,
      environment: deliveryEnvironment,
    });
    push.addEnvironment(ENV.FANOUT_QUEUE_URL, this.fanout.queue.queueUrl);
    push.addEnvironment(ENV.FANOUT_THRESHOLD, String(config.fanoutThreshold));
    push.addEnvironment(ENV.FANOUT_BATCH_SIZE, String(config.fanoutBatchSize));
    this.fanout.grantEnqueue(push);
    const worker = this.fanout.workerFunction;
    this.connections.grantRemoveConnection(worker);
    this.webSocket.grantManageConnections(worker);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      deadLetterQueues: { Push: this.eventPush.deadLetterQueue, Fanout: this.fanout.deadLetterQueue },
      functions: { Push: push, FanoutWorker: worker },
    });

    this.connections.grantRegisterConnection(this.connectFunction);
    this.connections.grantRemoveConnection(this.disconnectFunction);
    this.connections.grantManageSubscriptions(this.defaultFunction);
    this.connections.grantCountFrames(this.defaultFunction);
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
    output('FanoutQueueUrl', this.fanout.queue.queueUrl, 'Queue of fan-out batches (connection ids of large audiences)');
    output('FanoutDeadLetterQueueUrl', this.fanout.deadLetterQueue.queueUrl, 'Queue of fan-out batches that kept failing');
  }
}

/**
 * The `$connect` authorizer when an issuer is configured; otherwise none, and a synth note saying that the
 * stack is public (every connection anonymous, only public channels).
 */
function authorizerFunction(
  stack: Stack,
  config: PushStackConfig,
  fn: (id: string, handlerFile: string, description: string, environment: Record<string, string>) => NodeFunction,
): NodeFunction | undefined {
  if (config.authIssuer === undefined || config.authAudience === undefined) {
    Annotations.of(stack).addInfo(
      'websocket-push: no token issuer configured (context authIssuer): no $connect authorizer, every connection is ' +
        'anonymous and only public channels exist (private- channels refuse every subscription, userId pushes reach ' +
        'no one). Set -c authIssuer=… -c authAudience=… to require tokens.',
    );
    return undefined;
  }
  Annotations.of(stack).addInfo(
    `websocket-push: $connect authorizer on: tokens from ${config.authIssuer} (audience ${config.authAudience}), ` +
      `algorithms ${config.authAlgorithms.join(', ')}; anonymous connections ${config.allowAnonymous ? 'allowed on public channels' : 'refused'}.`,
  );
  return fn('AuthorizerFunction', 'authorizer', 'WebSocket $connect authorizer: verifies the JWT, passes user and channels', {
    [ENV.AUTH_ISSUER]: config.authIssuer,
    [ENV.AUTH_AUDIENCE]: config.authAudience,
    ...(config.authJwks !== undefined ? { [ENV.AUTH_JWKS]: config.authJwks } : { [ENV.AUTH_JWKS_URL]: config.authJwksUrl! }),
    [ENV.AUTH_ALGORITHMS]: config.authAlgorithms.join(','),
    [ENV.AUTH_CHANNELS_CLAIM]: config.authChannelsClaim,
    [ENV.ALLOW_ANONYMOUS]: String(config.allowAnonymous),
  });
}
