import {
  execute, getArgumentValues, getOperationAST, getVariableValues, GraphQLError, isObjectType, Kind, parse, validate,
  type DocumentNode, type ExecutionResult, type FieldNode, type FragmentDefinitionNode, type GraphQLField,
  type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import type { CloudEventSink } from '../console/event-hub';
import type { RequiredPermission } from '../iam/requests';
import type { GraphqlApiModel } from '../template/model';
import type { AppSyncCaller } from './auth';
import { AppSyncRequestError, ResolverError, type AppSyncErrorShape } from './errors';
import { JsResolver, type AppendedError } from './js-resolver';
import { appSyncSchema, modeAllows, objectTypeOf, subscribedMutations } from './schema';

/** The body of a GraphQL request (HTTP POST, or a real-time `start`'s `payload.data`). */
export interface GraphqlRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

/** An AppSync answer: `data` and AppSync-shaped `errors`. */
export interface GraphqlResponse {
  data?: unknown;
  errors?: AppSyncErrorShape[];
}

/** The IAM checks the API asks for (`LocalIam` fits): a caller's key, or a rule target's role. */
export interface AppSyncIam {
  check(accessKeyId: string | undefined, permissions: readonly RequiredPermission[]): { message: string } | undefined;
  checkRole(roleArn: string, permissions: readonly RequiredPermission[]): { message: string } | undefined;
}

/** A registered subscription: what it listens to, its arguments (the filter) and what it selects. */
export interface Subscription {
  readonly fieldName: string;
  /** The mutations that trigger it (`@aws_subscribe`). */
  readonly mutations: readonly string[];
  /** The arguments given (not null): a result is delivered only when its fields of these names equal them. */
  readonly filter: Readonly<Record<string, unknown>>;
  readonly responseKey: string;
  readonly selectionSet?: SelectionSetNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly returnType?: GraphQLObjectType;
  /** Receives `{ data: { <responseKey>: … } }`. */
  readonly deliver: (payload: { data: Record<string, unknown> }) => void;
}

interface ExecutionContext {
  readonly caller: AppSyncCaller;
  readonly headers: Record<string, string>;
  readonly appended: AppSyncErrorShape[];
}

/** A GraphQL error in AppSync's shape: `path`, `data`, `errorType`, `errorInfo`, `locations`, `message`. */
export function errorShape(error: GraphQLError): AppSyncErrorShape {
  const ext = error.extensions as { errorType?: string; data?: unknown; errorInfo?: unknown };
  return {
    path: error.path ?? null,
    data: ext.data ?? null,
    errorType: ext.errorType ?? (error.path ? undefined : 'ValidationError'),
    errorInfo: ext.errorInfo ?? null,
    locations: error.locations?.map((l) => ({ line: l.line, column: l.column, sourceName: null })) ?? null,
    message: error.message,
  };
}

const fieldError = (message: string, errorType: string, extra: { data?: unknown; errorInfo?: unknown } = {}) => new GraphQLError(message, { extensions: { errorType, ...extra } });

/** The fields of a selection set, through inline fragments and fragment spreads. */
function fieldsOf(selectionSet: SelectionSetNode | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FieldNode[] {
  if (!selectionSet) return [];
  return selectionSet.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf(s.selectionSet, fragments);
    const fragment = fragments.get(s.name.value);
    return fragment ? fieldsOf(fragment.selectionSet, fragments) : [];
  });
}

const fragmentsOf = (document: DocumentNode) => new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));

/** A mutation's answer for one field, keyed by field names (not aliases): what its selection set returned. */
function byFieldName(value: unknown, selectionSet: SelectionSetNode | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>): unknown {
  if (value === null || value === undefined || !selectionSet) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => byFieldName(v, selectionSet, fragments));
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(selectionSet, fragments)) {
    out[f.name.value] = byFieldName((value as Record<string, unknown>)[f.alias?.value ?? f.name.value], f.selectionSet, fragments);
  }
  return out;
}

