import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { waitUntil } from '../../../support/wait-until';
import { closed, gateway, managementClient, nextMessage, open, recorder, sleep, stoppedAfterEach } from './helpers';

describe('gateway management API', () => {
  const { start, onStop } = stoppedAfterEach();

  /** A gateway with one client; its connection id as $connect saw it. */
  async function connected(extra: Parameters<typeof gateway>[0]['routes'] = {}) {
    const connect = recorder();
    const disconnect = recorder();
    const gw = await start({ routes: { $connect: connect, $disconnect: disconnect, ...extra } });
    const ws = await open(gw.url, { headers: { 'User-Agent': 'agent/1.0' } });
    const id: string = connect.events[0].requestContext.connectionId;
    const client = managementClient(gw.callbackUrl);
    onStop(async () => client.destroy());
    return { gw, ws, id, client, disconnect };
  }

  it('PostToConnection delivers text as a text frame and answers 200', async () => {
    const { gw, ws, id, client } = await connected();
    const got = nextMessage(ws);
    const out = await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"type":"pong"}') }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(await got).toMatchObject({ text: '{"type":"pong"}', isBinary: false });
    expect(gw.lines).toContainEqual(`gateway  post ${id} 15 B`);
  });

  it('sends bytes that are not UTF-8 as a binary frame, and a 100 KB post in one message', async () => {
    const { ws, id, client } = await connected();
    let got = nextMessage(ws);
    await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from([0xff, 0xfe, 0x00]) }));
    expect(await got).toMatchObject({ isBinary: true });
    got = nextMessage(ws);
    const big = 'é'.repeat(50 * 1024); // 100 KB of 2-byte characters: split into 32 KB frames mid-character
    await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from(big) }));
    expect((await got).text).toBe(big);
  });

  it('answers 413 PayloadTooLargeException over 128 KB', async () => {
    const { id, client } = await connected();
    const err = await client
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(128 * 1024 + 1, 97) }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayloadTooLargeException);
    expect(err.$metadata.httpStatusCode).toBe(413);
    await expect(client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(128 * 1024, 97) }))).resolves.toBeDefined();
  });

  it('GetConnection answers ConnectedAt, Identity and LastActiveAt', async () => {
    const messages = recorder();
    const { ws, id, client } = await connected({ $default: messages });
    const before = await client.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(before.ConnectedAt).toBeInstanceOf(Date);
    expect(before.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent/1.0' });
    // The clock must have moved on (times are in ms) before the client talks.
    await waitUntil(() => Date.now() > before.LastActiveAt!.getTime(), 'the next millisecond');
    ws.send('hi');
    await messages.next(1);
    const after = await client.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(after.LastActiveAt!.getTime()).toBeGreaterThan(before.LastActiveAt!.getTime());
    expect(after.ConnectedAt!.getTime()).toBe(before.ConnectedAt!.getTime());
  });

  it('DeleteConnection answers 204, closes the socket and runs $disconnect', async () => {
    const { gw, ws, id, client, disconnect } = await connected();
    const done = closed(ws);
    const out = await client.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    await done;
    expect((await disconnect.next(1)).requestContext.connectionId).toBe(id);
    expect(gw.connections()).toBe(0);
  });

  it('answers 410 GoneException for unknown and closed connections', async () => {
    const { gw, ws, id, client } = await connected();
    const unknown = await client.send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=', Data: Buffer.from('x') })).catch((e) => e);
    expect(unknown).toBeInstanceOf(GoneException);
    expect(unknown.$metadata.httpStatusCode).toBe(410);
    ws.close();
    await closed(ws);
    await waitUntil(() => gw.connections() === 0, 'the gateway to see the close');
    for (const command of [
      new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('x') }),
      new GetConnectionCommand({ ConnectionId: id }),
      new DeleteConnectionCommand({ ConnectionId: id }),
    ]) {
      const err = await client.send(command as any).catch((e) => e);
      expect(err).toBeInstanceOf(GoneException);
      expect(err.$metadata.httpStatusCode).toBe(410);
    }
  });

  it('answers 410 to a post for a connection still in its handshake, as API Gateway does, and 200 once it is open', async () => {
    let callbackUrl = '';
    const during: number[] = [];
    const post = (id: string) =>
      managementClient(callbackUrl)
        .send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('hello') }))
        .then((r) => r.$metadata.httpStatusCode!, (e) => e.$metadata.httpStatusCode as number);
    const connect = recorder(async (event) => {
      during.push(await post(event.requestContext.connectionId)); // inside $connect
      return { statusCode: 200 };
    });
    const gw = await start({ routes: { $connect: connect }, faults: { connectDelayMs: 1000 } });
    callbackUrl = gw.callbackUrl;
    const opening = open(gw.url);
    const event = await connect.next(1);
    const id: string = event.requestContext.connectionId;
    // After $connect answered, while the handshake is held (connectDelayMs): still 410.
    while (!gw.lines.some((l) => l.includes(`post ${id} → 410 Gone`))) await sleep(5);
    const held = await post(id);
    const ws = await opening;
    const got = nextMessage(ws);
    expect(await post(id)).toBe(200);
    expect(await got).toMatchObject({ text: 'hello' });
    expect(during).toEqual([410]);
    expect(held).toBe(410);
    ws.close();
  });

  it('answers the AWS CLI\'s request shape (raw POST, %40 in the path) and 403 for other methods', async () => {
    const { ws, id, gw } = await connected();
    const got = nextMessage(ws);
    const url = `http://127.0.0.1:${gw.port}/prod/%40connections/${encodeURIComponent(id)}`;
    const res = await fetch(url, { method: 'POST', body: 'from cli', headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=x' } });
    expect(res.status).toBe(200);
    expect((await got).text).toBe('from cli');
    const gone = await fetch(`http://127.0.0.1:${gw.port}/prod/@connections/nope`, { method: 'POST', body: 'x' });
    expect(gone.status).toBe(410);
    expect(gone.headers.get('x-amzn-errortype')).toBe('GoneException');
    const put = await fetch(url, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
    expect(put.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
  });

  it('stop() closes every client with 1001, runs $disconnect for each, then refuses connections', async () => {
    const disconnect = recorder(() => sleep(20));
    const gw = await gateway({ routes: { $disconnect: disconnect } });
    const clients = await Promise.all([open(gw.url), open(gw.url), open(gw.url)]);
    expect(gw.connections()).toBe(3);
    const codes = Promise.all(clients.map(closed));
    await gw.stop();
    expect((await codes).map((c) => c.code)).toEqual([1001, 1001, 1001]);
    expect(disconnect.events).toHaveLength(3);
    expect(disconnect.events.every((e) => e.requestContext.disconnectStatusCode === 1001)).toBe(true);
    expect(gw.connections()).toBe(0);
    await expect(open(gw.url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
