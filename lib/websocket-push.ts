import { Annotations, Duration, Names } from 'aws-cdk-lib';
import type { WebSocketApi, WebSocketRoute, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IHostedZone } from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { NagSuppressions } from 'cdk-nag';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { APPSYNC_BROADCAST_CHANNEL } from '../shared/appsync';
import { ENV } from '../shared/env';
import { DEFAULT_METRICS_NAMESPACE } from '../lambdas/config';
import { METRIC_NAMES, METRIC_SERVICES } from '../lambdas/core/metrics';
import { checkPropNames, CONFIG_KEY_NAMES, InvalidConfigError, parseConfig, type PushStackConfig } from './config';
import { ConnectionsTable } from './constructs/connections-table';
import { CustomDomain } from './constructs/custom-domain';
import { EventPush } from './constructs/event-push';
import { Fanout } from './constructs/fanout';
import { Monitoring } from './constructs/monitoring';
import { NodeFunction } from './constructs/node-function';
import { PushWebSocketApi } from './constructs/websocket-api';
import { AppSyncPush } from './constructs/appsync-push';
import { resolveEventBus } from './constructs/event-bus';
import { TransportMismatchError } from './transport-error';

/** Properties of {@link WebSocketPush} beyond the configuration keys. */
export interface WebSocketPushResourceProps {
  /**
   * An existing event bus (same account and region) to put the push rule on, instead of creating one.
   * Not together with `eventBusName` or `existingEventBusArn`.
   * @default - a new bus
   */
  readonly existingEventBus?: events.IEventBus;
  /**
   * An existing connections table instead of a new one. It must have the schema of `shared/table-schema.ts`
   * (string keys `pk` and `sk`, TTL on `ttl`, keys-only indexes `byAudience` and `byShard`).
   * @default - a new table
   */
  readonly existingConnectionsTable?: dynamodb.ITable;
  /**
   * A custom domain for clients (`wss://push.example.com`, no stage in the path); needs `certificate`.
   * `webSocketUrl` follows it; the functions keep posting to the stage's own `callbackUrl`.
   * @default - clients connect to the stage's execute-api URL
   */
  readonly domainName?: string;
  /**
   * ACM certificate of `domainName`, in the stack's region.
   * @default - none; required with `domainName`
   */
  readonly certificate?: ICertificate;
  /**
   * Route 53 hosted zone in which to create `domainName`'s alias record.
   * @default - no record is created
   */
  readonly hostedZone?: IHostedZone;
  /**
   * SNS topic the alarms notify (`alarmEmail`, when given, is subscribed to it).
   * @default - a topic is created when `alarmEmail` is given; otherwise the alarms only change state
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Properties of {@link WebSocketPush}: every configuration key (the same as CDK context of the standalone
 * app, validated with the same messages), and the resources you may bring.
 */
export type WebSocketPushProps = Partial<PushStackConfig> & WebSocketPushResourceProps;

const RESOURCE_PROP_NAMES: readonly (keyof WebSocketPushResourceProps)[] = [
  'existingEventBus',
  'existingConnectionsTable',
  'domainName',
  'certificate',
  'hostedZone',
  'alarmTopic',
];

/** The parts of the `apigateway` transport. */
interface ApiGatewayParts {
  readonly connections: ConnectionsTable;
  readonly connectFunction: NodeFunction;
  readonly authorizerFunction?: NodeFunction;
  readonly disconnectFunction: NodeFunction;
  readonly defaultFunction: NodeFunction;
  readonly webSocket: PushWebSocketApi;
  readonly customDomain?: CustomDomain;
  readonly webSocketUrl: string;
  readonly eventPush: EventPush;
  readonly fanout: Fanout;
}

/**
 * A serverless WebSocket push backend, to add to your own stack. With `transport: 'apigateway'` (the
 * default): an API Gateway WebSocket API whose `$connect`, `$disconnect` and `$default` functions keep a
 * registry of connections and their channel subscriptions in DynamoDB, and an EventBridge bus whose
 * `WebSocketPush` events a push function (with fan-out workers for large audiences) posts to the connections
 * of their audience. Client frames that are not protocol actions, and lifecycle events, go the other way:
 * onto the bus (`WebSocketMessage`, …).
 *
 * With `transport: 'appsync'`: the same bus and publishing contract, but an AppSync GraphQL API instead
 * ({@link AppSyncPush}), whose `onPush(channel)` subscribers get channel and broadcast pushes. The members
 * that belong to the API Gateway transport (`webSocketApi`, `connectionsTable`, `addRoute`,
 * `grantManageConnections`, …) then throw a {@link TransportMismatchError}; `eventBus`, `deadLetterQueue`,
 * `monitoring` and `grantPublish` work on both.
 *
 * @example
 * const push = new WebSocketPush(this, 'Push', { authIssuer: 'https://id.example.com', authAudience: 'app' });
 * push.grantPublish(myFunction);                 // myFunction may PutEvents on push.eventBus
 * push.addRoute('chat', chatFunction);           // frames {"action":"chat",…} reach chatFunction
 */
export class WebSocketPush extends Construct {
  /** The validated configuration. */
  public readonly config: PushStackConfig;
  /** The bus to publish `WebSocketPush` events on. */
  public readonly eventBus: events.IEventBus;
  /** Events that could not be pushed (invalid, undeliverable, failing), with their reason. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Alarms on the dead-letter queues, failed deliveries and the push path's errors. */
  public readonly monitoring: Monitoring;
  /** The topic the alarms notify (`alarmTopic`, or the one created for `alarmEmail`), if any. */
  public readonly alarmTopic?: sns.ITopic;
  /** The AppSync API, its rules and its dead-letter queue, with `transport: 'appsync'`. */
  public readonly appSync?: AppSyncPush;
  private readonly gw?: ApiGatewayParts;