/**
 * What a subscriber receives: its own selection set over what the mutation returned. A field the subscriber
 * asks for that the mutation did not select is null (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-data.html).
 */
function project(schema: GraphQLSchema, value: unknown, selectionSet: SelectionSetNode | undefined, type: GraphQLObjectType | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>): unknown {
  if (value === null || value === undefined || !selectionSet) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => project(schema, v, selectionSet, type, fragments));
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(selectionSet, fragments)) {
    const key = f.alias?.value ?? f.name.value;
    if (f.name.value === '__typename') {
      out[key] = type?.name ?? null;
      continue;
    }
    const def = type?.getFields()[f.name.value];
    out[key] = project(schema, (value as Record<string, unknown>)[f.name.value], f.selectionSet, def ? objectTypeOf(schema, def) : undefined, fragments);
  }
  return out;
}

const sameValue = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * One GraphQL API of the stack, executed with the reference `graphql` package: parsing, validation against the
 * template's schema, authorization by mode per type and field (AppSync's directives), IAM per field for IAM
 * callers, the template's resolvers, and subscriptions triggered by the mutations their `@aws_subscribe` names.
 */
export class LocalGraphqlApi {
  readonly schema: GraphQLSchema;
  private readonly resolvers = new Map<string, JsResolver>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly defaultMode: GraphqlApiModel['authModes'][number]['type'];

  constructor(readonly model: GraphqlApiModel, private readonly deps: { iam?: AppSyncIam; events?: CloudEventSink; log: (line: string) => void }) {
    this.schema = appSyncSchema(model.schema, model.logicalId);
    this.defaultMode = model.authModes[0].type;
    for (const r of model.resolvers) {
      this.resolvers.set(`${r.typeName}.${r.fieldName}`, new JsResolver(r, model.dataSources.find((d) => d.name === r.dataSourceName)?.type));
    }
  }

  /** The IAM resource of a field (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsappsync.html). */
  fieldArn(typeName: string, fieldName: string): string {
    return `${this.model.arn}/types/${typeName}/fields/${fieldName}`;
  }

