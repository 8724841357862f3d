import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyWebsocketEventV2, EventBridgeEvent } from 'aws-lambda';
import { startAwsEndpoint, type AwsEndpoint } from '../../local/aws-endpoint';
import { bindPort } from '../../local/http/bound-port';
import { LocalDynamoDb } from '../../local/dynamodb';
import { acceptEntry } from '../../local/eventbridge/put-events';
import { startGateway, type Gateway, type GatewayAuthorizer, type GatewayLimits, type RouteIntegration } from '../../local/gateway';
import { authorizerContext } from '../../local/gateway/authorizer';
import { connectEvent as gatewayConnectEvent, disconnectEvent as gatewayDisconnectEvent, messageEvent as gatewayMessageEvent, type ConnectionScope } from '../../local/gateway/events';
import { FaultScript, type ScriptedGatewayFaults } from '../../local/gateway/faults';
import { awsStyleId } from '../../local/gateway/ids';
import { connectionIdOf } from '../../local/gateway/management-api';
import { LocalSqs, type SqsEventRecord } from '../../local/sqs';
import { PUSH_DETAIL_TYPE } from '../../shared/events';
import { createTableInput, keys, TABLE } from '../../shared/table-schema';
import { waitUntil } from './wait-until';

/*
 * The one place tests start the local cloud's services one by one (DynamoDB, SQS, the AWS endpoint, the
 * gateway with its management API) and build the events those services would send: when `local/` changes
 * how its services start, this file changes, not the tests.
 */

export { FaultScript, type ScriptedGatewayFaults };

/** Dummy credentials and region for SDK clients of the local services (and the handlers' environment). */
export const TEST_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

/** The stage of test gateways and of the events built here. */
export const TEST_STAGE = 'prod';
const TEST_API_ID = 'abc123defg';

