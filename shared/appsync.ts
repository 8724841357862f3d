/**
 * The AppSync transport (`transport: 'appsync'`): the GraphQL schema clients rely on, the mutation EventBridge
 * runs, the resolver behind it, and the stack's output names. Defined once here; the CDK construct
 * (`lib/constructs/appsync-push.ts`), the local cloud and the client import them.
 *
 * Flow: a `WebSocketPush` event with a `channel` (or `broadcast: true`) → the relay function, which encodes
 * its `data` (see {@link APPSYNC_RELAY_DETAIL_TYPE}) → a `WebSocketPushAppSync` event → an EventBridge rule
 * whose target is the AppSync API (https://docs.aws.amazon.com/eventbridge/latest/userguide/target-appsync.html)
 * → the `push` mutation (IAM only, on a NONE data source: no table) → every `onPush(channel)` subscriber.
 */

/** Type, field and argument names of the schema: fixed, clients rely on them. */
export const APPSYNC_NAMES = {
  messageType: 'Message',
  mutationType: 'Mutation',
  pushField: 'push',
  subscriptionType: 'Subscription',
  onPushField: 'onPush',
  queryType: 'Query',
} as const;

/** How clients are authorized on the AppSync API: an API key, or tokens of the configured OIDC issuer. */
export type AppSyncClientAuth = 'API_KEY' | 'OPENID_CONNECT';

/**
 * The schema directive of each client authorization mode. With several modes, a field or type without a
 * directive is open to the default mode only, so every type a mode must reach names it; `@aws_iam` is
 * EventBridge's (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#using-additional-authorization-modes).
 */
export const APPSYNC_AUTH_DIRECTIVES: Readonly<Record<AppSyncClientAuth | 'AWS_IAM', string>> = {
  API_KEY: '@aws_api_key',
  OPENID_CONNECT: '@aws_oidc',
  AWS_IAM: '@aws_iam',
};

/**
 * The schema, for the given client modes (at least one; the first is the API's default mode).
 * - `Mutation.push` is `@aws_iam` only: EventBridge's role may call it, clients may not.
 * - `Message` is readable by IAM (the mutation's caller) and by the clients (the subscribers).
 * - `Subscription.onPush(channel)` is linked to `push` by `@aws_subscribe`; AppSync passes a mutation's result
 *   to the subscriptions whose arguments equal the result's fields of the same name, here `channel`
 *   (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-data.html).
 * - `Query.ping` exists because a GraphQL schema needs a query type; it has no resolver and returns null.
 */
export function appSyncSchema(clientModes: readonly AppSyncClientAuth[]): string {
  if (clientModes.length === 0) throw new TypeError('appSyncSchema: give at least one client authorization mode');
  const clients = clientModes.map((m) => APPSYNC_AUTH_DIRECTIVES[m]).join(' ');
  const n = APPSYNC_NAMES;
  return [
    `type ${n.messageType} ${APPSYNC_AUTH_DIRECTIVES.AWS_IAM} ${clients} {`,
    '  channel: String!',
    '  id: ID!',
    '  data: AWSJSON!',
    '}',
    '',
    `type ${n.queryType} {`,
    '  ping: String',
    '}',
    '',
    `type ${n.mutationType} {`,
    `  ${n.pushField}(channel: String!, id: ID!, data: AWSJSON!): ${n.messageType} ${APPSYNC_AUTH_DIRECTIVES.AWS_IAM}`,
    '}',
    '',
    `type ${n.subscriptionType} {`,
    `  ${n.onPushField}(channel: String!): ${n.messageType} @aws_subscribe(mutations: ["${n.pushField}"]) ${clients}`,
    '}',
    '',
  ].join('\n');
}

/**
 * The operation EventBridge's AppSync target runs (`AppSyncParameters.GraphQLOperation`), with the rule
 * target's input as its variables. Its selection set is what subscribers can receive: AppSync sends a
 * subscriber only the fields the mutation selected.
 */
export const PUSH_MUTATION_OPERATION =
  'mutation Push($channel: String!, $id: ID!, $data: AWSJSON!) { push(channel: $channel, id: $id, data: $data) { channel id data } }';

