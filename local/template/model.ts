import type { StackArtifact } from './assembly';
import type { LocalUrls } from './intrinsics';
import { APPSYNC_RESOURCE_TYPES, readGraphqlApis, type GraphqlApiModel } from './readers/appsync';
import { DYNAMODB_RESOURCE_TYPES, readTables, type TableModel } from './readers/dynamodb';
import { EVENTBRIDGE_RESOURCE_TYPES, readEventBridge, type RuleModel } from './readers/eventbridge';
import { IAM_RESOURCE_TYPES, readRoles, type RoleModel } from './readers/iam';
import { GATEWAY_RESOURCE_TYPES, readWebSocketApis, type WebSocketApiModel } from './readers/gateway';
import { LAMBDA_RESOURCE_TYPES, readEventSourceMappings, readFunctions, type EventSourceMappingModel, type FunctionModel } from './readers/lambda';
import { readQueues, SQS_RESOURCE_TYPES, type QueueModel } from './readers/sqs';
import { templateReader, type TemplateReader } from './template-reader';

export type { TableModel } from './readers/dynamodb';
export type { RuleModel, RuleTargetModel } from './readers/eventbridge';
export type { AuthorizerModel, RouteModel, WebSocketApiModel } from './readers/gateway';
export type { EventSourceMappingModel, FunctionModel } from './readers/lambda';
export type { QueueModel } from './readers/sqs';
export type { RoleModel } from './readers/iam';
export type { AppSyncAuthMode, AppSyncResolverModel, GraphqlApiModel } from './readers/appsync';

/** What the local cloud runs: the stack's resources, read from its synthesized template, resolved to local values. */
export interface StackModel {
  stackName: string;
  functions: FunctionModel[];
  apis: WebSocketApiModel[];
  /** The AppSync GraphQL APIs (the second transport). */
  graphqlApis: GraphqlApiModel[];
  tables: TableModel[];
  queues: QueueModel[];
  buses: string[];
  rules: RuleModel[];
  eventSourceMappings: EventSourceMappingModel[];
  /** The roles with their identity-based policies (the local AWS endpoint enforces the functions'). */
  roles: RoleModel[];
  /** The stack's outputs, resolved to local values. */
  outputs: Record<string, string>;
}

/** Resource types the readers read. */
const READ = new Set<string>([
  ...LAMBDA_RESOURCE_TYPES, ...GATEWAY_RESOURCE_TYPES, ...DYNAMODB_RESOURCE_TYPES, ...SQS_RESOURCE_TYPES, ...EVENTBRIDGE_RESOURCE_TYPES, ...IAM_RESOURCE_TYPES,
  ...APPSYNC_RESOURCE_TYPES,
]);

/** Resource types the local cloud knowingly has nothing to do for. */
const IGNORED = new Set([
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup', 'AWS::SQS::QueuePolicy', 'AWS::ApiGatewayV2::Deployment', 'AWS::ApiGateway::Account',
  'AWS::CDK::Metadata', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic',
  'AWS::SNS::Subscription', 'AWS::KMS::Key', 'AWS::KMS::Alias',
]);

/**
 * Reads a synthesized stack into the model the local cloud runs, one reader per emulated service. Everything
 * comes from the template: a route, rule, queue or function added to the stack is run with no change here. A
 * resource the local cloud cannot run faithfully is an error that names it. `urls` are where the local
 * services listen (their ports are bound first), so names, ARNs, URLs and environments resolve at once.
 */
export function buildModel(stack: StackArtifact, urls: LocalUrls, log: (line: string) => void = () => {}): StackModel {
  for (const [id, res] of Object.entries(stack.template.Resources)) {
    if (!READ.has(res.Type) && !IGNORED.has(res.Type) && !res.Type.startsWith('Custom::')) {
      log(`template  ${id} (${res.Type}) is not emulated locally; ignored`);
    }
  }
  const t = templateReader(stack, urls);
  const functions = readFunctions(t);
  const apis = readWebSocketApis(t, functions);
  const tables = readTables(t);
  const queues = readQueues(t);
  const { buses, rules } = readEventBridge(t);
  const eventSourceMappings = readEventSourceMappings(t, functions, queues);
  const graphqlApis = readGraphqlApis(t);
  return { stackName: stack.stackName, functions, apis, graphqlApis, tables, queues, buses, rules, eventSourceMappings, roles: readRoles(t), outputs: readOutputs(t) };
}

function readOutputs(t: TemplateReader): Record<string, string> {
  return Object.fromEntries(
    Object.entries(t.stack.template.Outputs ?? {}).map(([k, o]) => [k, String(t.resolver.resolve(o.Value, `Outputs.${k}`))]),
  );
}