/** Local DynamoDB (dynalite with TTL) and SQS behind one AWS endpoint on a free loopback port. */
export interface LocalAws {
  /** The endpoint's URL: `AWS_ENDPOINT_URL` of the handlers and of SDK clients. */
  readonly endpoint: string;
  /** SDK client configuration for this endpoint (region and dummy credentials). */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  readonly dynamodb: LocalDynamoDb;
  readonly sqs: LocalSqs;
  /** A document client of the test's own (not the handlers'), through the endpoint. */
  readonly documentClient: DynamoDBDocumentClient;
  /** Creates the connections table from `createTableInput`, with TTL on, and waits until it is ACTIVE. */
  createConnectionsTable(name: string): Promise<void>;
  /** Creates a standard queue; returns its URL. */
  createQueue(name: string): string;
  /** Receives (and deletes) every message now visible on a queue, with all attributes. */
  drainQueue(queueUrl: string): Promise<Message[]>;
  /**
   * The first `count` messages of queue `name` as a Lambda event source mapping hands them to a function (the
   * records of its SQS events), acknowledged.
   */
  receiveAsLambda(name: string, count: number): Promise<SqsEventRecord[]>;
  /** Every item of a connection in table `tableName` (its meta item and subscriptions). */
  connectionItems(tableName: string, connectionId: string): Promise<Record<string, unknown>[]>;
  /** The meta item of a connection in table `tableName`; undefined when there is none. */
  metaItem(tableName: string, connectionId: string): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

/** Options of {@link startLocalAws}. */
export interface LocalAwsOptions {
  /** DynamoDB's clock for TTL expiry (epoch ms). @default Date.now */
  readonly now?: () => number;
  /** How often TTL sweeps run by themselves; tests that sweep call `dynamodb.sweepNow()`. @default 10000 */
  readonly ttlSweepIntervalMs?: number;
}

/** Starts {@link LocalAws}. Stop it when done. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const dynamodb = new LocalDynamoDb({ now: options.now, ttlSweepIntervalMs: options.ttlSweepIntervalMs });
  // The port is bound first, so the queues know the URL they are reached on.
  const port = await bindPort('127.0.0.1', 0);
  const sqs = new LocalSqs({ endpointUrl: port.url });
  let endpoint: AwsEndpoint | undefined;
  try {
    await dynamodb.start();
    await sqs.start();
    endpoint = await startAwsEndpoint({ port, services: [sqs], dynamodb });
  } catch (error) {
    await sqs.stop();
    await dynamodb.stop();
    throw error;
  }
  const url = endpoint.url;
  const clientConfig = {
    endpoint: url,
    region: TEST_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  };
  const client = new DynamoDBClient(clientConfig);
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const sqsClient = new SQSClient(clientConfig);
  return {
    endpoint: url,
    clientConfig,
    dynamodb,
    sqs,
    documentClient,
    async createConnectionsTable(name) {
      await dynamodb.createTable({ ...createTableInput(name), TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } });
    },
    createQueue(name) {
      return sqs.addQueue({ name }).url;
    },
    async drainQueue(queueUrl) {
      const all: Message[] = [];
      for (;;) {
        const { Messages = [] } = await sqsClient.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
        );
        if (Messages.length === 0) return all;
        all.push(...Messages);
        await sqsClient.send(
          new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }),
        );
      }
    },
    async receiveAsLambda(name, count) {
      const records: SqsEventRecord[] = [];
      const mapping = sqs.attachConsumer({
        queueArn: LocalSqs.queueArn(name),
        reportBatchItemFailures: true,
        maxConcurrency: 1,
        invoke: async (event) => {
          records.push(...event.Records);
          return { ok: true, result: { batchItemFailures: [] } };
        },
      });
      try {
        await waitUntil(() => records.length >= count, `${count} message(s) from queue ${name}`);
      } finally {
        await mapping.stop();
      }
      return records;
    },
    connectionItems: (tableName, connectionId) => queryConnectionItems(documentClient, tableName, connectionId),
    async metaItem(tableName, connectionId) {
      const key = { [TABLE.partitionKey]: keys.connection(connectionId), [TABLE.sortKey]: keys.meta };
      return (await documentClient.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    },
    async stop() {
      client.destroy();
      sqsClient.destroy();
      await endpoint?.stop();
      await sqs.stop();
      await dynamodb.stop();
    },
  };
}

/** One management-API call a test gateway served, as the client saw its answer. */
export interface ManagementCall {
  readonly connectionId: string;
  readonly method: string;
  readonly status: number;
}

/** A started gateway with what tests look at: its log, its fault script and the management-API calls. */
export interface TestGateway extends Gateway {
  readonly lines: string[];
  /** Scripted management-API answers (empty: every call is served). */
  readonly script: FaultScript;
  /** Every management-API call answered, in order. */
  readonly calls: ManagementCall[];
  /** Most management-API calls in flight at once. */
  readonly maxInFlight: number;
  /** Ids of the connections whose posts were answered 200, each with one entry per post. */
  delivered(): Map<string, number>;
  /** Forgets the calls, the in-flight maximum and the script. */
  reset(): void;
}

/** Options of {@link startTestGateway}. */
export interface TestGatewayOptions {
  readonly routes: Record<string, RouteIntegration>;
  readonly authorizer?: GatewayAuthorizer;
  readonly limits?: Partial<GatewayLimits>;
}

/**
 * Starts the local gateway (WebSocket API and management API) on a free loopback port, with a fault script
 * and a record of its management-API calls (seen through Node's `http.server.*` diagnostics channels, on
 * the gateway's port only).
 */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const lines: string[] = [];
  const script = new FaultScript();
  const faults: ScriptedGatewayFaults = { script };
  const gateway = await startGateway({
    port: 0,
    stage: TEST_STAGE,
    apiId: TEST_API_ID,
    routeSelectionExpression: '$request.body.action',
    routes: options.routes,
    authorizer: options.authorizer,
    limits: options.limits,
    faults,
    log: (line) => lines.push(line),
  });
  const calls: ManagementCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  type ServerMessage = { request: IncomingMessage; response: ServerResponse; socket: Socket };
  const callOf = ({ request, socket }: ServerMessage) =>
    socket.localPort === gateway.port ? connectionIdOf((request.url ?? '/').split('?')[0]!, TEST_STAGE) : undefined;
  const onStart = (message: unknown) => {
    if (callOf(message as ServerMessage) === undefined) return;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
  };
  const onFinish = (message: unknown) => {
    const m = message as ServerMessage;
    const connectionId = callOf(m);
    if (connectionId === undefined) return;
    inFlight--;
    calls.push({ connectionId, method: m.request.method ?? 'GET', status: m.response.statusCode });
  };
  subscribe('http.server.request.start', onStart);
  subscribe('http.server.response.finish', onFinish);
  return {
    url: gateway.url,
    callbackUrl: gateway.callbackUrl,
    port: gateway.port,
    connections: () => gateway.connections(),
    list: () => gateway.list(),
    lines,
    script,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    delivered() {
      const map = new Map<string, number>();
      for (const c of calls) if (c.method === 'POST' && c.status === 200) map.set(c.connectionId, (map.get(c.connectionId) ?? 0) + 1);
      return map;
    },
    reset() {
      calls.length = 0;
      maxInFlight = inFlight;
      script.clear();
    },
    async stop() {
      unsubscribe('http.server.request.start', onStart);
      unsubscribe('http.server.response.finish', onFinish);
      await gateway.stop();
    },
  };
}

