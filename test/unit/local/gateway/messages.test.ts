import { waitUntil } from '../../../support/wait-until';
import { closed, keysOf, nextMessage, open, recorder, reference, sleep, stoppedAfterEach } from './helpers';

describe('gateway messages', () => {
  const { start } = stoppedAfterEach();

  it('gives $default a MESSAGE event shaped like the captured one', async () => {
    const message = recorder();
    const gw = await start({ routes: { $default: message } });
    const ws = await open(gw.url, { headers: { 'User-Agent': 'ua' } });
    const body = '{\r\n\t"a": 1\r\n}';
    ws.send(body);
    const event = await message.next(1);
    const ref = reference('message.json');
    expect(keysOf(event)).toEqual(keysOf(ref));
    expect(keysOf(event.requestContext)).toEqual(keysOf(ref.requestContext));
    expect(keysOf(event.requestContext.identity)).toEqual(keysOf(ref.requestContext.identity));
    for (const k of Object.keys(ref.requestContext)) expect(typeof event.requestContext[k]).toBe(typeof ref.requestContext[k]);
    expect(event.body).toBe(body);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({ routeKey: '$default', eventType: 'MESSAGE', messageDirection: 'IN', identity: { userAgent: 'ua' } });
    expect(event.requestContext.messageId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    ws.close();
  });

  it('routes by the selection expression: custom route, $default for unknown actions and non-JSON', async () => {
    const subscribe = recorder(undefined, { name: 'SubscribeFunction' });
    const fallback = recorder();
    const gw = await start({ routes: { subscribe, $default: fallback } });
    const ws = await open(gw.url);
    ws.send(JSON.stringify({ action: 'subscribe', channel: 'scores' }));
    expect((await subscribe.next(1)).requestContext.routeKey).toBe('subscribe');
    ws.send(JSON.stringify({ action: 'dance' }));
    expect((await fallback.next(1)).requestContext.routeKey).toBe('$default');
    ws.send('not json');
    expect((await fallback.next(2)).body).toBe('not json');
    ws.send(JSON.stringify({ action: '$connect' }));
    expect((await fallback.next(3)).requestContext.routeKey).toBe('$default');
    expect(gw.lines).toContainEqual(expect.stringMatching(/^gateway  route subscribe \S+ → SubscribeFunction$/));
    expect(gw.lines.join('\n')).not.toContain('scores');
    ws.close();
  });

  it('logs a routed frame only when asked (logFrames), and a frame with no route always', async () => {
    const subscribe = recorder(undefined, { name: 'SubscribeFunction' });
    const gw = await start({ routes: { subscribe }, logFrames: false });
    const ws = await open(gw.url);
    ws.send(JSON.stringify({ action: 'subscribe', channel: 'scores' }));
    await subscribe.next(1);
    const forbidden = nextMessage(ws);
    ws.send(JSON.stringify({ action: 'other' }));
    await forbidden;
    expect(gw.lines.filter((l) => l.startsWith('gateway  route'))).toEqual([expect.stringMatching(/^gateway  route other \S+ → no route \(Forbidden\)$/)]);
    ws.close();
  });

  it('selects on nested paths', async () => {
    const kind = recorder();
    const gw = await start({ routeSelectionExpression: '$request.body.meta.kind', routes: { deep: kind } });
    const ws = await open(gw.url);
    ws.send(JSON.stringify({ meta: { kind: 'deep' } }));
    expect((await kind.next(1)).requestContext.routeKey).toBe('deep');
    ws.close();
  });

  it('answers a Forbidden frame when no route matches and there is no $default', async () => {
    const gw = await start({ routes: { subscribe: recorder() } });
    const ws = await open(gw.url);
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ action: 'other' }));
    const { text } = await reply;
    expect(text).toMatch(/^\{"message": "Forbidden", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$/);
    expect(ws.readyState).toBe(ws.OPEN);
    ws.close();
  });

  it('sends the integration body back only for routes with a route response', async () => {
    const twoWay = recorder(() => ({ statusCode: 200, body: '{"type":"pong"}' }), { returnResponse: true });
    const oneWay = recorder(() => ({ statusCode: 200, body: 'ignored' }));
    const gw = await start({ routes: { ping: twoWay, $default: oneWay } });
    const ws = await open(gw.url);
    const reply = nextMessage(ws);
    ws.send('{"action":"ping"}');
    expect((await reply).text).toBe('{"type":"pong"}');
    ws.send('{"action":"x"}');
    await oneWay.next(1);
    // Had the one-way route answered, its frame would come before the next two-way reply.
    const next = nextMessage(ws);
    ws.send('{"action":"ping"}');
    expect((await next).text).toBe('{"type":"pong"}');
    ws.close();
  });

  it('answers an Internal server error frame when the integration fails, and keeps the connection', async () => {
    let fail = true;
    const flaky = recorder(() => (fail ? Promise.reject(new Error('boom')) : { statusCode: 200, body: 'ok' }), { returnResponse: true });
    const gw = await start({ routes: { $default: flaky } });
    const ws = await open(gw.url);
    let reply = nextMessage(ws);
    ws.send('a');
    const err = JSON.parse((await reply).text);
    expect(err).toEqual({ message: 'Internal server error', connectionId: expect.any(String), requestId: flaky.events[0].requestContext.requestId });
    expect(err.connectionId).toBe(flaky.events[0].requestContext.connectionId);
    fail = false;
    reply = nextMessage(ws);
    ws.send('b');
    expect((await reply).text).toBe('ok');
  });

  it('answers "Endpoint request timed out" when the integration is too slow', async () => {
    const slow = recorder(() => sleep(300));
    const gw = await start({ routes: { $default: slow }, limits: { integrationTimeoutMs: 50 } });
    const ws = await open(gw.url);
    const reply = nextMessage(ws);
    ws.send('a');
    expect(JSON.parse((await reply).text).message).toBe('Endpoint request timed out');
    ws.close();
  });

  describe('limits', () => {
    it('closes with 1009 on a frame over 32 KB and reports it to $disconnect', async () => {
      const disconnect = recorder();
      const message = recorder();
      const gw = await start({ routes: { $default: message, $disconnect: disconnect } });
      const ws = await open(gw.url);
      const done = closed(ws);
      ws.send('x'.repeat(32 * 1024 + 1));
      expect((await done).code).toBe(1009);
      expect((await disconnect.next(1)).requestContext.disconnectStatusCode).toBe(1009);
      expect(message.events).toHaveLength(0);
    });

    it('accepts a 40 KB message in two frames, and closes with 1009 past 128 KB in total', async () => {
      const message = recorder();
      const gw = await start({ routes: { $default: message } });
      const ws = await open(gw.url);
      const part = 'y'.repeat(20 * 1024);
      ws.send(part, { fin: false });
      ws.send(part, { fin: true });
      expect((await message.next(1)).body).toHaveLength(40 * 1024);
      const done = closed(ws);
      for (let i = 0; i < 5; i++) ws.send('z'.repeat(30 * 1024), { fin: i === 4 });
      expect((await done).code).toBe(1009);
      expect(message.events).toHaveLength(1);
    });

    it('closes with 1003 on a binary frame', async () => {
      const gw = await start({ routes: { $default: recorder() } });
      const ws = await open(gw.url);
      const done = closed(ws);
      ws.send(Buffer.from([1, 2, 3]));
      expect((await done).code).toBe(1003);
    });

    it('closes an idle connection with 1001; client messages keep it alive', async () => {
      const disconnect = recorder();
      const gw = await start({ routes: { $default: recorder(), $disconnect: disconnect }, limits: { idleTimeoutMs: 120 } });
      const ws = await open(gw.url);
      const done = closed(ws);
      for (let i = 0; i < 4; i++) {
        await sleep(60);
        ws.send('keepalive');
      }
      expect(ws.readyState).toBe(ws.OPEN);
      const t = Date.now();
      const { code, reason } = await done;
      expect(code).toBe(1001);
      expect(reason).toBe('Going away');
      expect(Date.now() - t).toBeGreaterThanOrEqual(80);
      const event = await disconnect.next(1);
      expect(event.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
    });

    it('closes every connection with 1001 at the maximum duration, even when active', async () => {
      const gw = await start({ routes: { $default: recorder() }, limits: { maxConnectionMs: 200 } });
      const ws = await open(gw.url);
      const t = Date.now();
      const done = closed(ws);
      const keep = setInterval(() => ws.readyState === ws.OPEN && ws.send('x'), 30);
      const { code } = await done;
      clearInterval(keep);
      expect(code).toBe(1001);
      expect(Date.now() - t).toBeGreaterThanOrEqual(150);
    });
  });

  it('invokes $disconnect with the client\'s close code and reason, shaped like the captured event', async () => {
    const connect = recorder();
    const disconnect = recorder();
    const gw = await start({ routes: { $connect: connect, $disconnect: disconnect } });
    const ws = await open(gw.url);
    ws.close(4000, 'bye');
    const event = await disconnect.next(1);
    const ref = reference('disconnect.json');
    expect(keysOf(event)).toEqual(keysOf(ref));
    expect(keysOf(event.requestContext)).toEqual(keysOf(ref.requestContext));
    expect(keysOf(event.headers)).toEqual(keysOf(ref.headers));
    expect(event.headers.Host).toBe('abc123defg.execute-api.us-east-1.amazonaws.com');
    expect(event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode: 4000,
      disconnectReason: 'bye',
      connectionId: connect.events[0].requestContext.connectionId,
      connectedAt: connect.events[0].requestContext.connectedAt,
    });
    expect(gw.lines).toContainEqual(expect.stringMatching(/^gateway  disconnect \S+ 4000$/));
    expect(gw.connections()).toBe(0);
  });

  it('logs $disconnect failures without throwing', async () => {
    const gw = await start({ routes: { $disconnect: recorder(() => Promise.reject(new Error('db down'))) } });
    const ws = await open(gw.url);
    ws.close();
    await closed(ws);
    await waitUntil(() => gw.lines.some((l) => /\$disconnect \S+ failed/.test(l)), 'the $disconnect failure in the log');
    expect(gw.lines).toContainEqual(expect.stringMatching(/\$disconnect \S+ failed: db down/));
  });
});