/**
 * The `Mutation.push` resolver, APPSYNC_JS on a NONE data source: the request handler's `payload` becomes
 * `ctx.result` unchanged (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-none-js.html),
 * so the mutation returns its arguments, which AppSync then publishes to the matching subscriptions.
 * Plain on purpose (no imports, no utilities): the local cloud runs this same text in `node:vm`.
 */
export const PUSH_RESOLVER_CODE = [
  'export function request(ctx) {',
  '  return { payload: { channel: ctx.arguments.channel, id: ctx.arguments.id, data: ctx.arguments.data } };',
  '}',
  '',
  'export function response(ctx) {',
  '  return ctx.result;',
  '}',
  '',
].join('\n');

/**
 * The channel a `broadcast: true` push is published on: subscribe with `onPush(channel: "*")` to get
 * broadcasts. It cannot be the name of a channel of the API Gateway transport (those start with a letter or a
 * digit), so the two never mix.
 */
export const APPSYNC_BROADCAST_CHANNEL = '*';

/**
 * Why a relay: AppSync takes an `AWSJSON` value as a JSON *string* ("A JSON string", and AWS's own AppSync
 * simulator refuses anything else: https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html,
 * https://github.com/aws-amplify/amplify-cli/blob/dev/packages/amplify-appsync-simulator/src/schema/appsync-scalars/index.ts), and an
 * EventBridge input transformer cannot make one out of an arbitrary `detail.data`: it inserts values without
 * escaping them, and strips an object's inner quotes when it is placed inside a string
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html, "Common issues").
 * So a small function (`lambdas/handlers/appsync-relay.ts`) validates each channel or broadcast push, encodes
 * its `data` with `JSON.stringify`, and puts the mutation's variables back on the bus as the `detail` of an
 * {@link APPSYNC_RELAY_DETAIL_TYPE} event; the AppSync target passes that `detail` (`InputPath: $.detail`, no
 * template, so nothing is re-escaped) as the variables.
 */
export const APPSYNC_RELAY_DETAIL_TYPE = 'WebSocketPushAppSync';

/** `detail` of an {@link APPSYNC_RELAY_DETAIL_TYPE} event: exactly the push mutation's variables. */
export interface AppSyncPushVariables {
  readonly channel: string;
  /** The message id: the detail's `id` when given, else the event's. */
  readonly id: string;
  /** The push's `data`, JSON-encoded (an `AWSJSON` value). */
  readonly data: string;
}

/** The input path of the AppSync target: the relayed event's `detail` is the variables. */
export const PUSH_VARIABLES_INPUT_PATH = '$.detail';

/**
 * Pushes this transport cannot deliver, each sent to the dead-letter queue as `{ reason, code, event }` (the
 * shape the push function uses on the API Gateway transport) by a rule of its own; the relay sends every
 * other undeliverable push there itself, with `validateDetail`'s reason (no audience, a bad channel, …). Texts contain no `"`, `<`
 * or `>`: they are literal parts of an EventBridge input template.
 */
export const APPSYNC_UNDELIVERABLE = {
  userId: {
    code: 'UnsupportedAudience',
    reason:
      'userId pushes need the apigateway transport: AppSync subscribers are not tracked per user. Push to a channel the user subscribes to instead.',
  },
  connectionId: {
    code: 'UnsupportedAudience',
    reason:
      'connectionId pushes need the apigateway transport: AppSync connections have no id a service can address. Push to a channel instead.',
  },
} as const;
export type AppSyncUndeliverable = keyof typeof APPSYNC_UNDELIVERABLE;

/** Names of the standalone stack's outputs with `transport: 'appsync'`. */
export const APPSYNC_OUTPUTS = {
  /** `https://<id>.appsync-api.<region>.amazonaws.com/graphql`: queries, and the mutation (IAM). */
  graphqlUrl: 'AppSyncGraphQLUrl',
  /** `wss://<id>.appsync-realtime-api.<region>.amazonaws.com/graphql`: the real-time endpoint subscribers connect to. */
  realtimeUrl: 'AppSyncRealtimeUrl',
  /** The API's id (for `aws appsync list-api-keys --api-id …`). */
  apiId: 'AppSyncApiId',
  /** The API key's id, when clients authorize with an API key. */
  apiKeyId: 'AppSyncApiKeyId',
} as const;
