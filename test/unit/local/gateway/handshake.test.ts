import { connect } from 'node:net';
import WebSocket from 'ws';
import { AUTHORIZER_IDENTITY_SOURCE } from '../../../../lib/constructs/websocket-api';
import { closed, keysOf, nextMessage, open, recorder, reference, rejected, sleep, stoppedAfterEach } from './helpers';

const referenceMessage = reference('message.json');
const CLF = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
const ID = /^[A-Za-z0-9_-]{15}=$/;

describe('gateway handshake', () => {
  const { start } = stoppedAfterEach();

  it('runs $connect before the 101 and gives it API Gateway\'s CONNECT event', async () => {
    let answered = false;
    const connect = recorder(async () => {
      await sleep(30);
      answered = true;
      return { statusCode: 200 };
    });
    const gw = await start({ routes: { $connect: connect } });
    const ws = await open(`${gw.url}?token=abc&tag=a&tag=b`, { headers: { 'User-Agent': 'jest-agent', 'X-Custom': 'v' } });
    expect(answered).toBe(true);
    const event = connect.events[0];
    expect(keysOf(event)).toEqual(
      ['headers', 'isBase64Encoded', 'multiValueHeaders', 'multiValueQueryStringParameters', 'queryStringParameters', 'requestContext'],
    );
    // requestContext has every field of the captured event except messageId (messages only)
    const expectedKeys = keysOf(referenceMessage.requestContext).filter((k) => k !== 'messageId');
    expect(keysOf(event.requestContext)).toEqual(expectedKeys);
    const rc = event.requestContext;
    expect(rc).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'prod',
      apiId: 'abc123defg',
      domainName: 'abc123defg.execute-api.us-east-1.amazonaws.com',
      identity: { sourceIp: '127.0.0.1', userAgent: 'jest-agent' },
    });
    expect(keysOf(rc.identity)).toEqual(keysOf(referenceMessage.requestContext.identity));
    expect(rc.connectionId).toMatch(ID);
    expect(rc.requestId).toMatch(ID);
    expect(rc.extendedRequestId).toBe(rc.requestId);
    expect(rc.requestTime).toMatch(CLF);
    expect(typeof rc.requestTimeEpoch).toBe('number');
    expect(typeof rc.connectedAt).toBe('number');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.queryStringParameters).toEqual({ token: 'abc', tag: 'b' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['abc'], tag: ['a', 'b'] });
    expect(event.headers).toMatchObject({
      Host: `127.0.0.1:${gw.port}`,
      'X-Custom': 'v',
      'X-Forwarded-For': '127.0.0.1',
      'X-Forwarded-Port': String(gw.port),
      'X-Forwarded-Proto': 'http',
    });
    expect(event.headers['Sec-WebSocket-Key']).toBeDefined();
    expect(event.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.multiValueHeaders['X-Custom']).toEqual(['v']);
    expect(gw.connections()).toBe(1);
    expect(gw.lines.some((l) => new RegExp(`^gateway  connect ${rc.connectionId.replace(/[-=]/g, '\\$&')} \\(200, \\d+ ms\\)$`).test(l))).toBe(true);
    ws.close();
    await closed(ws);
  });

  it('leaves the query string parameters out when there is no query string, and accepts /', async () => {
    const connect = recorder();
    const gw = await start({ routes: { $connect: connect } });
    const ws = await open(gw.url.replace(/\/prod$/, '/'));
    expect(connect.events[0]).not.toHaveProperty('queryStringParameters');
    expect(connect.events[0]).not.toHaveProperty('multiValueQueryStringParameters');
    ws.close();
  });

  it('answers the $connect statusCode with no 101 when it is not 2xx', async () => {
    const gw = await start({ routes: { $connect: recorder(() => ({ statusCode: 401, body: 'no' })) } });
    const r = await rejected(gw.url);
    expect(r).toMatchObject({ status: 401, upgraded: false, body: 'no' });
    expect(gw.connections()).toBe(0);
    expect(gw.lines.some((l) => / rejected \(401, \d+ ms\)$/.test(l))).toBe(true);
  });

  it('answers 502 when $connect throws and 504 when it times out', async () => {
    const gw = await start({
      routes: { $connect: recorder((e) => (e.queryStringParameters?.slow ? sleep(300) : Promise.reject(new Error('boom')))) },
      limits: { integrationTimeoutMs: 80 },
    });
    const thrown = await rejected(gw.url);
    expect(thrown).toMatchObject({ status: 502, upgraded: false });
    expect(JSON.parse(thrown.body)).toEqual({ message: 'Internal server error' });
    const slow = await rejected(`${gw.url}?slow=1`);
    expect(slow).toMatchObject({ status: 504, upgraded: false });
    expect(JSON.parse(slow.body)).toEqual({ message: 'Endpoint request timed out' });
  });

  it('rejects other paths with 403 and plain HTTP on the stage with 426', async () => {
    const gw = await start({ routes: {} });
    expect((await rejected(`ws://127.0.0.1:${gw.port}/other`)).status).toBe(403);
    const res = await fetch(gw.callbackUrl);
    expect(res.status).toBe(426);
  });

  it('lets a requestHandler serve other paths on the same port', async () => {
    const gw = await start({
      routes: {},
      requestHandler: (req, res) => {
        if (req.url !== '/') return false;
        res.end('page');
        return true;
      },
    });
    expect(await (await fetch(`http://127.0.0.1:${gw.port}/`)).text()).toBe('page');
    expect((await fetch(`http://127.0.0.1:${gw.port}/nope`)).status).toBe(403);
  });

  describe('subprotocols', () => {
    it('echoes the Sec-WebSocket-Protocol that $connect returns', async () => {
      const connect = recorder((e) => ({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': e.headers['Sec-WebSocket-Protocol'].split(',')[1].trim() } }));
      const gw = await start({ routes: { $connect: connect } });
      const ws = await open(gw.url, { protocols: ['chat.v1', 'chat.v2'] });
      expect(ws.protocol).toBe('chat.v2');
      ws.close();
    });

    it('fails the client\'s handshake when $connect returns no subprotocol (as with AWS)', async () => {
      const gw = await start({ routes: { $connect: recorder() } });
      await expect(open(gw.url, { protocols: ['chat.v1'] })).rejects.toThrow(/no subprotocol/);
    });
  });

  describe('REQUEST authorizer', () => {
    const allow = (context: Record<string, unknown> = { userId: 'alice' }) =>
      recorder((e) => ({
        principalId: 'alice',
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: e.methodArn }] },
        context,
      }));

    it('runs first with the REQUEST event and passes principalId and context to every later event', async () => {
      const authorize = allow();
      const connect = recorder();
      const message = recorder();
      const gw = await start({
        routes: { $connect: connect, $default: message },
        authorizer: { identitySources: ['route.request.querystring.token'], invoke: (e) => authorize.invoke(e) },
      });
      const ws = await open(`${gw.url}?token=secret`);
      const a = authorize.events[0];
      expect(keysOf(a)).toEqual(
        ['headers', 'methodArn', 'multiValueHeaders', 'multiValueQueryStringParameters', 'queryStringParameters', 'requestContext', 'stageVariables', 'type'],
      );
      expect(a.type).toBe('REQUEST');
      expect(a.methodArn).toBe('arn:aws:execute-api:us-east-1:000000000000:abc123defg/prod/$connect');
      expect(a.stageVariables).toEqual({});
      expect(a.requestContext).toMatchObject({ routeKey: '$connect', eventType: 'CONNECT' });
      expect(a.requestContext.authorizer).toBeUndefined();
      expect(connect.events[0].requestContext.authorizer).toMatchObject({ principalId: 'alice', userId: 'alice' });
      ws.send('hello');
      const m = await message.next(1);
      expect(m.requestContext.authorizer).toMatchObject({ principalId: 'alice', userId: 'alice' });
      expect(typeof m.requestContext.authorizer.integrationLatency).toBe('number');
      expect(gw.lines.join('\n')).not.toContain('secret');
      ws.close();
      await closed(ws);
    });

    it('answers 401 without calling the authorizer when an identity source is missing', async () => {
      const authorize = allow();
      const connect = recorder();
      const gw = await start({
        routes: { $connect: connect },
        authorizer: { identitySources: ['route.request.header.Authorization'], invoke: authorize.invoke },
      });
      const r = await rejected(gw.url);
      expect(r).toMatchObject({ status: 401, upgraded: false });
      expect(JSON.parse(r.body)).toEqual({ message: 'Unauthorized' });
      expect(authorize.events).toHaveLength(0);
      expect(connect.events).toHaveLength(0);
    });

    it('with the stack\'s identity source (the Host header) calls the authorizer on every handshake, and answers 401 to one without Host', async () => {
      const authorize = allow();
      const gw = await start({ routes: { $connect: recorder() }, authorizer: { identitySources: [AUTHORIZER_IDENTITY_SOURCE], invoke: authorize.invoke } });
      const ws = await open(gw.url); // anonymous: no token anywhere, still authorized by the function
      expect(authorize.events).toHaveLength(1);
      ws.close();
      await closed(ws);
      const { port, pathname } = new URL(gw.url);
      const status = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(
          `GET ${pathname} HTTP/1.0\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        ));
        socket.once('data', (d) => { resolve(d.toString('latin1').split('\r\n')[0]!); socket.destroy(); });
        socket.once('error', reject);
      });
      expect(status).toMatch(/^HTTP\/1\.[01] 401 /);
      expect(authorize.events).toHaveLength(1);
    });

    it('answers 403 on a Deny, 401 on "Unauthorized", 500 on other errors or invalid answers; $connect not called', async () => {
      const connect = recorder();
      const answers: Record<string, (e: any) => unknown> = {
        deny: (e) => ({ principalId: 'x', policyDocument: { Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: e.methodArn }] } }),
        unauthorized: () => Promise.reject(new Error('Unauthorized')),
        crash: () => Promise.reject(new Error('boom')),
        invalid: () => ({ principalId: 'x' }),
      };
      const gw = await start({
        routes: { $connect: connect },
        authorizer: {
          identitySources: ['route.request.querystring.case'],
          invoke: async (e: any) => answers[e.queryStringParameters.case]!(e),
        },
      });
      const deny = await rejected(`${gw.url}?case=deny`);
      expect(deny).toMatchObject({ status: 403, upgraded: false });
      expect((await rejected(`${gw.url}?case=unauthorized`)).status).toBe(401);
      const crash = await rejected(`${gw.url}?case=crash`);
      expect(crash.status).toBe(500);
      expect(crash.headers['x-amzn-errortype']).toBe('AuthorizerConfigurationException');
      expect((await rejected(`${gw.url}?case=invalid`)).status).toBe(500);
      expect(connect.events).toHaveLength(0);
    });
  });

  it('invokes $disconnect when the client gives up during $connect', async () => {
    const disconnect = recorder();
    const connect = recorder(() => sleep(150).then(() => ({ statusCode: 200 })));
    const gw = await start({ routes: { $connect: connect, $disconnect: disconnect } });
    const ws = new WebSocket(gw.url);
    ws.on('error', () => undefined);
    await connect.next(1);
    ws.terminate();
    const event = await disconnect.next(1);
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    expect(gw.connections()).toBe(0);
  });

  it('keeps connectedAt and connectionId the same in every event of a connection', async () => {
    const connect = recorder();
    const message = recorder();
    const gw = await start({ routes: { $connect: connect, $default: message } });
    const ws = await open(gw.url);
    ws.send('x');
    const m = await message.next(1);
    expect(m.requestContext.connectedAt).toBe(connect.events[0].requestContext.connectedAt);
    expect(m.requestContext.connectionId).toBe(connect.events[0].requestContext.connectionId);
    expect(m.requestContext.requestId).not.toBe(connect.events[0].requestContext.requestId);
    void nextMessage;
    ws.close();
  });
});