/** What an authorizer established for a connection's events (see {@link apiGatewayEvent}). */
export interface EventIdentity {
  readonly principalId?: string;
  /** The authorizer's `context` (strings, numbers and booleans, as API Gateway passes them on). */
  readonly context?: Record<string, string | number | boolean>;
}

function scopeOf(connectionId: string, identity: EventIdentity = {}): ConnectionScope {
  const now = Date.now();
  const authorized = identity.principalId !== undefined || identity.context !== undefined;
  return {
    apiId: TEST_API_ID,
    stage: TEST_STAGE,
    domainName: `${TEST_API_ID}.execute-api.${TEST_AWS_ENV.AWS_REGION}.amazonaws.com`,
    connectionId,
    connectedAt: now - 1000,
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
    ...(authorized && {
      authorizer: authorizerContext({ effect: 'Allow', principalId: identity.principalId, context: identity.context ?? {} }, 1),
    }),
  };
}

/**
 * API Gateway WebSocket events for a connection id of the test's choosing, built by the local gateway's own
 * event builders (`local/gateway/events.ts`), for handlers invoked directly.
 */
export const apiGatewayEvent = {
  /** `$connect`, with the handshake's `headers` and, when given, the authorizer's identity. */
  connect(connectionId: string, options: EventIdentity & { headers?: Record<string, string> } = {}): APIGatewayProxyWebsocketEventV2 {
    const host = scopeOf(connectionId).domainName;
    const headers = { Host: host, 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', ...options.headers };
    const info = {
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      sourceIp: '127.0.0.1',
      userAgent: 'jest',
    };
    return gatewayConnectEvent(scopeOf(connectionId, options), info, Date.now(), awsStyleId()) as unknown as APIGatewayProxyWebsocketEventV2;
  },
  /** A `$default` message event with a text body. */
  message(connectionId: string, body: string): APIGatewayProxyWebsocketEventV2 {
    return gatewayMessageEvent(scopeOf(connectionId), '$default', body, Date.now()) as unknown as APIGatewayProxyWebsocketEventV2;
  },
  /** `$disconnect` after the client went away (1001). */
  disconnect(connectionId: string): APIGatewayProxyWebsocketEventV2 {
    return gatewayDisconnectEvent(scopeOf(connectionId), 1001, '', Date.now()) as unknown as APIGatewayProxyWebsocketEventV2;
  },
};

/**
 * The event a rule hands the push function for a `WebSocketPush` entry with this `detail` (an object), built
 * by the local EventBridge's own `PutEvents` validation; `id` overrides the generated event id.
 */
export function pushEvent(detail: Record<string, unknown>, id?: string): EventBridgeEvent<string, unknown> {
  const accepted = acceptEntry({ Source: 'test.producer', DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify(detail) }, () => true, new Date());
  if (!accepted.ok) throw new Error(`PutEvents would refuse this entry: ${accepted.errorMessage}`);
  return { ...accepted.event, ...(id !== undefined && { id }) };
}

/** Every item of one partition of table `tableName` (`pk`), read consistently. */
export async function queryPartition(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, pk: string): Promise<Record<string, unknown>[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/** Every item of a connection (its meta item and subscriptions), read consistently. */
export function queryConnectionItems(db: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, connectionId: string): Promise<Record<string, unknown>[]> {
  return queryPartition(db, tableName, keys.connection(connectionId));
}