  /** The registry of connections and subscriptions. `apigateway` transport only. */
  public get connectionsTable(): dynamodb.ITable {
    return this.apiGateway('connectionsTable').connections.table;
  }
  /** The WebSocket API. `apigateway` transport only. */
  public get webSocketApi(): WebSocketApi {
    return this.apiGateway('webSocketApi').webSocket.api;
  }
  /** Its stage. `apigateway` transport only. */
  public get webSocketStage(): WebSocketStage {
    return this.apiGateway('webSocketStage').webSocket.stage;
  }
  /** Where clients connect: `wss://…/<stage>`, or `wss://<domainName>` with a custom domain. `apigateway` transport only. */
  public get webSocketUrl(): string {
    return this.apiGateway('webSocketUrl').webSocketUrl;
  }
  /** The management API endpoint of the stage, `https://…/<stage>`. `apigateway` transport only. */
  public get callbackUrl(): string {
    return this.apiGateway('callbackUrl').webSocket.callbackUrl;
  }
  /** The `$connect` function. `apigateway` transport only. */
  public get connectFunction(): NodeFunction {
    return this.apiGateway('connectFunction').connectFunction;
  }
  /** The `$connect` REQUEST authorizer, present when `authIssuer` is configured (never with `appsync`: AppSync checks the tokens). */
  public get authorizerFunction(): NodeFunction | undefined {
    return this.gw?.authorizerFunction;
  }
  /** The `$disconnect` function. `apigateway` transport only. */
  public get disconnectFunction(): NodeFunction {
    return this.apiGateway('disconnectFunction').disconnectFunction;
  }
  /** The `$default` function. `apigateway` transport only. */
  public get defaultFunction(): NodeFunction {
    return this.apiGateway('defaultFunction').defaultFunction;
  }
  /** The push function (target of the bus's rule). `apigateway` transport only. */
  public get pushFunction(): NodeFunction {
    return this.apiGateway('pushFunction').eventPush.pushFunction;
  }
  /** The fan-out workers' function. `apigateway` transport only. */
  public get fanoutWorkerFunction(): NodeFunction {
    return this.apiGateway('fanoutWorkerFunction').fanout.workerFunction;
  }
  /** The custom domain, when `domainName` is given (never with `appsync`). */
  public get customDomain(): CustomDomain | undefined {
    return this.gw?.customDomain;
  }
  /** The parts, for finer access: the table construct with its grants. `apigateway` transport only. */
  public get connections(): ConnectionsTable {
    return this.apiGateway('connections').connections;
  }
  /** The WebSocket API construct with its routes and grants. `apigateway` transport only. */
  public get webSocket(): PushWebSocketApi {
    return this.apiGateway('webSocket').webSocket;
  }
  /** The bus, rule, push function and dead-letter queue. `apigateway` transport only. */
  public get eventPush(): EventPush {
    return this.apiGateway('eventPush').eventPush;
  }
  /** The fan-out queue, its workers and its dead-letter queue. `apigateway` transport only. */
  public get fanout(): Fanout {
    return this.apiGateway('fanout').fanout;
  }

