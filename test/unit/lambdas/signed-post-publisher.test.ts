import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../support/sha256';
import { PostStatusError, SignedPostPublisher } from '../../../lambdas/adapters/signed-post-publisher';
import type { Credentials } from '../../../lambdas/adapters/refreshing-credentials';
import { deliver, type DeliveryReport } from '../../../lambdas/core/deliver';
import {
  ForbiddenError,
  GoneError,
  NetworkError,
  PayloadTooLargeError,
  type PublishError,
  ServerError,
  ThrottledError,
} from '../../../lambdas/core/errors';
import type { Logger } from '../../../lambdas/core/logger';
import { FaultScript, type ScriptedGatewayFaults } from '../../../local/gateway/faults';
import type { GatewayFaults } from '../../../local/gateway';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { nextMessage, open, recorder, stoppedAfterEach } from '../local/gateway/helpers';

const REGION = 'us-east-1';
const credentials: Credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', sessionToken: 'token' };
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A loopback HTTP server answering each request with `answer(n)` (n counts from 1): a status and error
 * type, or `reset` to drop the connection without a response. Used only for what the local management API
 * cannot produce: it never answers a POST with 403 (it checks neither signatures nor IAM), never drops a
 * connection mid-request, and does not show the request's headers.
 */
async function loopback(answer: (n: number) => { status: number; errorType?: string } | 'reset' = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const a = answer(received.length);
      if (a === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.errorType ? { 'x-amzn-ErrorType': a.errorType } : {}) });
      res.end(a.status === 200 ? '' : '{"message":null}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    callbackUrl: `http://127.0.0.1:${port}/prod`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The SDK's own signer, given the request as received, the same key and the same time, computes the same
 * Authorization header.
 */
async function expectSdkSignature(request: Received, signedWith: Credentials = credentials): Promise<void> {
  const verifier = new SignatureV4({ service: 'execute-api', region: REGION, credentials: signedWith, sha256: Sha256 });
  const amzDate = String(request.headers['x-amz-date']);
  const { authorization, ...rest } = request.headers;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(String(authorization))![1]!.split(';');
  const headers = Object.fromEntries(signedHeaders.map((h) => [h, String(rest[h])]));
  const resigned = await verifier.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: request.url, query: {}, headers, body: request.body },
    { signingDate: new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`) },
  );
  expect(resigned.headers.authorization).toBe(authorization);
}

describe('SignedPostPublisher', () => {
  const { start, onStop } = stoppedAfterEach();

  function publisher(endpoint: string, provider: () => Promise<Credentials> = async () => credentials, now?: () => number) {
    const p = new SignedPostPublisher({ endpoint, region: REGION, credentials: provider, maxSockets: 4, now });
    onStop(async () => p.destroy());
    return p;
  }

  /** A local gateway (its management API) with one live WebSocket client. */
  async function liveConnection(faults?: GatewayFaults) {
    const connect = recorder();
    const gw = await start({ routes: { $connect: connect }, faults });
    const ws = await open(gw.url);
    onStop(async () => ws.terminate());
    const id: string = (await connect.next(1)).requestContext.connectionId;
    return { gw, ws, id };
  }

  const failure = (p: SignedPostPublisher, id: string, payload = Buffer.from('x')) =>
    p.post(id, payload).then(
      () => {
        throw new Error('expected the post to fail');
      },
      (error: PublishError) => error,
    );

  /** `deliver()` of one id through `p`, counting the attempts. */
  async function deliverOne(
    p: SignedPostPublisher,
    id: string,
    payload = Buffer.from('{"type":"message"}'),
  ): Promise<{ report: DeliveryReport; attempts: number }> {
    let attempts = 0;
    const counted = { post: (cid: string, payload: Uint8Array) => (attempts++, p.post(cid, payload)) };
    const pages = (async function* () {
      yield [id];
    })();
    const report = await deliver(pages, payload, { concurrency: 1 }, {
      publisher: counted,
      store: { remove: async () => ({ channels: [] }) },
      logger: quiet,
      sleep: async () => undefined,
    });
    return { report, attempts };
  }

  it('200: delivers the payload to the live connection', async () => {
    const { gw, ws, id } = await liveConnection();
    const got = nextMessage(ws);
    await publisher(gw.callbackUrl).post(id, Buffer.from('{"type":"message","data":1}'));
    expect(await got).toMatchObject({ text: '{"type":"message","data":1}', isBinary: false });
  });

  it('410: a closed connection is a GoneError with the response as its cause', async () => {
    const { gw, ws, id } = await liveConnection();
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
    const error = await failure(publisher(gw.callbackUrl), id);
    expect(error).toBeInstanceOf(GoneError);
    expect(error).toMatchObject({ name: 'GoneError', code: 'Gone', retryable: false, connectionId: id, statusCode: 410 });
    expect(error.cause).toBeInstanceOf(PostStatusError);
    expect(error.cause).toMatchObject({ statusCode: 410, errorType: 'GoneException', code: 'PostStatus' });
  });

  it('413: a message over 128 KB is a PayloadTooLargeError, not retried', async () => {
    const { gw, id } = await liveConnection();
    const p = publisher(gw.callbackUrl);
    const error = await failure(p, id, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 'a'));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.retryable).toBe(false);
    const { report, attempts } = await deliverOne(p, id, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 'a'));
    expect({ attempts, delivered: report.delivered, failed: report.failed }).toEqual({ attempts: 1, delivered: 0, failed: 1 });
  });

  it('429: throttled posts are retryable, and deliver() retries them until one succeeds', async () => {
    const always = await liveConnection({ throttleRate: 1 });
    const error = await failure(publisher(always.gw.callbackUrl), always.id);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.cause).toMatchObject({ statusCode: 429, errorType: 'LimitExceededException' });

    const script = new FaultScript();
    const { gw, ws, id } = await liveConnection({ script } as ScriptedGatewayFaults);
    script.forConnection(id, [429, 429]);
    const got = nextMessage(ws);
    const { report, attempts } = await deliverOne(publisher(gw.callbackUrl), id);
    expect({ attempts, delivered: report.delivered, failed: report.failed }).toEqual({ attempts: 3, delivered: 1, failed: 0 });
    expect((await got).text).toBe('{"type":"message"}');
  });

  it('5xx: server errors are retryable, and deliver() retries them until one succeeds', async () => {
    const always = await liveConnection({ errorRate: 1 });
    const error = await failure(publisher(always.gw.callbackUrl), always.id);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ statusCode: 500, retryable: true });

    const script = new FaultScript();
    const { gw, id } = await liveConnection({ script } as ScriptedGatewayFaults);
    script.forConnection(id, [500]);
    const { report, attempts } = await deliverOne(publisher(gw.callbackUrl), id);
    expect({ attempts, delivered: report.delivered }).toEqual({ attempts: 2, delivered: 1 });
  });

  it('network errors are retryable: a refused connection, and a reset one retried until it succeeds', async () => {
    const closed = await loopback();
    await closed.stop();
    const refused = await failure(publisher(closed.callbackUrl), 'conn-1');
    expect(refused).toBeInstanceOf(NetworkError);
    expect(refused).toMatchObject({ retryable: true, statusCode: undefined });
    expect(refused.cause).toMatchObject({ code: 'ECONNREFUSED' });

    const server = await loopback((n) => (n === 1 ? 'reset' : { status: 200 }));
    onStop(server.stop);
    const { report, attempts } = await deliverOne(publisher(server.callbackUrl), 'conn-1');
    expect({ attempts, delivered: report.delivered }).toEqual({ attempts: 2, delivered: 1 });
  });

  it('403: a forbidden post is a ForbiddenError, not retried', async () => {
    const server = await loopback(() => ({ status: 403, errorType: 'ForbiddenException' }));
    onStop(server.stop);
    const { report, attempts } = await deliverOne(publisher(server.callbackUrl), 'conn-1');
    expect({ attempts, failed: report.failed }).toEqual({ attempts: 1, failed: 1 });
    const error = await failure(publisher(server.callbackUrl), 'conn-1');
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.retryable).toBe(false);
  });

  it('sends what the SDK client sends, correctly signed for execute-api', async () => {
    const server = await loopback();
    onStop(server.stop);
    const id = 'L0SM9cOFvHcCIhw=';
    const data = Buffer.from('{"type":"message"}');
    await publisher(server.callbackUrl).post(id, data);
    const sdk = new ApiGatewayManagementApiClient({ endpoint: server.callbackUrl, region: REGION, credentials, maxAttempts: 1 });
    onStop(async () => sdk.destroy());
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));

    const [ours, theirs] = server.received;
    expect(ours!.method).toBe(theirs!.method);
    expect(ours!.url).toBe(theirs!.url);
    expect(ours!.body).toEqual(theirs!.body);
    for (const h of ['host', 'content-type', 'content-length', 'x-amz-security-token', 'x-amz-content-sha256']) expect([h, ours!.headers[h]]).toEqual([h, theirs!.headers[h]]);
    const scope = (auth: unknown) => /Credential=([^,]+)/.exec(String(auth))?.[1];
    expect(scope(ours!.headers.authorization)).toBe(scope(theirs!.headers.authorization));
    expect(scope(ours!.headers.authorization)).toMatch(/^AKIDTEST\/\d{8}\/us-east-1\/execute-api\/aws4_request$/);

    // Each signature verifies against the request as received: the SDK's signer, given the request, the
    // same key and the same time, computes the same Authorization header (ids with characters to escape too).
    const p = publisher(server.callbackUrl);
    for (const other of ["a+b/c=", "x!y'(z)*", 'L0SM9cOFvHcCIhw=']) await p.post(other, data);
    for (const request of [ours!, ...server.received.slice(2)]) await expectSdkSignature(request);
    expect(server.received.slice(2).map((r) => r.url)).toEqual([
      `/prod/@connections/${encodeURIComponent('a+b/c=')}`,
      '/prod/@connections/x%21y%27%28z%29%2A', // RFC 3986, as the SDK encodes a path label
      '/prod/@connections/L0SM9cOFvHcCIhw%3D',
    ]);
  });

  it('asks the credential provider again only once its credentials near expiry', async () => {
    const server = await loopback();
    onStop(server.stop);
    let clock = Date.parse('2030-01-01T00:00:00Z');
    let calls = 0;
    const expiring = async (): Promise<Credentials> => {
      calls++;
      return { accessKeyId: `AKIDROLE${calls}`, secretAccessKey: `secret${calls}`, sessionToken: `t${calls}`, expiration: new Date(clock + 15 * 60_000) };
    };
    const p = publisher(server.callbackUrl, expiring, () => clock);
    const keyOf = (n: number) => /Credential=([^/]+)/.exec(String(server.received[n]!.headers.authorization))?.[1];

    await Promise.all([p.post('a', Buffer.from('1')), p.post('b', Buffer.from('2'))]);
    clock += 5 * 60_000; // 10 minutes left: still fresh
    await p.post('c', Buffer.from('3'));
    expect(calls).toBe(1);
    expect([keyOf(0), keyOf(1), keyOf(2)]).toEqual(['AKIDROLE1', 'AKIDROLE1', 'AKIDROLE1']);

    clock += 6 * 60_000; // 4 minutes left: inside the 5-minute refresh window
    await p.post('d', Buffer.from('4'));
    expect(calls).toBe(2);
    expect(keyOf(3)).toBe('AKIDROLE2');
    expect(server.received[3]!.headers['x-amz-security-token']).toBe('t2');
  });
  it('signs with a new day\'s key from midnight (UTC), and with refreshed credentials\' own key', async () => {
    const server = await loopback();
    onStop(server.stop);
    let clock = Date.parse('2030-01-01T23:59:59.500Z');
    let calls = 0;
    const issued: Credentials[] = [];
    const expiring = async (): Promise<Credentials> => {
      calls++;
      const c = { accessKeyId: `AKIDROLE${calls}`, secretAccessKey: `secret${calls}`, expiration: new Date(clock + 15 * 60_000) };
      issued.push(c);
      return c;
    };
    const p = publisher(server.callbackUrl, expiring, () => clock);
    await p.post('a', Buffer.from('1'));
    clock += 1000; // 2030-01-02T00:00:00.500Z
    await p.post('b', Buffer.from('2'));
    clock += 11 * 60_000; // inside the refresh window: new credentials, same day
    await p.post('c', Buffer.from('3'));

    const dates = server.received.map((r) => String(r.headers['x-amz-date']));
    expect(dates).toEqual(['20300101T235959Z', '20300102T000000Z', '20300102T001100Z']);
    expect(server.received.map((r) => /Credential=([^,]+)/.exec(String(r.headers.authorization))?.[1])).toEqual([
      'AKIDROLE1/20300101/us-east-1/execute-api/aws4_request',
      'AKIDROLE1/20300102/us-east-1/execute-api/aws4_request',
      'AKIDROLE2/20300102/us-east-1/execute-api/aws4_request',
    ]);
    await expectSdkSignature(server.received[0]!, issued[0]);
    await expectSdkSignature(server.received[1]!, issued[0]);
    await expectSdkSignature(server.received[2]!, issued[1]);
  });
});
