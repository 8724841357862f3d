import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { AppSyncPushClient, CLIENT_ERROR_CODES, createPushClient, PushClientError, type ChannelMessage } from '../../../client/src';
import { devIssuerFromJwk, newDevJwk, type DevIssuer } from '../../../local/dev-issuer';
import { localEndpoints } from '../../../local/endpoints-file';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { waitUntil } from '../../support/wait-until';
import { TestClient } from '../../support/ws-client';

/** One stack the tests run: its app, context, and the output names it gives the GraphQL and real-time URLs and the key. */
interface Variant {
  readonly name: string;
  readonly app?: string;
  readonly context: Record<string, string>;
  readonly outputs: { readonly graphqlUrl: string; readonly realtimeUrl: string; readonly apiKeyId: string };
  /** Extra context giving the API an OIDC mode trusting `issuer` (with `audience` as ClientId). */
  readonly oidc: (issuer: DevIssuer) => Record<string, string>;
  /** Whether the resolver refuses a `refused-` channel (the fixture's, to test a resolver error). */
  readonly refusesChannels: boolean;
  /**
   * Whether a publisher must send `detail.data` as JSON text: the fixture's input template hands it to the
   * AWSJSON variable as is (which takes a JSON string); the stack's relay encodes it.
   */
  readonly dataAsJsonText: boolean;
  /** Whether rules of their own put pushes this transport cannot deliver (`userId`…) on the dead-letter queue as `{ reason, code, event }` (the stack's). */
  readonly undeliverableRules: boolean;
}

const devIssuerKeys = (issuer: DevIssuer) => ({ authIssuer: issuer.issuer, authAudience: issuer.audience, authJwks: JSON.stringify(issuer.publicJwks) });

/** The fixture app: aws-cdk-lib's AppSync and EventBridge constructs with the schema (test/fixtures/appsync-app). */
const FIXTURE: Variant = {
  name: 'fixture app (aws-cdk-lib constructs)',
  app: 'npx tsx test/fixtures/appsync-app/app.ts',
  context: {},
  outputs: { graphqlUrl: 'GraphQLUrl', realtimeUrl: 'RealtimeUrl', apiKeyId: 'ApiKeyId' },
  oidc: (issuer) => ({ oidcIssuer: issuer.issuer, oidcClientId: issuer.audience, ...devIssuerKeys(issuer) }),
  refusesChannels: true,
  dataAsJsonText: true,
  undeliverableRules: false,
};

/**
 * This package's stack with `-c transport=appsync` (lib/constructs/appsync-push.ts), once it is in the tree.
 * `WSP_APPSYNC_STACK_APP` runs another checkout's app instead (e.g. `npx tsx /path/to/checkout/bin/app.ts`).
 */
const STACK: Variant | undefined = existsSync(join(__dirname, '../../../shared/appsync.ts')) || process.env.WSP_APPSYNC_STACK_APP ? {
  name: 'the stack with -c transport=appsync',
  app: process.env.WSP_APPSYNC_STACK_APP,
  context: { transport: 'appsync' },
  outputs: { graphqlUrl: 'AppSyncGraphQLUrl', realtimeUrl: 'AppSyncRealtimeUrl', apiKeyId: 'AppSyncApiKeyId' },
  oidc: devIssuerKeys,
  refusesChannels: false,
  dataAsJsonText: false,
  undeliverableRules: true,
} : undefined;

const VARIANTS: Variant[] = [FIXTURE, ...(STACK ? [STACK] : [])];
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const SUBSCRIPTION = 'subscription S($channel: String!) { onPush(channel: $channel) { channel id data } }';

/**
 * A subscriber written from "Building a real-time WebSocket client in AWS AppSync"
 * (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html) on a raw `ws`.
 */