  constructor(scope: Construct, id: string, props: WebSocketPushProps = {}) {
    super(scope, id);
    checkPropNames(props, [...CONFIG_KEY_NAMES, ...RESOURCE_PROP_NAMES]);
    const config = parseConfig(props as Readonly<Record<string, unknown>>, 'props');
    this.config = config;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    if (config.transport === 'appsync') {
      checkAppSyncProps(props);
      const eventBus = resolveEventBus(this, 'Bus', busProps(this, props, config));
      const appSync = new AppSyncPush(this, 'AppSync', {
        eventBus,
        apiName: Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
        oidc:
          config.authIssuer !== undefined && config.authAudience !== undefined
            ? { issuer: config.authIssuer, audience: config.authAudience, allowAnonymous: config.allowAnonymous }
            : undefined,
        logRetention,
      });
      this.appSync = appSync;
      this.eventBus = eventBus;
      this.deadLetterQueue = appSync.deadLetterQueue;
      this.alarmTopic = alarmTopic(this, props, config);
      this.monitoring = new Monitoring(this, 'Monitoring', {
        deadLetterQueues: { Push: appSync.deadLetterQueue },
        functions: { AppSyncRelay: appSync.relayFunction },
        alarmActions: this.alarmTopic ? [new SnsAction(this.alarmTopic)] : [],
      });
      Annotations.of(this).addInfo(
        `websocket-push: AppSync transport: clients subscribe to onPush(channel) with ${appSync.clientAuth.join(' or ')}; ` +
          `only channel pushes, and broadcasts on channel ${APPSYNC_BROADCAST_CHANNEL}, are delivered (userId and connectionId pushes go to the dead-letter queue).`,
      );
      return;
    }

    const connections = new ConnectionsTable(this, 'Connections', { existingTable: props.existingConnectionsTable });
    const tableName = connections.tableName;
    const fn = (fnId: string, handlerFile: string, description: string, environment: Record<string, string>) =>
      new NodeFunction(this, fnId, {
        handlerFile,
        description,
        timeout: Duration.seconds(10),
        logRetention,
        environment: { [ENV.CONNECTIONS_TABLE]: tableName, ...environment },
      });

    const connectFunction = fn('ConnectFunction', 'connect', 'WebSocket $connect: registers the connection', {
      [ENV.CONNECTION_TTL_SECONDS]: String(config.connectionTtlSeconds),
      [ENV.BROADCAST_SHARDS]: String(config.broadcastShards),
      ...(config.allowedOrigins.length > 0 ? { [ENV.ALLOWED_ORIGINS]: config.allowedOrigins.join(',') } : {}),
    });
    const authorizer = authorizerFunction(this, config, fn);
    const disconnectFunction = fn('DisconnectFunction', 'disconnect', 'WebSocket $disconnect: removes the connection', {});
    const defaultFunction = fn('DefaultFunction', 'default', 'WebSocket $default: subscribe, unsubscribe, ping, publish; other frames to the bus', {
      [ENV.PRESENCE_MAX_MEMBERS]: String(config.presenceMaxMembers),
      [ENV.CONNECTION_TTL_SECONDS]: String(config.connectionTtlSeconds),
      [ENV.MAX_SUBSCRIPTIONS]: String(config.maxSubscriptions),
      [ENV.MAX_MESSAGES_PER_MINUTE]: String(config.maxMessagesPerMinute),
      [ENV.REPLAY_WINDOW_SECONDS]: String(config.replayWindowSeconds),
    });

    const webSocket = new PushWebSocketApi(this, 'WebSocket', {
      connectHandler: connectFunction,
      authorizerHandler: authorizer,
      disconnectHandler: disconnectFunction,
      defaultHandler: defaultFunction,
      stageName: config.stageName,
      throttlingRateLimit: config.throttlingRateLimit,
      throttlingBurstLimit: config.throttlingBurstLimit,
      logRetention,
      createCloudWatchRole: config.apiGatewayCloudWatchRole,
    });
    const domain = customDomain(this, props, webSocket);

    // What every function that posts to connections needs: the push function and the fan-out workers.
    const deliveryEnvironment = {
      [ENV.CONNECTIONS_TABLE]: tableName,
      [ENV.BROADCAST_SHARDS]: String(config.broadcastShards),
      [ENV.DELIVERY_CONCURRENCY]: String(config.deliveryConcurrency),
      [ENV.CALLBACK_URL]: webSocket.callbackUrl,
    };
    const eventPush = new EventPush(this, 'EventPush', {
      ...busProps(this, props, config),
      logRetention,
      memorySize: config.deliveryMemorySize,
      timeout: Duration.seconds(60),
      reservedConcurrency: config.pushReservedConcurrency,
      environment: { ...deliveryEnvironment, [ENV.REPLAY_WINDOW_SECONDS]: String(config.replayWindowSeconds) },
    });
    this.eventBus = eventPush.eventBus;
    this.deadLetterQueue = eventPush.deadLetterQueue;
    const push = eventPush.pushFunction;
    connections.grantSequenceChannels(push);

    const fanout = new Fanout(this, 'Fanout', {
      logRetention,
      memorySize: config.deliveryMemorySize,
      maxConcurrency: config.fanoutWorkerConcurrency,
      environment: deliveryEnvironment,
    });
    this.gw = {
      connections,
      connectFunction,
      authorizerFunction: authorizer,
      disconnectFunction,
      defaultFunction,
      webSocket,
      customDomain: domain,
      webSocketUrl: domain?.webSocketUrl ?? webSocket.webSocketUrl,
      eventPush,
      fanout,
    };
    push.addEnvironment(ENV.FANOUT_QUEUE_URL, fanout.queue.queueUrl);
    push.addEnvironment(ENV.FANOUT_THRESHOLD, String(config.fanoutThreshold));
    push.addEnvironment(ENV.FANOUT_BATCH_SIZE, String(config.fanoutBatchSize));
    fanout.grantEnqueue(push);
    const worker = fanout.workerFunction;
    connections.grantRemoveConnection(worker);
    webSocket.grantManageConnections(worker);
    this.alarmTopic = alarmTopic(this, props, config);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      deadLetterQueues: { Push: eventPush.deadLetterQueue, Fanout: fanout.deadLetterQueue },
      functions: { Push: push, FanoutWorker: worker },
      failedDeliveries: { Push: failedDeliveries(METRIC_SERVICES.push), FanoutWorker: failedDeliveries(METRIC_SERVICES.fanoutWorker) },
      alarmActions: this.alarmTopic ? [new SnsAction(this.alarmTopic)] : [],
    });

