import { join } from 'node:path';
import type { TargetDefinition } from '../eventbridge/event-bridge';
import type { CfnResource, StackArtifact } from './assembly';
import { TemplateError } from './errors';
import { IntrinsicResolver, type LocalUrls } from './intrinsics';

/** A Lambda function the local runtime can run: its bundled asset folder, handler and settings. */
export interface FunctionModel {
  logicalId: string;
  name: string;
  arn: string;
  assetDir: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Resolved once the local URLs are known (see `resolveEnvironment`). */
  rawEnvironment: Record<string, unknown>;
  /** Asynchronous invocation settings (`AWS::Lambda::EventInvokeConfig`). */
  asyncRetries: number;
  maxEventAgeSeconds: number;
  onFailureArn?: string;
}

export interface RouteModel {
  routeKey: string;
  functionName: string;
  returnResponse: boolean;
  authorizer?: AuthorizerModel;
}

export interface AuthorizerModel {
  logicalId: string;
  functionName: string;
  identitySources: string[];
}

export interface WebSocketApiModel {
  logicalId: string;
  apiId: string;
  name: string;
  routeSelectionExpression: string;
  stage: string;
  routes: RouteModel[];
}

export interface TableModel {
  logicalId: string;
  name: string;
  /** The `CreateTable` input (keys, indexes) for dynalite. */
  createInput: Record<string, unknown>;
  ttlAttribute?: string;
}