  /** How many subscriptions are registered (the console, tests). */
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /**
   * Parses and validates a request. Returns the document and operation, or AppSync's validation errors.
   * @throws AppSyncRequestError `MalformedHttpRequestException` for a body that is no GraphQL request at all.
   */
  prepare(request: GraphqlRequest): { document: DocumentNode; operation: OperationDefinitionNode; variables: Record<string, unknown> } | { errors: AppSyncErrorShape[] } {
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      throw new AppSyncRequestError('MalformedHttpRequestException', 'The request has no "query": send {"query": "<GraphQL document>", "variables": {…}}.');
    }
    if (request.variables !== undefined && request.variables !== null && (typeof request.variables !== 'object' || Array.isArray(request.variables))) {
      return { errors: [{ path: null, locations: null, errorType: 'ValidationError', message: 'Validation error: "variables" must be a JSON object.' }] };
    }
    if (request.operationName !== undefined && request.operationName !== null && typeof request.operationName !== 'string') {
      return { errors: [{ path: null, locations: null, errorType: 'ValidationError', message: 'Validation error: "operationName" must be a string.' }] };
    }
    let document: DocumentNode;
    try {
      document = parse(request.query, { maxTokens: 10_000 });
    } catch (error) {
      return { errors: [{ ...errorShape(error as GraphQLError), errorType: 'ValidationError', message: `Validation error: ${(error as GraphQLError).message}` }] };
    }
    const invalid = validate(this.schema, document);
    if (invalid.length > 0) return { errors: invalid.map((e) => ({ ...errorShape(e), errorType: 'ValidationError', message: `Validation error: ${e.message}` })) };
    const operation = getOperationAST(document, (request.operationName as string | undefined) ?? undefined);
    if (!operation) {
      const message = request.operationName ? `Unknown operation named "${String(request.operationName)}".` : 'Must provide operation name if query contains multiple operations.';
      return { errors: [{ path: null, locations: null, errorType: 'ValidationError', message: `Validation error: ${message}` }] };
    }
    return { document, operation, variables: (request.variables ?? {}) as Record<string, unknown> };
  }

  /** Runs a query or mutation as `caller`; a mutation's results trigger the subscriptions that listen to it. */
  async execute(request: GraphqlRequest, caller: AppSyncCaller, headers: Record<string, string> = {}): Promise<GraphqlResponse> {
    const prepared = this.prepare(request);
    if ('errors' in prepared) return { data: null, errors: prepared.errors };
    const { document, operation, variables } = prepared;
    if (operation.operation === 'subscription') {
      return { data: null, errors: [{ path: null, locations: null, errorType: 'UnsupportedOperation', message: 'Subscriptions are not supported over HTTP: start them on the real-time endpoint.' }] };
    }
    const context: ExecutionContext = { caller, headers, appended: [] };
    const result = (await execute({
      schema: this.schema, document, variableValues: variables, operationName: operation.name?.value, contextValue: context, fieldResolver: this.fieldResolver,
    })) as ExecutionResult;
    const errors = [...(result.errors ?? []).map(errorShape), ...context.appended];
    if (operation.operation === 'mutation' && result.data) this.publish(document, operation, result);
    return { data: result.data ?? null, ...(errors.length ? { errors } : {}) };
  }

  private readonly fieldResolver: GraphQLFieldResolver<unknown, ExecutionContext> = (source, args, context, info) => {
    const type = info.parentType;
    const field = type.getFields()[info.fieldName];
    const denied = () => fieldError(`Not Authorized to access ${info.fieldName} on type ${type.name}`, 'Unauthorized');
    if (!modeAllows(context.caller.mode, this.defaultMode, type, field)) throw denied();
    const isRoot = info.path.prev === undefined;
    if (isRoot && context.caller.mode === 'AWS_IAM' && this.deps.iam) {
      const permission = [{ action: 'appsync:GraphQL', resource: this.fieldArn(type.name, info.fieldName) }];
      const { accessKeyId, roleArn } = context.caller.identity;
      const refusal = roleArn ? this.deps.iam.checkRole(roleArn, permission) : this.deps.iam.check(accessKeyId, permission);
      if (refusal) {
        this.deps.log(`denied: ${refusal.message}`);
        throw denied();
      }
    }
    const resolver = this.resolvers.get(`${type.name}.${info.fieldName}`);
    if (!resolver) return isRoot ? null : (source as Record<string, unknown> | null)?.[info.fieldName];
    const appended: AppendedError[] = [];
    try {
      return resolver.resolve({
        arguments: args, args, identity: context.caller.identity, source: source ?? null, stash: {},
        request: { headers: context.headers }, info: { fieldName: info.fieldName, parentTypeName: type.name, variables: info.variableValues },
      }, appended);
    } catch (error) {
      if (error instanceof ResolverError) throw fieldError(error.message, error.errorType ?? 'Code', { data: error.data, errorInfo: error.errorInfo });
      throw error;
    } finally {
      const path = [...pathOf(info.path)];
      context.appended.push(...appended.map((a) => ({ path, data: a.data ?? null, errorType: a.errorType, errorInfo: a.errorInfo ?? null, locations: null, message: a.message })));
    }
  };

  /**
   * Checks and registers a subscription from a real-time `start`.
   * @throws AppSyncRequestError `ValidationError`, `UnsupportedOperation` (not a subscription) or `Unauthorized`.
   */
  prepareSubscription(request: GraphqlRequest, caller: AppSyncCaller, deliver: Subscription['deliver']): Subscription {
    const prepared = this.prepare(request);
    if ('errors' in prepared) throw new AppSyncRequestError('ValidationError', prepared.errors.map((e) => e.message).join('; '));
    const { document, operation, variables } = prepared;
    if (operation.operation !== 'subscription') {
      // AppSync's words for a query or mutation sent to the real-time endpoint.
      throw new AppSyncRequestError('UnsupportedOperation', `${operation.operation} not supported through the realtime channel`);
    }
    const fragments = fragmentsOf(document);
    const subscriptionType = this.schema.getSubscriptionType()!;
    const [node] = fieldsOf(operation.selectionSet, fragments);
    const field = subscriptionType.getFields()[node.name.value] as GraphQLField<unknown, unknown>;
    this.checkSelection(caller, subscriptionType, node, fragments);
    let args: Record<string, unknown>;
    try {
      const coerced = coerceVariables(this.schema, operation, variables);
      args = getArgumentValues(field, node, coerced);
    } catch (error) {
      throw new AppSyncRequestError('ValidationError', `Validation error: ${(error as Error).message}`);
    }
    return {
      fieldName: field.name,
      mutations: subscribedMutations(field),
      filter: Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null && v !== undefined)),
      responseKey: node.alias?.value ?? node.name.value,
      selectionSet: node.selectionSet,
      fragments,
      returnType: objectTypeOf(this.schema, field),
      deliver,
    };
  }

  /** A subscriber may only select fields its mode may read (AppSync refuses the `start`). */
  private checkSelection(caller: AppSyncCaller, type: GraphQLObjectType, node: FieldNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): void {
    if (node.name.value === '__typename') return;
    const field = type.getFields()[node.name.value];
    if (!modeAllows(caller.mode, this.defaultMode, type, field)) {
      throw new AppSyncRequestError('Unauthorized', `Not Authorized to access ${node.name.value} on type ${type.name}`, 401);
    }
    const next = objectTypeOf(this.schema, field);
    if (next && isObjectType(next)) for (const f of fieldsOf(node.selectionSet, fragments)) this.checkSelection(caller, next, f, fragments);
  }

  add(subscription: Subscription): void {
    this.subscriptions.add(subscription);
  }

  remove(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
  }

  /**
   * Delivers each successful root field of a mutation to the subscriptions listening to it whose arguments
   * equal the result's fields of the same names (arguments left out match everything).
   */
  private publish(document: DocumentNode, operation: OperationDefinitionNode, result: ExecutionResult): void {
    const fragments = fragmentsOf(document);
    const failed = new Set((result.errors ?? []).filter((e) => e.path?.length === 1).map((e) => String(e.path![0])));
    for (const node of fieldsOf(operation.selectionSet, fragments)) {
      const key = node.alias?.value ?? node.name.value;
      const value = (result.data as Record<string, unknown>)[key];
      if (failed.has(key) || value === null || value === undefined) continue;
      const returned = byFieldName(value, node.selectionSet, fragments) as Record<string, unknown>;
      let delivered = 0;
      for (const s of this.subscriptions) {
        if (!s.mutations.includes(node.name.value)) continue;
        if (!Object.entries(s.filter).every(([name, v]) => sameValue(returned?.[name], v))) continue;
        try {
          s.deliver({ data: { [s.responseKey]: project(this.schema, returned, s.selectionSet, s.returnType, s.fragments) } });
          delivered++;
        } catch (error) {
          this.deps.log(`delivery to a subscriber failed: ${(error as Error).message}`);
        }
      }
      const channel = typeof returned?.channel === 'string' ? ` (channel ${returned.channel})` : '';
      this.deps.log(`mutation ${node.name.value}${channel} → ${delivered} subscription(s)`);
      this.deps.events?.publish('push', `AppSync ${node.name.value}${channel} → ${delivered} subscription(s)`, { transport: 'appsync', field: node.name.value, ...(channel ? { channel: returned.channel } : {}), delivered });
    }
  }
}

function* pathOf(path: { prev: any; key: string | number } | undefined): Generator<string | number> {
  const keys: (string | number)[] = [];
  for (let p = path; p; p = p.prev) keys.unshift(p.key);
  yield* keys;
}

/** The operation's variables, coerced to their declared types (`getVariableValues` of the reference package). */
function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: Record<string, unknown>): Record<string, unknown> {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
  if (coerced.errors) throw new Error(coerced.errors.map((e) => e.message).join('; '));
  return coerced.coerced;
}