    this.wireStackEvents(config);

    connections.grantRegisterConnection(connectFunction);
    connections.grantRemoveConnection(disconnectFunction);
    connections.grantManageSubscriptions(defaultFunction);
    connections.grantCountFrames(defaultFunction);
    // Client publish: numbered and stored for replay here, then put on the bus for the push function.
    connections.grantSequenceChannels(defaultFunction);
    // (and presence: the bus's name and PutEvents come with grantPresence)
    this.grantPresence(defaultFunction, deliveryEnvironment, { join: true, posts: true });
    this.grantPresence(disconnectFunction, deliveryEnvironment, { join: false, posts: true });
    // The push path leaves presence when a post meets a 410; it posts and removes already.
    this.grantPresence(push, deliveryEnvironment, { join: false, posts: false });
    this.grantPresence(worker, deliveryEnvironment, { join: false, posts: false });
    connections.grantResolveAudience(push);
    connections.grantRemoveConnection(push);
    webSocket.grantManageConnections(push);
  }

  /** The API Gateway parts, or a TransportMismatchError naming `member` with `transport: 'appsync'`. */
  private apiGateway(member: string): ApiGatewayParts {
    if (this.gw === undefined) {
      throw new TransportMismatchError(
        member,
        this.config.transport,
        `WebSocketPush.${member} exists only with transport 'apigateway'; this construct uses '${this.config.transport}' ` +
          "(an AppSync API: see its appSync member). Publish with grantPublish and eventBus, which work on both, or set transport: 'apigateway'.",
      );
    }
    return this.gw;
  }

  /**
   * The route functions put client messages (`$default`) and lifecycle events (all three) on the bus:
   * `events:PutEvents` on this bus only, and only for the functions that put something.
   */
  private wireStackEvents(config: PushStackConfig): void {
    const putters = [
      ...(config.lifecycleEvents ? [this.connectFunction, this.disconnectFunction] : []),
      ...(config.lifecycleEvents || config.clientMessages ? [this.defaultFunction] : []),
    ];
    for (const f of [this.connectFunction, this.disconnectFunction, this.defaultFunction]) {
      f.addEnvironment(ENV.LIFECYCLE_EVENTS, String(config.lifecycleEvents));
      if (f === this.defaultFunction) f.addEnvironment(ENV.CLIENT_MESSAGES, String(config.clientMessages));
      if (putters.includes(f)) {
        f.addEnvironment(ENV.STACK_EVENT_BUS, this.eventBus.eventBusName);
        this.eventBus.grantPutEventsTo(f);
      }
    }
  }

  /**
   * What a function that announces presence changes needs: the presence items, posting `member_added` /
   * `member_removed` to the channel's subscribers (and removing the ones found gone), and putting the
   * `PresenceMember*` events on the bus.
   */
  private grantPresence(fn: NodeFunction, deliveryEnvironment: Record<string, string>, options: { readonly join: boolean; readonly posts: boolean }): void {
    this.connections.grantPresence(fn, { join: options.join });
    if (options.posts) {
      this.connections.grantRemoveConnection(fn);
      this.webSocket.grantManageConnections(fn);
      for (const name of [ENV.CALLBACK_URL, ENV.DELIVERY_CONCURRENCY, ENV.BROADCAST_SHARDS] as const) fn.addEnvironment(name, deliveryEnvironment[name]!);
    }
    fn.addEnvironment(ENV.STACK_EVENT_BUS, this.eventBus.eventBusName);
    fn.addEnvironment(ENV.LIFECYCLE_EVENTS, String(this.config.lifecycleEvents));
    // Presence events are lifecycle events; $default also puts client publishes, whatever the setting.
    if (this.config.lifecycleEvents || fn === this.defaultFunction) this.eventBus.grantPutEventsTo(fn);
  }

  /** Lets the grantee publish pushes: `events:PutEvents` on this construct's bus, nothing else. */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.eventBus.grantPutEventsTo(grantee);
  }

  /**
   * Lets the grantee post to this stage's connections through the management API
   * (`execute-api:ManageConnections` on `…/<stage>/POST/@connections/*`).
   * @throws TransportMismatchError with `transport: 'appsync'` (AppSync has no connections to post to)
   */
  public grantManageConnections(grantee: iam.IGrantable): iam.Grant {
    return this.apiGateway('grantManageConnections').webSocket.grantManageConnections(grantee);
  }

  /**
   * Adds a route of your own on the same API: frames `{"action":"<routeKey>",…}` go to `handler` instead
   * of `$default`, with the authorizer's context in `requestContext.authorizer` like the built-in routes.
   * The function's response `body` is sent back to the client unless `returnResponse` is false.
   * @throws TransportMismatchError with `transport: 'appsync'` (AppSync clients send no frames)
   */
  public addRoute(routeKey: string, handler: IFunction, options: { readonly returnResponse?: boolean } = {}): WebSocketRoute {
    return this.apiGateway('addRoute').webSocket.addRoute(routeKey, handler, options);
  }
}