async function realtime(cloud: TestCloud, authorization: Record<string, string>): Promise<TestClient> {
  const host = new URL(cloud.appsync!.graphqlUrl).host;
  return TestClient.connect(`${cloud.appsync!.realtimeUrl}?header=${encodeURIComponent(b64({ host, ...authorization }))}&payload=e30=`, { protocols: ['graphql-ws'] });
}

async function acked(cloud: TestCloud, authorization: Record<string, string>): Promise<TestClient> {
  const c = await realtime(cloud, authorization);
  c.send({ type: 'connection_init' });
  await c.next((m) => m.type === 'connection_ack');
  return c;
}

function start(c: TestClient, id: string, authorization: Record<string, string>, query = SUBSCRIPTION, variables: Record<string, unknown> = {}): void {
  c.send({ id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } } });
}

async function subscribed(c: TestClient, id: string, authorization: Record<string, string>, channel: string, query = SUBSCRIPTION): Promise<void> {
  start(c, id, authorization, query, { channel });
  await c.next((m) => m.id === id && (m.type === 'start_ack' || m.type === 'error'));
  expect(c.frames.find((m) => m.id === id && m.type !== 'data')).toEqual({ type: 'start_ack', id });
}

const dataFor = (c: TestClient, id: string) => c.frames.filter((m) => m.type === 'data' && m.id === id);