export interface QueueModel {
  logicalId: string;
  name: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

/** A rule's target: the shape the local EventBridge takes. */
export type RuleTargetModel = TargetDefinition;

export interface RuleModel {
  logicalId: string;
  name: string;
  busName: string;
  eventPattern: Record<string, unknown>;
  enabled: boolean;
  targets: RuleTargetModel[];
}

export interface EventSourceMappingModel {
  logicalId: string;
  queueArn: string;
  functionName: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** `ScalingConfig.MaximumConcurrency`: most concurrent invocations. @default Lambda's (unset) */
  maxConcurrency?: number;
}

/** What the local cloud runs: the stack's resources, read from its synthesized template. */
export interface StackModel {
  stackName: string;
  functions: FunctionModel[];
  apis: WebSocketApiModel[];
  tables: TableModel[];
  queues: QueueModel[];
  buses: string[];
  rules: RuleModel[];
  eventSourceMappings: EventSourceMappingModel[];
  /** The stack's outputs, resolved to local values. */
  outputs(): Record<string, string>;
  /** A function's environment with intrinsics resolved to local names and URLs. */
  environment(fn: FunctionModel): Record<string, string>;
  resolver: IntrinsicResolver;
}

/** Resource types the local cloud reads, or knowingly has nothing to do for. */
const IGNORED = new Set([
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup', 'AWS::SQS::QueuePolicy', 'AWS::ApiGatewayV2::Deployment', 'AWS::ApiGateway::Account',
  'AWS::CDK::Metadata', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic',
  'AWS::SNS::Subscription', 'AWS::KMS::Key', 'AWS::KMS::Alias',
]);

/**
 * Reads a synthesized stack into the model the local cloud runs. Everything comes from the template:
 * a route, rule, queue or function added to the stack is run with no change here. A resource the local
 * cloud cannot run faithfully is an error that names it.
 */
export function buildModel(stack: StackArtifact, urls: LocalUrls, log: (line: string) => void = () => {}): StackModel {
  const { template } = stack;
  const r = new IntrinsicResolver(template, stack.stackName, urls);
  const byType = (type: string) => Object.entries(template.Resources).filter(([, res]) => res.Type === type);
  const props = (id: string, res: CfnResource) => (r.resolve(res.Properties ?? {}, id) as Record<string, any>);

  const known = new Set([
    'AWS::Lambda::Function', 'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::EventSourceMapping',
    'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::RouteResponse',
    'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Authorizer', 'AWS::ApiGatewayV2::Stage',
    'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Events::EventBus', 'AWS::Events::Rule',
  ]);
  for (const [id, res] of Object.entries(template.Resources)) {
    if (!known.has(res.Type) && !IGNORED.has(res.Type) && !res.Type.startsWith('Custom::')) {
      log(`template  ${id} (${res.Type}) is not emulated locally; ignored`);
    }
  }

  // Functions, by name and by ARN (targets and integrations name them by ARN).
  const invokeConfigs = byType('AWS::Lambda::EventInvokeConfig').map(([id, res]) => props(id, res));
  const functions: FunctionModel[] = byType('AWS::Lambda::Function').map(([id, res]) => {
    const p = res.Properties ?? {};
    const runtime = String(p.Runtime ?? '');
    if (!/^nodejs\d+\.x$/.test(runtime)) {
      throw new TemplateError(`runtime "${runtime}" cannot run locally; the local cloud runs Node.js functions (nodejs*.x).`, id);
    }
    const assetPath = res.Metadata?.['aws:asset:path'];
    if (!assetPath || res.Metadata?.['aws:asset:property'] !== 'Code') {
      throw new TemplateError(
        'its code is not a local asset (no aws:asset:path metadata). Build it from a local entry (NodejsFunction or Code.fromAsset) so the local cloud can run it.',
        id,
      );
    }
    const name = r.physicalName(id);
    const cfg = invokeConfigs.find((c) => c.FunctionName === name);
    return {
      logicalId: id,
      name,
      arn: r.arn(id),
      assetDir: join(stack.assemblyDir, assetPath),
      handler: String(p.Handler ?? 'index.handler'),
      runtime,
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMb: Number(p.MemorySize ?? 128),
      rawEnvironment: (p.Environment?.Variables ?? {}) as Record<string, unknown>,
      asyncRetries: cfg?.MaximumRetryAttempts ?? 2,
      maxEventAgeSeconds: cfg?.MaximumEventAgeInSeconds ?? 21600,
      onFailureArn: cfg?.DestinationConfig?.OnFailure?.Destination,
    };
  });
  const functionByArn = (arn: unknown, where: string): FunctionModel => {
    const text = String(arn);
    const fn = functions.find((f) => text === f.arn || text.includes(`/functions/${f.arn}/invocations`) || text === f.name);
    if (!fn) throw new TemplateError(`it points at "${text}", which is not a function of this stack.`, where);
    return fn;
  };

  // WebSocket APIs with their stage, routes, integrations, route responses and authorizers.
  const apis: WebSocketApiModel[] = byType('AWS::ApiGatewayV2::Api')
    .filter(([, res]) => res.Properties?.ProtocolType === 'WEBSOCKET')
    .map(([apiLogicalId, res]) => {
      const apiId = r.apiId(apiLogicalId);
      const ofApi = (type: string) => byType(type).filter(([id, x]) => r.resolve(x.Properties?.ApiId, id) === apiId);
      const stages = ofApi('AWS::ApiGatewayV2::Stage').map(([id, x]) => props(id, x).StageName as string);
      if (stages.length === 0) throw new TemplateError('the WebSocket API has no stage; add a WebSocketStage.', apiLogicalId);
      const routeResponses = new Set(ofApi('AWS::ApiGatewayV2::RouteResponse').map(([id, x]) => String(r.resolve(x.Properties?.RouteId, id))));
      const routes = ofApi('AWS::ApiGatewayV2::Route').map(([routeId, x]): RouteModel => {
        const p = props(routeId, x);
        const target = String(p.Target ?? '');
        const integrationId = target.replace(/^integrations\//, '');
        const integration = template.Resources[integrationId];
        if (!integration || integration.Type !== 'AWS::ApiGatewayV2::Integration') {
          throw new TemplateError(`route ${p.RouteKey} has no integration (Target "${target}").`, routeId);
        }
        const ip = props(integrationId, integration);
        if (ip.IntegrationType !== 'AWS_PROXY') {
          throw new TemplateError(`integration type ${ip.IntegrationType} is not run locally; use a Lambda proxy integration (AWS_PROXY).`, integrationId);
        }
        let authorizer: AuthorizerModel | undefined;
        if (p.AuthorizationType === 'CUSTOM') {
          const authId = String(p.AuthorizerId);
          const a = template.Resources[authId];
          if (!a) throw new TemplateError(`route ${p.RouteKey} names authorizer "${authId}", which is not in the template.`, routeId);
          const ap = props(authId, a);
          authorizer = {
            logicalId: authId,
            functionName: functionByArn(ap.AuthorizerUri, authId).name,
            identitySources: (ap.IdentitySource ?? []) as string[],
          };
        }
        return {
          routeKey: String(p.RouteKey),
          functionName: functionByArn(ip.IntegrationUri, integrationId).name,
          returnResponse: routeResponses.has(routeId),
          authorizer,
        };
      });
      return {
        logicalId: apiLogicalId,
        apiId,
        name: String(res.Properties?.Name ?? apiLogicalId),
        routeSelectionExpression: String(res.Properties?.RouteSelectionExpression ?? '$request.body.action'),
        stage: stages[0],
        routes,
      };
    });

  const tables: TableModel[] = byType('AWS::DynamoDB::Table').map(([id, res]) => {
    const p = props(id, res);
    const name = r.physicalName(id);
    const gsis = (p.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
    const lsis = (p.LocalSecondaryIndexes ?? []) as Record<string, unknown>[];
    const onDemand = p.BillingMode === 'PAY_PER_REQUEST';
    const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
    const createInput: Record<string, unknown> = {
      TableName: name,
      AttributeDefinitions: p.AttributeDefinitions,
      KeySchema: p.KeySchema,
      BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      ...(onDemand ? {} : { ProvisionedThroughput: p.ProvisionedThroughput ?? throughput }),
      ...(gsis.length ? {
        GlobalSecondaryIndexes: gsis.map((g) => ({
          IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection,
          ...(onDemand ? {} : { ProvisionedThroughput: g.ProvisionedThroughput ?? throughput }),
        })),
      } : {}),
      ...(lsis.length ? { LocalSecondaryIndexes: lsis } : {}),
    };
    const ttl = p.TimeToLiveSpecification as { Enabled?: boolean; AttributeName?: string } | undefined;
    return { logicalId: id, name, createInput, ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined };
  });

  const queues: QueueModel[] = byType('AWS::SQS::Queue').map(([id, res]) => {
    const p = props(id, res);
    const redrive = typeof p.RedrivePolicy === 'string' ? JSON.parse(p.RedrivePolicy) : p.RedrivePolicy;
    return {
      logicalId: id,
      name: r.physicalName(id),
      arn: r.arn(id),
      visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
      redrivePolicy: redrive ? { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount) } : undefined,
    };
  });

  const buses = byType('AWS::Events::EventBus').map(([id]) => r.physicalName(id));
  const rules: RuleModel[] = byType('AWS::Events::Rule').map(([id, res]) => {
    const p = props(id, res);
    if (!p.EventPattern) throw new TemplateError('scheduled rules are not run locally; the rule needs an EventPattern.', id);
    const bus = String(p.EventBusName ?? 'default');
    return {
      logicalId: id,
      name: r.physicalName(id),
      // An existing bus passed in by ARN is named by its ARN; the local bus takes the name part.
      busName: bus.startsWith('arn:') ? bus.replace(/^.*:event-bus\//, '') : bus,
      eventPattern: typeof p.EventPattern === 'string' ? JSON.parse(p.EventPattern) : p.EventPattern,
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      targets: ((p.Targets ?? []) as any[]).map((t) => ({
        id: String(t.Id),
        arn: String(t.Arn),
        retryPolicy: t.RetryPolicy ? {
          maximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts,
          maximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds,
        } : undefined,
        deadLetterArn: t.DeadLetterConfig?.Arn,
        input: t.Input,
        inputPath: t.InputPath,
      })),
    };
  });
  for (const rule of rules) {
    if (!buses.includes(rule.busName) && rule.busName !== 'default') buses.push(rule.busName);
  }

  const eventSourceMappings: EventSourceMappingModel[] = byType('AWS::Lambda::EventSourceMapping').map(([id, res]) => {
    const p = props(id, res);
    const queueArn = String(p.EventSourceArn ?? '');
    if (!queues.some((q) => q.arn === queueArn)) {
      throw new TemplateError(`event source ${queueArn} is not a queue of this stack; only SQS event sources run locally.`, id);
    }
    return {
      logicalId: id,
      queueArn,
      functionName: functionByArn(p.FunctionName, id).name,
      batchSize: Number(p.BatchSize ?? 10),
      maxBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: ((p.FunctionResponseTypes ?? []) as string[]).includes('ReportBatchItemFailures'),
      ...(p.ScalingConfig?.MaximumConcurrency !== undefined ? { maxConcurrency: Number(p.ScalingConfig.MaximumConcurrency) } : {}),
    };
  });

  return {
    stackName: stack.stackName,
    functions, apis, tables, queues, buses, rules, eventSourceMappings,
    resolver: r,
    outputs: () => Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([k, o]) => [k, String(r.resolve(o.Value, `Outputs.${k}`))]),
    ),
    environment: (fn) => {
      const env = r.resolve(fn.rawEnvironment, fn.logicalId) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    },
  };
}
