import {
  buildSchema, GraphQLError, GraphQLScalarType, isObjectType, Kind, print, valueFromASTUntyped,
  type GraphQLField, type GraphQLObjectType, type GraphQLSchema, type ValueNode,
} from 'graphql';
import type { AppSyncAuthMode } from '../template/model';
import { TemplateError } from '../template/errors';

/**
 * AppSync's own scalars (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html). Only `AWSJSON`
 * is given AppSync's behaviour; the others pass their value through unchecked (a local gap: AppSync validates
 * their formats).
 */
const AWS_SCALARS = ['AWSDate', 'AWSTime', 'AWSDateTime', 'AWSTimestamp', 'AWSEmail', 'AWSJSON', 'AWSURL', 'AWSPhone', 'AWSIPAddress'];

/** AppSync's directives: authorization modes and `@aws_subscribe`. */
const AWS_DIRECTIVES = `
directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
directive @aws_api_key on OBJECT | FIELD_DEFINITION
directive @aws_iam on OBJECT | FIELD_DEFINITION
directive @aws_oidc on OBJECT | FIELD_DEFINITION
directive @aws_lambda on OBJECT | FIELD_DEFINITION
directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
`;

/** The directive that allows each authorization mode on a type or field. */
const MODE_DIRECTIVES: Record<AppSyncAuthMode['type'], readonly string[]> = {
  API_KEY: ['aws_api_key'],
  AWS_IAM: ['aws_iam'],
  OPENID_CONNECT: ['aws_oidc'],
  AMAZON_COGNITO_USER_POOLS: ['aws_cognito_user_pools', 'aws_auth'],
  AWS_LAMBDA: ['aws_lambda'],
};
const AUTH_DIRECTIVES = new Set(Object.values(MODE_DIRECTIVES).flat());

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GraphQLError(`Unable to parse ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} as valid JSON.`);
  }
}

/**
 * `AWSJSON`: "a JSON string; any valid JSON construct is automatically parsed and loaded in the resolver code
 * as maps, lists, or scalar values rather than as the literal input strings; unquoted strings or otherwise
 * invalid JSON result in a GraphQL validation error" (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html).
 * So an input must be a string holding JSON, in a literal and in variables alike: an object literal is
 * refused (AppSync: "… is not a valid 'AWSJSON'"), and so is an object given as a variable's value — which is
 * why an EventBridge input template cannot hand an event's `detail.data` object to an AWSJSON variable as is.
 * Output is the value's JSON text.
 */
const AWSJSON = new GraphQLScalarType({
  name: 'AWSJSON',
  serialize: (value) => (value === undefined ? null : JSON.stringify(value)),
  parseValue: (value) => {
    if (typeof value !== 'string') throw new GraphQLError(`AWSJSON takes a JSON string, not ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}: send JSON.stringify(value).`);
    return parseJson(value);
  },
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError(`${print(ast)} is not a valid 'AWSJSON': give a string holding JSON.`);
    return parseJson(ast.value);
  },
});

/**
 * The API's executable schema: its `Definition` with AppSync's scalars and directives declared (AppSync
 * declares them itself; a definition may not). Throws a TemplateError naming the API when it does not build.
 */
export function appSyncSchema(definition: string, apiLogicalId: string): GraphQLSchema {
  const declared = (name: string) => new RegExp(`\\bscalar\\s+${name}\\b`).test(definition);
  const scalars = AWS_SCALARS.filter((s) => !declared(s)).map((s) => `scalar ${s}`).join('\n');
  let schema: GraphQLSchema;
  try {
    schema = buildSchema(`${AWS_DIRECTIVES}\n${scalars}\n${definition}`);
  } catch (error) {
    throw new TemplateError(`the GraphQL schema does not build: ${(error as Error).message}`, apiLogicalId, { cause: error });
  }
  const json = schema.getType('AWSJSON') as GraphQLScalarType | undefined;
  if (json) Object.assign(json, { serialize: AWSJSON.serialize, parseValue: AWSJSON.parseValue, parseLiteral: AWSJSON.parseLiteral });
  return schema;
}

function authDirectivesOf(node: { directives?: readonly { name: { value: string } }[] } | undefined | null): string[] {
  return (node?.directives ?? []).map((d) => d.name.value).filter((n) => AUTH_DIRECTIVES.has(n));
}

/**
 * Whether `mode` may read `type.field`: the field's authorization directives when it has some, else its type's,
 * else only the API's default mode (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#using-additional-authorization-modes).
 */
export function modeAllows(mode: AppSyncAuthMode['type'], defaultMode: AppSyncAuthMode['type'], type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  const onField = authDirectivesOf(field.astNode);
  const onType = [type.astNode, ...(type.extensionASTNodes ?? [])].flatMap((n) => authDirectivesOf(n));
  const allowed = onField.length > 0 ? onField : onType;
  if (allowed.length === 0) return mode === defaultMode;
  return MODE_DIRECTIVES[mode].some((d) => allowed.includes(d));
}

/** The mutations a subscription field listens to (`@aws_subscribe(mutations: [...])`). */
export function subscribedMutations(field: GraphQLField<unknown, unknown>): string[] {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
  const arg = directive?.arguments?.find((a) => a.name.value === 'mutations');
  if (!arg) return [];
  const value = valueFromASTUntyped(arg.value);
  return Array.isArray(value) ? value.map(String) : [];
}

/** The object type a field returns (through lists and non-null), if it returns one. */
export function objectTypeOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): GraphQLObjectType | undefined {
  let t: any = field.type;
  while (t.ofType) t = t.ofType;
  const named = schema.getType(t.name);
  return named && isObjectType(named) ? named : undefined;
}
