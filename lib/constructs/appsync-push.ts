import { Duration, Expiration, RemovalPolicy } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  APPSYNC_NAMES,
  APPSYNC_UNDELIVERABLE,
  appSyncSchema,
  PUSH_MUTATION_OPERATION,
  PUSH_RESOLVER_CODE,
  PUSH_VARIABLES_INPUT_PATH,
  APPSYNC_RELAY_DETAIL_TYPE,
  type AppSyncClientAuth,
  type AppSyncUndeliverable,
} from '../../shared/appsync';
import { ENV } from '../../shared/env';
import { PUSH_DETAIL_TYPE, STACK_EVENT_SOURCE } from '../../shared/events';
import { InvalidConfigError } from '../config';
import { createDeadLetterQueue } from './dead-letter-queue';
import { NodeFunction } from './node-function';

/** Longest and shortest API key lifetime AppSync accepts: 1 to 365 days (the key is refused outside them). */
const MAX_API_KEY_DAYS = 365;
/** At least 2 days, so that rounding the expiry down to a whole day still leaves more than AppSync's 1-day minimum. */
const MIN_API_KEY_DAYS = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Clients authorize with tokens of an OIDC issuer instead of an API key. */
export interface AppSyncOidcAuth {
  /** The issuer (`iss`), e.g. `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`; AppSync reads its discovery document. */
  readonly issuer: string;
  /** The audience (`aud`, AppSync's `ClientId`) the tokens must carry. */
  readonly audience: string;
  /**
   * Whether clients without a token may subscribe too, with the API key.
   * @default false
   */
  readonly allowAnonymous?: boolean;
}

