import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat, CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import {
  LogGroupLogDestination,
  WebSocketApi,
  WebSocketRoute,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { CLIENT_ACTIONS, ROUTE_SELECTION_EXPRESSION } from '../../shared/protocol';
import { STAGE_NAME_PATTERN, STAGE_NAME_RULE } from '../../shared/limits';
import { DEFAULT_CONFIG, InvalidConfigError } from '../config';

/** Properties of a {@link PushWebSocketApi}. */
export interface PushWebSocketApiProps {
  /** Function of the `$connect` route. */
  readonly connectHandler: IFunction;
  /**
   * REQUEST authorizer of the `$connect` route. Its identity source is {@link AUTHORIZER_IDENTITY_SOURCE},
   * the `Host` header, which every handshake carries: the token may be in the query string or in
   * `Sec-WebSocket-Protocol` (and anonymous connections may be allowed), and an identity source that is
   * absent makes API Gateway answer 401 without calling the authorizer. The API model marks
   * `IdentitySource` required while its reference calls it optional; giving one deploys either way.
   * @default - no authorizer: anyone may connect
   */
  readonly authorizerHandler?: IFunction;
  /** Function of the `$disconnect` route. */
  readonly disconnectHandler: IFunction;
  /** Function of the `$default` route; its response `body` is sent back to the client as a frame. */
  readonly defaultHandler: IFunction;
  /**
   * Name of the stage.
   * @default DEFAULT_CONFIG.stageName ('prod')
   */
  readonly stageName?: string;
  /**
   * Steady-state requests per second of the stage's default route settings.
   * @default DEFAULT_CONFIG.throttlingRateLimit (500)
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst capacity of the stage's default route settings.
   * @default DEFAULT_CONFIG.throttlingBurstLimit (1000)
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Retention of the access log group.
   * @default DEFAULT_CONFIG.logRetentionDays (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether to set API Gateway's account-level CloudWatch Logs role (`AWS::ApiGateway::Account`), without
   * which a WebSocket stage with logging fails to deploy ("CloudWatch Logs role ARN must be set in account
   * settings"). The setting is shared by every API of the account and region, so the role is retained when
   * the stack is deleted (deleting it would silently break other APIs' logging). Turn this off when the
   * account already has the role.
   * @default DEFAULT_CONFIG.apiGatewayCloudWatchRole (true)
   */
  readonly createCloudWatchRole?: boolean;
}

/**
 * Identity source of the `$connect` authorizer: a header every WebSocket handshake carries (HTTP/1.1 requires
 * `Host`), so API Gateway always calls the authorizer, which finds the token where the client put it.
 * WebSocket REQUEST authorizers accept `route.request.header.X`, `route.request.querystring.X`,
 * `stageVariables.X` and `context.X` (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html).
 */
export const AUTHORIZER_IDENTITY_SOURCE = 'route.request.header.Host';

/**
 * The fields of the stage's JSON access log. Deliberately no message body, headers or query string:
 * those may carry tokens or user data.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  connectionId: '$context.connectionId',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  status: '$context.status',
  // WebSocket APIs name it `integration.error` (`integrationErrorMessage` is HTTP APIs'):
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html
  integrationError: '$context.integration.error',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
};

/**
 * The WebSocket API: route selection on `$request.body.action`, Lambda integrations on `$connect`,
 * `$disconnect` and `$default` (whose response is returned to the client), and one auto-deployed stage
 * with throttling and JSON access logs.
 */
export class PushWebSocketApi extends Construct {
  /** The WebSocket API. */
  public readonly api: WebSocketApi;
  /** The stage. */
  public readonly stage: WebSocketStage;
  /** The `$connect` route. */
  public readonly connectRoute: WebSocketRoute;
  /** The `$disconnect` route. */
  public readonly disconnectRoute: WebSocketRoute;
  /** The `$connect` route's authorizer, when there is one. */
  public readonly authorizer?: WebSocketLambdaAuthorizer;
  /** The `$default` route. */
  public readonly defaultRoute: WebSocketRoute;
  /** The stage's access log group. */
  public readonly accessLogGroup: logs.LogGroup;
  /** API Gateway's account-level CloudWatch Logs role, when this construct sets it. */
  public readonly cloudWatchRole?: iam.Role;
  /** `wss://{api}.execute-api.{region}.{suffix}/{stage}`: where clients connect. */
  public readonly webSocketUrl: string;
  /** `https://{api}.execute-api.{region}.{suffix}/{stage}`: the management API's endpoint. */
  public readonly callbackUrl: string;

  constructor(scope: Construct, id: string, props: PushWebSocketApiProps) {
    super(scope, id);
    const stageName = props.stageName ?? DEFAULT_CONFIG.stageName;
    if (!STAGE_NAME_PATTERN.test(stageName)) {
      throw new InvalidConfigError(
        'stageName',
        `Invalid stageName "${stageName}". Expected ${STAGE_NAME_RULE}, e.g. '${DEFAULT_CONFIG.stageName}'.`,
      );
    }

    this.api = new WebSocketApi(this, 'Api', {
      apiName: Names.uniqueResourceName(this, { maxLength: 100 }),
      description: 'WebSocket push: clients connect here and receive pushed events',
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });
    const route = (routeKey: string, id: string, handler: IFunction, returnResponse: boolean, authorizer?: WebSocketLambdaAuthorizer) =>
      this.api.addRoute(routeKey, {
        integration: new WebSocketLambdaIntegration(`${id}Integration`, handler),
        returnResponse,
        ...(authorizer ? { authorizer } : {}),
      });
    if (props.authorizerHandler) {
      this.authorizer = new WebSocketLambdaAuthorizer('Authorizer', props.authorizerHandler, { identitySource: [AUTHORIZER_IDENTITY_SOURCE] });
    }
    this.connectRoute = route('$connect', 'Connect', props.connectHandler, false, this.authorizer);
    this.disconnectRoute = route('$disconnect', 'Disconnect', props.disconnectHandler, false);
    this.defaultRoute = route('$default', 'Default', props.defaultHandler, true);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? (DEFAULT_CONFIG.logRetentionDays as logs.RetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName,
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? DEFAULT_CONFIG.throttlingRateLimit,
        burstLimit: props.throttlingBurstLimit ?? DEFAULT_CONFIG.throttlingBurstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // With autoDeploy, the stage's first deployment should already contain every route.
    for (const r of [this.connectRoute, this.disconnectRoute, this.defaultRoute]) this.stage.node.addDependency(r);

    // One account-level setting per stack: a second WebSocketPush in the same stack relies on the first one's.
    const accountSetAlready = Stack.of(this).node.findAll().some((c) => c instanceof CfnAccount);
    if ((props.createCloudWatchRole ?? DEFAULT_CONFIG.apiGatewayCloudWatchRole) && !accountSetAlready) {
      this.cloudWatchRole = new iam.Role(this, 'CloudWatchRole', {
        assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        description: 'API Gateway account-level role to write execution and access logs to CloudWatch Logs',
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
        ],
      });
      this.cloudWatchRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
      const account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: this.cloudWatchRole.roleArn });
      account.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.stage.node.addDependency(account);
      NagSuppressions.addResourceSuppressions(this.cloudWatchRole, [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy made for this account-level role: ' +
            'API Gateway writes the logs of every API of the account and region with it, to log groups it names.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        },
      ]);
    }

    this.webSocketUrl = this.stage.url;
    this.callbackUrl = this.stage.callbackUrl;

    if (!this.authorizer) {
      NagSuppressions.addResourceSuppressions(this.connectRoute.node.defaultChild!, [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'No token issuer is configured (context authIssuer), so the stack is deliberately public: anyone may ' +
            'connect, only public channels exist and private- channels refuse every subscription. Setting ' +
            'authIssuer adds a Lambda REQUEST authorizer on $connect and this suppression goes away.',
        },
      ]);
    }
    for (const r of [this.disconnectRoute, this.defaultRoute]) suppressRouteAuthorizerFinding(r);
  }

  /**
   * Adds a route of your own: frames whose `action` is `routeKey` go to `handler` (a Lambda function of
   * yours) instead of `$default`. It runs on connections `$connect` admitted, so its event carries the
   * authorizer's context (`requestContext.authorizer`) as the built-in routes' do.
   * @param routeKey the `action` value, e.g. `'chat'`; not one of the protocol's actions, not starting with `$`
   * @param options.returnResponse send the function's `body` back to the client as a frame (default true)
   */
  public addRoute(routeKey: string, handler: IFunction, options: { readonly returnResponse?: boolean } = {}): WebSocketRoute {
    const problem = routeKeyProblem(routeKey);
    if (problem !== undefined) throw new InvalidConfigError('routeKey', `Invalid route key ${JSON.stringify(routeKey)}: ${problem}.`);
    const id = `Route${routeKey.replace(/[^A-Za-z0-9]/g, '')}${this.api.node.children.length}`;
    const route = this.api.addRoute(routeKey, {
      integration: new WebSocketLambdaIntegration(`${id}Integration`, handler),
      returnResponse: options.returnResponse ?? true,
    });
    this.stage.node.addDependency(route);
    suppressRouteAuthorizerFinding(route);
    return route;
  }

  /**
   * Lets the grantee post to connections of this stage through the management API
   * (`execute-api:ManageConnections` on `…/<stage>/POST/@connections/*`, nothing else).
   */
  public grantManageConnections(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    if (principal instanceof iam.Role) {
      NagSuppressions.addResourceSuppressions(principal, [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Connection ids are assigned by API Gateway at run time, so they cannot be listed at deploy time; ' +
            'the wildcard is limited to POST on the @connections of this API and stage.',
          appliesTo: [
            {
              regex: `/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<[A-Za-z0-9]+>\\/${this.stage.stageName}\\/POST\\/@connections\\/\\*$/`,
            },
          ],
        },
      ], true);
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:ManageConnections'],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'execute-api',
          resource: this.api.apiId,
          resourceName: `${this.stage.stageName}/POST/@connections/*`,
        }),
      ],
    });
  }
}