/**
 * Which bus: one given (object or ARN; `EventPush` refuses two at once), one named in the props, or a new one
 * whose name is derived from the construct's path, so that two instances in one account and region never collide.
 */
function busProps(
  scope: Construct,
  props: WebSocketPushProps,
  config: PushStackConfig,
): { existingEventBus?: events.IEventBus; existingEventBusArn?: string; eventBusName?: string } {
  const existing = props.existingEventBus !== undefined || config.existingEventBusArn !== undefined;
  return {
    existingEventBus: props.existingEventBus,
    existingEventBusArn: config.existingEventBusArn,
    eventBusName: props.eventBusName ?? (existing ? undefined : Names.uniqueResourceName(scope, { maxLength: 256, separator: '-' })),
  };
}

/**
 * Refuses the resource props that belong to the API Gateway transport: with `transport: 'appsync'` they would
 * silently do nothing.
 */
function checkAppSyncProps(props: WebSocketPushProps): void {
  for (const key of ['existingConnectionsTable', 'domainName', 'certificate', 'hostedZone'] as const) {
    if (props[key] !== undefined) {
      throw new InvalidConfigError(
        key,
        `Invalid props "${key}": it has no effect with transport 'appsync' (no connections table and no WebSocket API); remove ${key}, or set transport: 'apigateway'.`,
      );
    }
  }
}