/** Properties of an {@link AppSyncPush}. */
export interface AppSyncPushProps {
  /** The bus whose `WebSocketPush` events are pushed. */
  readonly eventBus: events.IEventBus;
  /** Name of the GraphQL API (1 to 65,536 characters). */
  readonly apiName: string;
  /**
   * Client authorization by OIDC tokens.
   * @default - clients authorize with the API key this construct creates
   */
  readonly oidc?: AppSyncOidcAuth;
  /**
   * How long the API key is valid, counted from synthesis and rounded down to a whole day (2 to 365 days).
   * A deploy of a newer synthesis moves the expiry forward (an in-place update of the key).
   * @default Duration.days(365)
   */
  readonly apiKeyExpiry?: Duration;
  /**
   * Retention of the API's log group (errors only, without request or response content) and the relay's.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How many times EventBridge retries invoking the relay and running the mutation (0 to 185).
   * @default 8
   */
  readonly deliveryRetryAttempts?: number;
  /**
   * How long EventBridge keeps retrying (60 seconds to 24 hours).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
}

/**
 * The AppSync transport: a GraphQL API whose `onPush(channel)` subscribers receive the bus's channel pushes
 * (and broadcasts, on channel `*`). EventBridge itself runs the `push` mutation (its native AppSync target,
 * with a role allowed that one field, a retry policy and the dead-letter queue); the mutation's resolver is a
 * NONE data source that returns its arguments, which AppSync publishes to the subscriptions of that channel.
 * No table. One small function, the relay, sits between the push and the mutation: AppSync takes `data` as a
 * JSON string and EventBridge cannot encode one (see APPSYNC_RELAY_DETAIL_TYPE in `shared/appsync.ts`).
 *
 * `WebSocketPush` events with a `userId` or `connectionId` audience match rules of their own that put them,
 * with their reason, on the dead-letter queue; the relay dead-letters every other push it cannot deliver (no
 * audience, a bad channel, no data), with `validateDetail`'s reason. The queue's policy lets only these rules
 * (and the other rules' dead-letter configuration) send to it; the relay sends with its role's permission.
 */
export class AppSyncPush extends Construct {
  /** The GraphQL API. */
  public readonly api: appsync.GraphqlApi;
  /** `https://…/graphql`. */
  public readonly graphqlUrl: string;
  /** `wss://…appsync-realtime-api…/graphql`, where subscribers connect. */
  public readonly realtimeUrl: string;
  /** The API key clients authorize with; absent with OIDC unless `allowAnonymous`. */
  public readonly apiKey?: appsync.CfnApiKey;
  /** The client authorization modes, the API's default first. */
  public readonly clientAuth: readonly AppSyncClientAuth[];
  /** The rule that sends every push without a user or connection audience to the relay function. */
  public readonly pushRule: events.Rule;
  /** The rule whose target, the AppSync API, runs the push mutation with the relayed variables. */
  public readonly mutationRule: events.Rule;
  /** The relay: validates a push, JSON-encodes its `data`, and puts the mutation's variables on the bus. */
  public readonly relayFunction: NodeFunction;
  /** The rules that put undeliverable pushes on the dead-letter queue, by reason. */
  public readonly undeliverableRules: Readonly<Record<AppSyncUndeliverable, events.Rule>>;
  /** The role EventBridge assumes to run the mutation: `appsync:GraphQL` on `Mutation.push` only. */
  public readonly eventsRole: iam.Role;
  /** Pushes that could not be delivered: undeliverable and invalid ones with their reason, failed relays and mutations. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The API's log group. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppSyncPushProps) {
    super(scope, id);
    const retryAttempts = props.deliveryRetryAttempts ?? 8;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185) {
      throw new InvalidConfigError('deliveryRetryAttempts', `Invalid deliveryRetryAttempts ${retryAttempts}. Expected an integer from 0 to 185, e.g. 8.`);
    }
    const keyDays = (props.apiKeyExpiry ?? Duration.days(MAX_API_KEY_DAYS)).toDays({ integral: false });
    if (!(keyDays >= MIN_API_KEY_DAYS && keyDays <= MAX_API_KEY_DAYS)) {
      throw new InvalidConfigError(
        'apiKeyExpiry',
        `Invalid apiKeyExpiry ${keyDays} days. Expected ${MIN_API_KEY_DAYS} to ${MAX_API_KEY_DAYS} days (AppSync accepts 1 to 365), e.g. Duration.days(365).`,
      );
    }

    this.clientAuth = props.oidc
      ? ['OPENID_CONNECT', ...(props.oidc.allowAnonymous ? (['API_KEY'] as const) : [])]
      : ['API_KEY'];
    const apiKeyMode = (): appsync.AuthorizationMode => ({
      authorizationType: appsync.AuthorizationType.API_KEY,
      apiKeyConfig: {
        description: 'Client key of the websocket-push AppSync transport (subscriptions only)',
        // Whole days from synthesis: the same synthesis gives the same template all day.
        expires: Expiration.atTimestamp(Math.floor(Date.now() / DAY_MS) * DAY_MS + Math.floor(keyDays) * DAY_MS),
      },
    });
    const modes: appsync.AuthorizationMode[] = this.clientAuth.map((mode) =>
      mode === 'API_KEY'
        ? apiKeyMode()
        : {
            authorizationType: appsync.AuthorizationType.OIDC,
            openIdConnectConfig: { oidcProvider: props.oidc!.issuer, clientId: props.oidc!.audience },
          },
    );

    const logsRole = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'Lets AppSync write the errors of the push API to its log group',
    });
    const schemaText = appSyncSchema(this.clientAuth);
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: props.apiName,
      definition: appsync.Definition.fromSchema({ bind: (api) => ({ apiId: (api as appsync.IGraphqlApi).apiId, definition: schemaText }) }),
      authorizationConfig: {
        defaultAuthorization: modes[0],
        // EventBridge's AppSync target signs with IAM only (https://docs.aws.amazon.com/eventbridge/latest/userguide/target-appsync.html).
        additionalAuthorizationModes: [...modes.slice(1), { authorizationType: appsync.AuthorizationType.IAM }],
      },
      xrayEnabled: false,
    });
    const cfnApi = this.api.node.defaultChild as appsync.CfnGraphQLApi;
    // Set on the L1: the L2's logConfig adds a LogRetention custom resource (a Lambda function) for the group.
    // Errors only, and without request/response content: logs never contain message payloads.
    cfnApi.logConfig = { cloudWatchLogsRoleArn: logsRole.roleArn, fieldLogLevel: 'ERROR', excludeVerboseContent: true };
    NagSuppressions.addResourceSuppressions(cfnApi, [
      {
        id: 'AwsSolutions-ASC3',
        reason:
          'Request logging is on (CloudWatch Logs, errors, with its own role); only verbose content is excluded, on purpose: ' +
          'it holds the evaluated resolver code, i.e. the pushed payloads, and logs never contain message payloads.',
      },
    ]);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      // AppSync writes to this fixed name (https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html#setup-and-configuration).
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup.grantWrite(logsRole);
    this.graphqlUrl = this.api.graphqlUrl;
    this.realtimeUrl = cfnApi.attrRealtimeUrl;
    this.apiKey = this.api.node.tryFindChild('DefaultApiKey') as appsync.CfnApiKey | undefined;

    const none = this.api.addNoneDataSource('None', { description: 'No data source: the push mutation returns its arguments' });
    none.createResolver('PushResolver', {
      typeName: APPSYNC_NAMES.mutationType,
      fieldName: APPSYNC_NAMES.pushField,
      runtime: appsync.FunctionRuntime.JS_1_0_0,
      code: appsync.Code.fromInline(PUSH_RESOLVER_CODE),
    });

    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'DeadLetterQueue',
      'This queue is itself the dead-letter queue: of the rules\' targets, of the relay function (on-failure destination) and of undeliverable pushes.',
    );

    // Least privilege: the one mutation field (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#aws-iam-authorization).
    this.eventsRole = new iam.Role(this, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Lets EventBridge run the push mutation of the AppSync transport',
    });
    this.eventsRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['appsync:GraphQL'],
        resources: [`${this.api.arn}/types/${APPSYNC_NAMES.mutationType}/fields/${APPSYNC_NAMES.pushField}`],
      }),
    );

    // The relay: validates a channel or broadcast push and puts its variables, `data` JSON-encoded, back on
    // the bus (see APPSYNC_RELAY_DETAIL_TYPE for why EventBridge alone cannot).
    this.relayFunction = new NodeFunction(this, 'RelayFunction', {
      handlerFile: 'appsync-relay',
      description: 'AppSync transport: encodes a push for the push mutation and puts it back on the bus',
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      environment: {
        [ENV.STACK_EVENT_BUS]: props.eventBus.eventBusName,
        [ENV.DEAD_LETTER_QUEUE_URL]: this.deadLetterQueue.queueUrl,
      },
    });
    props.eventBus.grantPutEventsTo(this.relayFunction);
    this.deadLetterQueue.grantSendMessages(this.relayFunction);
    this.relayFunction.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetterQueue) });
    const absent = [{ exists: false }];
    const maxEventAge = props.maxEventAge ?? Duration.hours(1);
    this.pushRule = new events.Rule(this, 'PushRule', {
      eventBus: props.eventBus,
      // Every push without a user or connection audience: the relay delivers it or dead-letters it with the
      // reason (no audience, a bad channel, no data, …), so none vanishes.
      description: `Relays ${PUSH_DETAIL_TYPE} events without userId or connectionId to the AppSync transport`,
      eventPattern: { detailType: [PUSH_DETAIL_TYPE], detail: { userId: absent, connectionId: absent } },
      targets: [new targets.LambdaFunction(this.relayFunction, { retryAttempts, maxEventAge, deadLetterQueue: this.deadLetterQueue })],
    });
    this.mutationRule = new events.Rule(this, 'MutationRule', {
      eventBus: props.eventBus,
      description: `Runs the AppSync push mutation for each ${APPSYNC_RELAY_DETAIL_TYPE} event`,
      eventPattern: { source: [STACK_EVENT_SOURCE], detailType: [APPSYNC_RELAY_DETAIL_TYPE] },
      targets: [
        new targets.AppSync(this.api, {
          graphQLOperation: PUSH_MUTATION_OPERATION,
          // The input is the operation's variables: the relayed detail, as is.
          variables: events.RuleTargetInput.fromEventPath(PUSH_VARIABLES_INPUT_PATH),
          eventRole: this.eventsRole,
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts,
          maxEventAge,
        }),
      ],
    });

    // EventBridge patterns match leaves only (`exists` too): a userId or connectionId that is not a string
    // does not match here, and the relay dead-letters it as an invalid audience.
    const undeliverable: Record<AppSyncUndeliverable, Record<string, unknown>> = {
      userId: { userId: [{ exists: true }] },
      connectionId: { connectionId: [{ exists: true }] },
    };
    const rules = {} as Record<AppSyncUndeliverable, events.Rule>;
    for (const [name, detail] of Object.entries(undeliverable) as Array<[AppSyncUndeliverable, Record<string, unknown>]>) {
      const { code, reason } = APPSYNC_UNDELIVERABLE[name];
      const ruleId = `Undeliverable${name[0]!.toUpperCase()}${name.slice(1)}Rule`;
      rules[name] = new events.Rule(this, ruleId, {
        eventBus: props.eventBus,
        description: `Puts ${PUSH_DETAIL_TYPE} events the AppSync transport cannot deliver (${code}) on the dead-letter queue`,
        eventPattern: { detailType: [PUSH_DETAIL_TYPE], detail },
        // The queue policy statement this adds allows this rule only (aws:SourceArn).
        targets: [
          new targets.SqsQueue(this.deadLetterQueue, {
            message: events.RuleTargetInput.fromObject({ reason, code, event: events.EventField.fromPath('$') }),
          }),
        ],
      });
    }
    this.undeliverableRules = rules;
  }
}
