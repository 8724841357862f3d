import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { PushClient, type WebSocketConstructor } from '../../../client/src';
import { LIFECYCLE_DETAIL_TYPES } from '../../../shared/events';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import type { GatewayFaults } from '../../../local/gateway/types';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { localTarget } from '../../support/target';
import { TestClient } from '../../support/ws-client';

const APP = 'npx tsx test/support/variant/talkback-app.ts';
const SEED_SENTENCE = "Hi server, please send me the score of yesterday's game";
const WATCH = 'lifecycle-watch';
/** Frames per connection and minute in these clouds: the rate-limit case sends one more. */
const MAX_PER_MINUTE = 5;

/**
 * The talk-back variant (test/support/variant/talkback-app.ts) on the local cloud: a responder answers
 * client messages with a `connectionId` push carrying `replyTo`; a watcher pushes every lifecycle event to
 * the channel `lifecycle-watch` and greets each new connection. Handshakes are held 3 s after `$connect`
 * (connectDelayMs), so the greeting meets API Gateway's 410 for a connection still in its handshake.
 */
describe('talking back: client messages, replies and lifecycle events', () => {
  let cloud: TestCloud;
  let watcher: TestClient;
  // dropDisconnectRate: active (so the gateway consults it) but dropping nothing until a test sets it to 1.
  const faults: { -readonly [K in keyof GatewayFaults]: GatewayFaults[K] } = { connectDelayMs: 3000, dropDisconnectRate: 1e-12, seed: 7 };
  beforeAll(async () => {
    cloud = await startTestCloud({
      app: APP,
      context: { maxMessagesPerMinute: String(MAX_PER_MINUTE) },
      faults,
    });
    watcher = await TestClient.connect(cloud.webSocketUrl);
    await watcher.subscribe(WATCH);
  }, 180_000);
  afterAll(async () => {
    watcher?.close();
    await cloud?.stop();
  });

  const watched = (detailType: string, connectionId: string) =>
    watcher.next((m) => m.type === 'message' && m.channel === WATCH && m.data.detailType === detailType && m.data.detail.connectionId === connectionId, 15_000);

  it("answers the seed's sentence, sent as a plain text frame, with the score", async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    c.send(SEED_SENTENCE);
    const answer = await c.next((m) => m.type === 'message' && m.data?.score, 15_000);
    expect(answer.data.score).toBe('Lions 3, Tigers 1');
    expect(answer.data.received).toEqual({
      connectionId: expect.any(String),
      text: SEED_SENTENCE,
      receivedAt: expect.any(Number),
    });
    expect(answer.replyTo).toBeUndefined(); // a plain text frame has no id to answer
    expect(c.frames.filter((m) => m.type === 'error')).toEqual([]);
    c.close();
  });

  it('carries the request id back as replyTo; a forged userId in the frame never reaches the event', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    c.send({ action: 'score', id: 'q-1', game: 'yesterday', userId: 'admin' });
    const answer = await c.next((m) => m.type === 'message' && m.replyTo === 'q-1', 15_000);
    expect(answer.data.score).toBe('Lions 3, Tigers 1');
    const received = answer.data.received;
    expect(received).toMatchObject({ action: 'score', requestId: 'q-1', json: { action: 'score', id: 'q-1', game: 'yesterday', userId: 'admin' } });
    expect('userId' in received).toBe(false);
    c.close();
  });

  it('request() of the client resolves with its reply; one made before the connection opened is sent once it is', async () => {
    const client = new PushClient({ url: cloud.webSocketUrl, WebSocket: WebSocket as unknown as WebSocketConstructor });
    try {
      const early = client.request('score', { game: 'yesterday' }, { timeoutMs: 20_000 }); // still connecting
      const reply = await early;
      expect(reply.replyTo).toEqual(expect.any(String));
      expect(reply.data).toMatchObject({ score: 'Lions 3, Tigers 1', received: { action: 'score', requestId: reply.replyTo, json: { data: { game: 'yesterday' } } } });
      const second = await client.request('whoami', undefined, { timeoutMs: 20_000 });
      expect(second.replyTo).not.toBe(reply.replyTo);
      expect(second.data).toMatchObject({ received: { action: 'whoami' } });
    } finally {
      client.close();
    }
  });

  it('greets a new connection although the push meets its handshake (410), then reports it connected and disconnected', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    const greeting = await c.next((m) => m.type === 'message' && m.data?.greeting === 'welcome', 15_000);
    expect(greeting.replyTo).toBeUndefined();
    c.send({ action: 'whoami', id: 'w-1' });
    const id: string = (await c.next((m) => m.replyTo === 'w-1', 15_000)).data.received.connectionId;
    const connected = await watched(LIFECYCLE_DETAIL_TYPES.connected, id);
    expect(connected.data.detail).toEqual({ connectionId: id, connectedAt: expect.any(Number) });
    // The greeting was posted while the handshake was held: 410, retried, not removed.
    expect(cloud.lines.some((l) => l.includes(`post ${id} → 410 Gone`))).toBe(true);
    c.send({ action: 'subscribe', channel: 'still-registered' });
    expect(await c.next((m) => m.type === 'subscribed')).toMatchObject({ channel: 'still-registered' });

    c.ws.close(4000, 'done here');
    const disconnected = await watched(LIFECYCLE_DETAIL_TYPES.disconnected, id);
    expect(disconnected.data.detail).toEqual({ connectionId: id, statusCode: 4000, reason: 'done here' });
  });

  it("announces a channel's first subscriber in and its last one out once each, also when the last one vanished", async () => {
    const channelEvents = (channel: string) =>
      watcher.frames.filter((m) => m.type === 'message' && m.channel === WATCH && m.data.detail.channel === channel).map((m) => m.data.detailType);
    const channelEvent = (detailType: string, channel: string) =>
      watcher.next((m) => m.type === 'message' && m.channel === WATCH && m.data.detailType === detailType && m.data.detail.channel === channel, 15_000);
    const room = `room-${randomUUID().slice(0, 8)}`;
    const [a, b] = [await TestClient.connect(cloud.webSocketUrl), await TestClient.connect(cloud.webSocketUrl)];
    await a.subscribe(room);
    const occupied = await channelEvent(LIFECYCLE_DETAIL_TYPES.channelOccupied, room);
    expect(occupied.data.detail).toEqual({ connectionId: expect.any(String), channel: room });
    await b.subscribe(room);
    a.send({ action: 'unsubscribe', channel: room });
    await a.next((m) => m.type === 'unsubscribed');
    await cloud.idle();
    expect(channelEvents(room)).toEqual([LIFECYCLE_DETAIL_TYPES.channelOccupied]); // b was not first, a was not last
    b.close();
    const vacated = await channelEvent(LIFECYCLE_DETAIL_TYPES.channelVacated, room);
    expect(vacated.data.detail).toEqual({ connectionId: expect.any(String), channel: room });
    expect(vacated.data.detail.connectionId).not.toBe(occupied.data.detail.connectionId);
    a.close();

    // The last subscriber vanishes without $disconnect: the channel is vacated when a push meets its 410.
    const lonely = `room-${randomUUID().slice(0, 8)}`;
    const c = await TestClient.connect(cloud.webSocketUrl);
    await c.subscribe(lonely);
    await channelEvent(LIFECYCLE_DETAIL_TYPES.channelOccupied, lonely);
    faults.dropDisconnectRate = 1;
    try {
      c.close();
      await c.closed();
      await cloud.idle();
    } finally {
      faults.dropDisconnectRate = 1e-12;
    }
    expect(channelEvents(lonely)).toEqual([LIFECYCLE_DETAIL_TYPES.channelOccupied]);
    await localTarget(cloud).publish({ channel: lonely, data: 'anyone?' });
    await channelEvent(LIFECYCLE_DETAIL_TYPES.channelVacated, lonely);
    await cloud.idle();
    expect(channelEvents(lonely)).toEqual([LIFECYCLE_DETAIL_TYPES.channelOccupied, LIFECYCLE_DETAIL_TYPES.channelVacated]);
  });

  it('a rate-limited client message gets RateLimited and does not reach the bus', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    // Sent at once: all in one calendar minute (the limit's window), one more than allowed.
    for (let i = 1; i <= MAX_PER_MINUTE + 1; i++) c.send({ action: 'count', id: `n-${i}` });
    expect(await c.next((m) => m.type === 'error', 15_000)).toMatchObject({ code: 'RateLimited' });
    for (let i = 1; i <= MAX_PER_MINUTE; i++) await c.next((m) => m.replyTo !== undefined, 15_000);
    await cloud.idle();
    // Which frame was refused depends on the order the $default invocations ran in; exactly one was.
    expect(c.frames.filter((m) => m.type === 'message' && m.replyTo?.startsWith('n-'))).toHaveLength(MAX_PER_MINUTE);
    expect(c.frames.filter((m) => m.type === 'error')).toHaveLength(1);
    c.close();
  });

  it('a message too big for one EventBridge entry gets MessageTooLarge and does not reach the bus', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    // Quotes double when escaped as JSON: under the 128 KB frame limit, over the 256 KB entry limit.
    const text = '"'.repeat(MAX_MESSAGE_BYTES - 8);
    const parts = 5;
    const size = Math.ceil(text.length / parts);
    for (let i = 0; i < parts; i++) c.ws.send(text.slice(i * size, (i + 1) * size), { fin: i === parts - 1 });
    expect(await c.next((m) => m.type === 'error', 15_000)).toMatchObject({ code: 'MessageTooLarge' });
    c.send({ action: 'after', id: 'a-1' });
    await c.next((m) => m.replyTo === 'a-1', 15_000);
    await cloud.idle();
    // Besides the watcher's greeting, only the answer to the frame after it.
    expect(c.frames.filter((m) => m.type === 'message' && m.data?.received).map((m) => m.replyTo)).toEqual(['a-1']);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.close();
  });
});

describe('talking back, configured off', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ app: APP, context: { clientMessages: 'false', lifecycleEvents: 'false' } });
  }, 180_000);
  afterAll(() => cloud?.stop());

  it("client messages get today's typed errors and lifecycle events are not put", async () => {
    const watcher = await TestClient.connect(cloud.webSocketUrl);
    await watcher.subscribe(WATCH);
    const c = await TestClient.connect(cloud.webSocketUrl);
    c.send(SEED_SENTENCE);
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'InvalidJson' });
    c.send({ action: 'score', id: 'q-1' });
    expect(await c.next((m) => m.type === 'error' && m.code !== 'InvalidJson')).toMatchObject({ code: 'UnknownAction' });
    c.send({ action: 'subscribe', channel: 'x y' });
    expect(await c.next((m) => m.type === 'error' && m.code === 'InvalidChannel')).toBeDefined();
    await c.subscribe('quiet-room'); // no ChannelOccupied, nor its ChannelVacated at the close
    c.close();
    await c.closed();
    await cloud.idle();
    expect(c.messages()).toEqual([]);
    expect(watcher.messages()).toEqual([]);
    watcher.close();
  });
});