/** Largest route key API Gateway accepts. */
const MAX_ROUTE_KEY_LENGTH = 128;

/** Why `routeKey` cannot be an app's own route, or undefined when it can. */
function routeKeyProblem(routeKey: string): string | undefined {
  if (routeKey.length === 0 || routeKey.length > MAX_ROUTE_KEY_LENGTH) return `expected 1 to ${MAX_ROUTE_KEY_LENGTH} characters, e.g. 'chat'`;
  if (routeKey.startsWith('$')) return "keys starting with $ are API Gateway's ($connect, $disconnect and $default are the stack's); name the action your frames carry, e.g. 'chat'";
  if ((CLIENT_ACTIONS as readonly string[]).includes(routeKey)) {
    return `"${routeKey}" is an action of the push protocol (${CLIENT_ACTIONS.join(', ')}), which $default handles; choose another name`;
  }
  return undefined;
}

/** Only `$connect` takes an authorizer; every other route runs on a connection it admitted. */
function suppressRouteAuthorizerFinding(route: WebSocketRoute): void {
  NagSuppressions.addResourceSuppressions(route.node.defaultChild!, [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'API Gateway WebSocket APIs authorize only on $connect; this route runs on a connection that ' +
        '$connect already admitted and cannot take an authorizer.',
    },
  ]);
}