function customDomain(scope: WebSocketPush, props: WebSocketPushProps, webSocket: PushWebSocketApi): CustomDomain | undefined {
  if (props.domainName === undefined) {
    for (const key of ['certificate', 'hostedZone'] as const) {
      if (props[key] !== undefined) {
        throw new InvalidConfigError(key, `Invalid props "${key}": it has no effect without "domainName"; set domainName too, or remove ${key}.`);
      }
    }
    return undefined;
  }
  if (props.certificate === undefined) {
    throw new InvalidConfigError(
      'certificate',
      `Invalid props "certificate": missing. "domainName" ${JSON.stringify(props.domainName)} needs an ACM certificate for it in the stack's region, e.g. { certificate: Certificate.fromCertificateArn(this, 'Cert', arn) }.`,
    );
  }
  return new CustomDomain(scope, 'Domain', {
    domainName: props.domainName,
    certificate: props.certificate,
    hostedZone: props.hostedZone,
    api: webSocket.api,
    stage: webSocket.stage,
  });
}

/**
 * The `$connect` authorizer when an issuer is configured; otherwise none, and a synth note saying that the
 * API is public (every connection anonymous, only public channels).
 */
function authorizerFunction(
  scope: Construct,
  config: PushStackConfig,
  fn: (id: string, handlerFile: string, description: string, environment: Record<string, string>) => NodeFunction,
): NodeFunction | undefined {
  if (config.authIssuer === undefined || config.authAudience === undefined) {
    Annotations.of(scope).addInfo(
      'websocket-push: no token issuer configured (context authIssuer): no $connect authorizer, every connection is ' +
        'anonymous and only public channels exist (private- channels refuse every subscription, userId pushes reach ' +
        'no one). Set -c authIssuer=… -c authAudience=… to require tokens.',
    );
    return undefined;
  }
  Annotations.of(scope).addInfo(
    `websocket-push: $connect authorizer on: tokens from ${config.authIssuer} (audience ${config.authAudience}), ` +
      `algorithms ${config.authAlgorithms.join(', ')}; anonymous connections ${config.allowAnonymous ? 'allowed on public channels' : 'refused'}.`,
  );
  return fn('AuthorizerFunction', 'authorizer', 'WebSocket $connect authorizer: verifies the JWT, passes user and channels', {
    [ENV.AUTH_ISSUER]: config.authIssuer,
    [ENV.AUTH_AUDIENCE]: config.authAudience,
    ...(config.authJwks !== undefined ? { [ENV.AUTH_JWKS]: config.authJwks } : { [ENV.AUTH_JWKS_URL]: config.authJwksUrl! }),
    [ENV.AUTH_ALGORITHMS]: config.authAlgorithms.join(','),
    [ENV.AUTH_CHANNELS_CLAIM]: config.authChannelsClaim,
    [ENV.AUTH_PUBLISH_CLAIM]: config.authPublishClaim,
    [ENV.AUTH_PRESENCE_INFO_CLAIM]: config.authPresenceInfoClaim,
    [ENV.ALLOW_ANONYMOUS]: String(config.allowAnonymous),
  });
}

/** The `Failed` delivery metric of one function (Powertools' embedded metrics: namespace and `service` dimension). */
function failedDeliveries(service: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: DEFAULT_METRICS_NAMESPACE,
    metricName: METRIC_NAMES.failed,
    dimensionsMap: { service },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(1),
  });
}

/** The topic the alarms notify: the given one, or one created for `alarmEmail`; `alarmEmail` is subscribed. */
function alarmTopic(scope: Construct, props: WebSocketPushResourceProps, config: PushStackConfig): sns.ITopic | undefined {
  if (props.alarmTopic === undefined && config.alarmEmail === undefined) return undefined;
  let topic = props.alarmTopic;
  if (topic === undefined) {
    const created = new sns.Topic(scope, 'AlarmTopic', { displayName: 'WebSocket push alarms', enforceSSL: true });
    NagSuppressions.addResourceSuppressions(created, [
      {
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key (alias/aws/sns); the topic ' +
          'carries alarm state changes only, no user data. Pass your own alarmTopic to use a customer managed key.',
      },
    ]);
    topic = created;
  }
  if (config.alarmEmail !== undefined) topic.addSubscription(new EmailSubscription(config.alarmEmail));
  return topic;
}