describe.each(VARIANTS)('local AppSync: $name (API key, IAM for EventBridge, NONE resolver)', (variant) => {
  let cloud: TestCloud;
  let key: Record<string, string>;
  let events: EventBridgeClient;
  const publish = async (detail: Record<string, unknown>) => {
    const encoded = variant.dataAsJsonText && 'data' in detail ? { ...detail, data: JSON.stringify(detail.data) } : detail;
    const out = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: cloud.outputs.EventBusName, Source: 'test', DetailType: 'WebSocketPush', Detail: JSON.stringify(encoded) }] }));
    expect(out.FailedEntryCount).toBe(0);
    return out.Entries![0].EventId!;
  };
  const graphql = async (body: unknown, headers: Record<string, string>) => {
    const res = await fetch(cloud.appsync!.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    cloud = await startTestCloud({ app: variant.app, context: variant.context, appsyncPort: 0, appsyncTimers: { keepAliveIntervalMs: 100 } });
    key = { 'x-api-key': cloud.appsync!.apiKey! };
    events = new EventBridgeClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials });
  }, 120_000);
  afterAll(async () => {
    events?.destroy();
    await cloud?.stop();
  });

  it('starts without a WebSocket API, resolves the outputs and writes the AppSync endpoints and key to endpoints.json', async () => {
    expect(cloud.webSocketUrl).toBe('');
    expect(cloud.outputs[variant.outputs.graphqlUrl]).toBe(cloud.appsync!.graphqlUrl);
    expect(cloud.outputs[variant.outputs.realtimeUrl]).toBe(cloud.appsync!.realtimeUrl);
    expect(cloud.outputs[variant.outputs.apiKeyId]).toBe(cloud.appsync!.apiKey);
    expect(cloud.appsync!.realtimeUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/graphql\/realtime$/);
    expect(cloud.appsync!.apiKey).toMatch(/^da2-[a-z0-9]{26}$/);
    const file = localEndpoints(cloud);
    expect(file).toMatchObject({ graphqlUrl: cloud.appsync!.graphqlUrl, realtimeUrl: cloud.appsync!.realtimeUrl, apiKey: cloud.appsync!.apiKey, webSocketApis: [] });
    const page = await fetch(cloud.pageUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<meta name="appsync-realtime-url" content="${cloud.appsync!.realtimeUrl}">`);
    expect((await fetch(cloud.consoleUrl)).status).toBe(200);
  });

  it('answers HTTP requests as AppSync: 401 UnauthorizedException for a bad or missing key, validation errors, IAM-only fields refused to the API key', async () => {
    expect(await graphql({ query: '{ ping }' }, { 'x-api-key': 'da2-wrong' })).toEqual({ status: 401, body: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] } });
    expect(await graphql({ query: '{ ping }' }, {})).toEqual({ status: 401, body: { errors: [{ errorType: 'UnauthorizedException', message: 'Missing authorization header' }] } });
    expect(await graphql({ query: '{ ping }' }, key)).toEqual({ status: 200, body: { data: { ping: null } } });
    const invalid = await graphql({ query: '{ nope }' }, key);
    expect(invalid.status).toBe(200);
    expect(invalid.body.data).toBeNull();
    expect(invalid.body.errors[0]).toMatchObject({ errorType: 'ValidationError', path: null, locations: [{ line: 1, column: 3, sourceName: null }] });
    expect(invalid.body.errors[0].message).toContain('Cannot query field "nope" on type "Query"');
    expect((await graphql({ query: '{ ping ' }, key)).body.errors[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringContaining('Syntax Error') });
    expect(await graphql('{not json', key)).toEqual({ status: 400, body: { errors: [{ errorType: 'MalformedHttpRequestException', message: 'The request body is not valid JSON.' }] } });
    const push = await graphql({ query: 'mutation { push(channel: "x", id: "1", data: "{}") { id } }' }, key);
    expect(push.body).toEqual({ data: { push: null }, errors: [expect.objectContaining({ path: ['push'], errorType: 'Unauthorized', message: 'Not Authorized to access push on type Mutation' })] });
    const badJson = await graphql({ query: 'mutation M($d: AWSJSON!) { push(channel: "x", id: "1", data: $d) { id } }', variables: { d: '{oops' } }, key);
    expect(badJson.body.errors[0].message).toContain('Unable to parse "{oops" as valid JSON.');
    // AWSJSON takes a JSON string (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html): an object is refused, as a literal and as a variable.
    const objectVariable = await graphql({ query: 'mutation M($d: AWSJSON!) { push(channel: "x", id: "1", data: $d) { id } }', variables: { d: { a: 1 } } }, key);
    expect(objectVariable.body.errors[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringContaining('AWSJSON takes a JSON string, not an object') });
    const objectLiteral = await graphql({ query: 'mutation { push(channel: "x", id: "1", data: {a: 1}) { id } }' }, key);
    expect(objectLiteral.body.errors[0].message).toContain("{a: 1} is not a valid 'AWSJSON'");
  });

  it('answers arbitrary HTTP bodies with AppSync-shaped errors, never a 500', async () => {
    const body = fc.oneof(fc.string(), fc.json(), fc.record({ query: fc.oneof(fc.string(), fc.json()), variables: fc.oneof(fc.json(), fc.constant(undefined)), operationName: fc.oneof(fc.string(), fc.json(), fc.constant(undefined)) }));
    for (const b of fc.sample(body, { numRuns: 100, seed: 16 })) {
      const { status, body: answer } = await graphql(typeof b === 'string' ? b : JSON.stringify(b), key);
      expect([200, 400]).toContain(status);
      expect(answer.errors?.[0]?.message ?? '').not.toContain('local AppSync failed');
    }
  });

  it('refuses a real-time connection as AppSync does: a bad API key gets connection_error UnauthorizedException 401, no graphql-ws subprotocol a 400, a bad header a BadRequestException', async () => {
    const bad = await realtime(cloud, { 'x-api-key': 'da2-wrong' });
    bad.send({ type: 'connection_init' });
    expect(await bad.next((m) => m.type === 'connection_error')).toEqual({
      type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    });
    await waitUntil(() => bad.closeCode !== undefined, 'the refused connection to close');

    await expect(TestClient.connect(`${cloud.appsync!.realtimeUrl}?header=${b64(key)}&payload=e30=`)).rejects.toMatchObject({ status: 400 });

    // Unencoded base64 in the URL, as AWS's examples build it: its `+` must still be read as `+`.
    let plusHeader = { host: 'example', 'x-api-key': cloud.appsync!.apiKey!, pad: '' };
    while (!b64(plusHeader).includes('+')) plusHeader = { ...plusHeader, pad: `${plusHeader.pad}>` };
    const raw = await TestClient.connect(`${cloud.appsync!.realtimeUrl}?header=${b64(plusHeader)}&payload=e30=`, { protocols: ['graphql-ws'] });
    raw.send({ type: 'connection_init' });
    await raw.next((m) => m.type === 'connection_ack' || m.type === 'connection_error');
    expect(raw.frames[0].type).toBe('connection_ack');
    raw.ws.close();

    const garbled = await TestClient.connect(`${cloud.appsync!.realtimeUrl}?header=%%%&payload=e30=`, { protocols: ['graphql-ws'] });
    expect((await garbled.next((m) => m.type === 'connection_error')).payload.errors[0]).toMatchObject({ errorType: 'BadRequestException', errorCode: 400 });
  });

  it('acks connection_init with connectionTimeoutMs, sends ka, and answers bad frames with typed errors without closing', async () => {
    const c = await realtime(cloud, key);
    c.send({ type: 'connection_init' });
    expect(await c.next((m) => m.type === 'connection_ack')).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    await c.next((m) => m.type === 'ka');
    await waitUntil(() => c.frames.filter((m) => m.type === 'ka').length >= 2, 'a second ka');

    c.send('{not json');
    expect(await c.next((m) => m.type === 'error' && /not valid JSON/.test(m.payload.errors[0].message))).toMatchObject({ payload: { errors: [{ errorType: 'BadRequestException' }] } });
    c.send({ type: 'subscribe' });
    expect(await c.next((m) => m.type === 'error' && m.payload.errors[0].errorType === 'UnsupportedOperation')).toBeTruthy();
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.next((m) => m.type === 'error' && /Binary frames/.test(m.payload.errors[0].message));

    start(c, 'q1', key, '{ ping }');
    expect(await c.next((m) => m.id === 'q1')).toEqual({ type: 'error', id: 'q1', payload: { errors: [{ errorType: 'UnsupportedOperation', message: 'query not supported through the realtime channel' }] } });
    start(c, 'v1', key, 'subscription { onPush(nope: "a") { id } }');
    expect((await c.next((m) => m.id === 'v1')).payload.errors[0]).toMatchObject({ errorType: 'ValidationError' });
    start(c, 'a1', { 'x-api-key': 'da2-wrong' }, SUBSCRIPTION, { channel: 'a' });
    expect((await c.next((m) => m.id === 'a1')).payload.errors[0]).toEqual({ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' });
    c.send({ id: 'd1', type: 'start', payload: { data: 'not json', extensions: { authorization: key } } });
    expect((await c.next((m) => m.id === 'd1')).payload.errors[0]).toMatchObject({ errorType: 'BadRequestException' });
    await subscribed(c, 's1', key, 'still-working');
    start(c, 's1', key, SUBSCRIPTION, { channel: 'again' });
    expect((await c.next((m) => m.id === 's1' && m.type === 'error')).payload.errors[0]).toMatchObject({ errorType: 'DuplicatedOperationError' });
    expect(c.closeCode).toBeUndefined();
    c.ws.close();
  });

  it('survives arbitrary frames: each gets a typed error or an answer, and the connection still subscribes', async () => {
    const c = await acked(cloud, key);
    const frame = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ type: fc.constantFrom('start', 'stop', 'connection_init', 'ka', 'data'), id: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), payload: fc.oneof(fc.json(), fc.record({ data: fc.oneof(fc.string(), fc.json()), extensions: fc.record({ authorization: fc.oneof(fc.constant(key), fc.json()) }) })) }),
    );
    const frames = fc.sample(frame, { numRuns: 150, seed: 16 });
    for (const f of frames) c.send(typeof f === 'string' ? f : JSON.stringify(f));
    await subscribed(c, 'after-fuzz', key, 'fuzzed');
    expect(c.closeCode).toBeUndefined();
    c.ws.close();
  });

  it('delivers an event published with PutEvents to the subscribers of its channel only, with what the mutation selected, until stop', async () => {
    const a1 = await acked(cloud, key);
    const a2 = await acked(cloud, key);
    const b = await acked(cloud, key);
    await subscribed(a1, 'sub-a', key, 'scores');
    await subscribed(a2, 'sub-a-narrow', key, 'scores', 'subscription S($channel: String!) { onPush(channel: $channel) { kind: __typename id } }');
    await subscribed(b, 'sub-b', key, 'other');

    const eventId = await publish({ channel: 'scores', data: { home: 1 } });
    const got = await a1.next((m) => m.type === 'data');
    expect(got).toEqual({ type: 'data', id: 'sub-a', payload: { data: { onPush: { channel: 'scores', id: eventId, data: JSON.stringify({ home: 1 }) } } } });
    expect(await a2.next((m) => m.type === 'data')).toEqual({ type: 'data', id: 'sub-a-narrow', payload: { data: { onPush: { kind: 'Message', id: eventId } } } });

    // b hears its own channel's event, published after: the first one did not come to it.
    const otherId = await publish({ channel: 'other', data: { away: 2 } });
    expect((await b.next((m) => m.type === 'data')).payload.data.onPush.id).toBe(otherId);
    await cloud.idle();
    expect(dataFor(b, 'sub-b')).toHaveLength(1);
    expect(dataFor(a1, 'sub-a')).toHaveLength(1);

    a1.send({ type: 'stop', id: 'sub-a' });
    expect(await a1.next((m) => m.type === 'complete')).toEqual({ type: 'complete', id: 'sub-a' });
    const third = await publish({ channel: 'scores', data: { home: 3 } });
    await waitUntil(() => dataFor(a2, 'sub-a-narrow').some((m) => m.payload.data.onPush.id === third), 'the still-subscribed one to get the third event');
    expect(dataFor(a1, 'sub-a')).toHaveLength(1);
    for (const c of [a1, a2, b]) c.ws.close();
  });

  it('delivers through the client module on the appsync transport, with the default client\'s message shape; what it cannot do throws UnsupportedOnTransport', async () => {
    const client = createPushClient({ transport: 'appsync', url: cloud.appsync!.realtimeUrl, apiKey: cloud.appsync!.apiKey, WebSocket: WebSocket as never });
    expect(client).toBeInstanceOf(AppSyncPushClient);
    const got: ChannelMessage[] = [];
    const subscribedTo: string[] = [];
    client.on('subscribed', (c) => subscribedTo.push(c));
    client.subscribe('from-client', (m) => got.push(m));
    try {
      await waitUntil(() => subscribedTo.includes('from-client'), 'the client to subscribe');
      const id = await publish({ channel: 'from-client', data: { home: 7, away: 0 } });
      await waitUntil(() => got.length === 1, 'the client to receive the event');
      expect(got[0]).toEqual({ channel: 'from-client', id, data: { home: 7, away: 0 }, replayed: false });
      // A dropped connection: the client reconnects and starts its subscription again.
      const states: string[] = [];
      client.on('state', (s) => states.push(s));
      (client as unknown as { ws: WebSocket }).ws.close();
      await waitUntil(() => subscribedTo.filter((c) => c === 'from-client').length === 2, 'the client to subscribe again');
      expect(states).toEqual(['reconnecting', 'open']);
      const again = await publish({ channel: 'from-client', data: { home: 8, away: 0 } });
      await waitUntil(() => got.length === 2, 'the event after the reconnect');
      expect(got[1]).toMatchObject({ id: again, data: { home: 8, away: 0 } });
      for (const call of [() => client.publish(), () => client.presence(), () => client.request(), () => client.send()]) {
        expect(call).toThrow(PushClientError);
        try { call(); } catch (e) { expect((e as PushClientError).code).toBe(CLIENT_ERROR_CODES.UnsupportedOnTransport); }
      }
    } finally {
      client.close();
    }
  });

  it('sends an event the AppSync target cannot deliver to the dead-letter queue with its reason', async () => {
    const sqs = new SQSClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials });
    try {
      // No data: the fixture's mutation gets a null $data, which AppSync refuses (ERROR_CODE / ERROR_MESSAGE
      // attributes, as EventBridge dead-letters); the stack's relay refuses it first ({ reason, code, event }).
      await publish({ channel: 'no-data' });
      if (variant.refusesChannels) await publish({ channel: 'refused-1', data: {} });
      if (variant.undeliverableRules) await publish({ userId: 'alice', data: {} });
      await cloud.idle();
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: cloud.outputs.DeadLetterQueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
      const messages = (got.Messages ?? []).map((m) => ({ body: JSON.parse(m.Body!), attributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])) }));
      const target = expect.stringMatching(/^arn:aws:appsync:us-east-1:000000000000:endpoints\/graphql-api\/[a-z0-9]{26}$/);
      const deadLettered = (channel: string) => messages.find((m) => m.body.detail?.channel === channel);
      if (variant.undeliverableRules) {
        expect(messages.map((m) => m.body)).toContainEqual({ reason: expect.stringContaining('userId pushes need the apigateway transport'), code: 'UnsupportedAudience', event: expect.objectContaining({ detail: expect.objectContaining({ userId: 'alice' }) }) });
        expect(messages.map((m) => m.body)).toContainEqual({ reason: expect.any(String), code: expect.any(String), event: expect.objectContaining({ detail: { channel: 'no-data' } }) });
      } else {
        expect(deadLettered('no-data')?.attributes).toMatchObject({ ERROR_CODE: 'ValidationError', ERROR_MESSAGE: 'Variable "$data" of non-null type "AWSJSON!" must not be null.', RETRY_ATTEMPTS: '0', TARGET_ARN: target });
      }
      if (variant.refusesChannels) expect(deadLettered('refused-1')?.attributes).toMatchObject({ ERROR_CODE: 'PushRefused', ERROR_MESSAGE: 'channel refused-1 is refused', RETRY_ATTEMPTS: '0', TARGET_ARN: target });
      expect(messages).toHaveLength(1 + (variant.refusesChannels ? 1 : 0) + (variant.undeliverableRules ? 1 : 0));
    } finally {
      sqs.destroy();
    }
  });
});

describe.each(VARIANTS)('local AppSync with OIDC (the development issuer as OpenIDConnectConfig): $name', (variant) => {
  let cloud: TestCloud;
  let issuer: DevIssuer;
  beforeAll(async () => {
    issuer = await devIssuerFromJwk(await newDevJwk());
    cloud = await startTestCloud({ app: variant.app, context: { ...variant.context, ...variant.oidc(issuer) }, appsyncPort: 0 });
  }, 120_000);
  afterAll(() => cloud?.stop());

  it('accepts a verified token in the handshake and the start, and refuses a token of another audience or with "Bearer "', async () => {
    const token = await issuer.sign({ user: 'alice' });
    const c = await acked(cloud, { Authorization: token });
    await subscribed(c, 'o1', { Authorization: token }, 'oidc');
    c.ws.close();

    const other = await issuer.sign({ user: 'mallory', audience: 'someone-else' });
    const refused = await realtime(cloud, { Authorization: other });
    expect((await refused.next((m) => m.type === 'connection_error')).payload.errors[0]).toMatchObject({ errorType: 'UnauthorizedException', errorCode: 401 });
    const res = await fetch(cloud.appsync!.graphqlUrl, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ ping }' }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Valid authorization header not provided.' }] });
    const ok = await fetch(cloud.appsync!.graphqlUrl, { method: 'POST', headers: { Authorization: token }, body: JSON.stringify({ query: '{ ping }' }) });
    expect(await ok.json()).toEqual({ data: { ping: null } });
  });
});
