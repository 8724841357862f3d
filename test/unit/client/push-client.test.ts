import { PushClient, type WebSocketConstructor, type WebSocketLike } from '../../../client/src';
import type { ChannelMessage } from '../../../client/src/channel-stream';

/** A scripted WebSocket: the test plays the server. */
class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: any[] = [];
  closedWith?: number;
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(readonly url: string, readonly protocols?: string | string[]) {
    FakeSocket.all.push(this);
  }
  send(data: string) { this.sent.push(JSON.parse(data)); }
  close(code = 1000) { this.closedWith = code; this.readyState = 3; }
  open() { this.readyState = 1; this.onopen?.({}); }
  receive(frame: unknown) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  drop(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: '' }); }
}
const WS = FakeSocket as unknown as WebSocketConstructor;
const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;
const msg = (seq: number) => ({ type: 'message', channel: 'c', id: `e${seq}`, seq, data: seq });

describe('PushClient (fake socket, fake timers)', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  function started(options: Partial<ConstructorParameters<typeof PushClient>[0]> = {}) {
    const received: ChannelMessage[] = [];
    const states: string[] = [];
    const client = new PushClient({ url: 'ws://x/prod', WebSocket: WS, random: () => 1, catchUpDelayMs: 0, ...options });
    client.on('state', (s) => states.push(s));
    client.subscribe('c', (m) => received.push(m));
    return { client, received, states };
  }

  it('puts the token in the query string or the subprotocols', async () => {
    new PushClient({ url: 'ws://x/prod', WebSocket: WS, token: 'a.b.c' });
    await jest.advanceTimersByTimeAsync(0);
    expect(last().url).toBe('ws://x/prod?token=a.b.c');
    new PushClient({ url: 'ws://x/prod', WebSocket: WS, token: 'a.b.c', tokenTransport: 'subprotocol' });
    await jest.advanceTimersByTimeAsync(0);
    expect(last().url).toBe('ws://x/prod');
    expect(last().protocols).toEqual(['websocket-push', 'a.b.c']);
  });

  it('reconnects with growing jittered backoff and resumes from the last seq', async () => {
    const { received, states } = started({ backoff: { initialDelayMs: 100, maxDelayMs: 1000 } });
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    expect(last().sent).toEqual([{ action: 'subscribe', channel: 'c' }]);
    last().receive({ type: 'subscribed', channel: 'c', seq: 10 });
    last().receive(msg(11));
    last().drop();
    expect(states).toEqual(['connecting', 'open', 'reconnecting']);
    await jest.advanceTimersByTimeAsync(99);
    expect(FakeSocket.all).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    last().drop(); // fails again before opening: the next delay doubles
    await jest.advanceTimersByTimeAsync(199);
    expect(FakeSocket.all).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    last().open();
    expect(last().sent).toEqual([{ action: 'subscribe', channel: 'c', since: 11 }]);
    last().receive(msg(13)); // live, ahead of the replay
    last().receive({ type: 'replay', channel: 'c', messages: [msg(12), msg(13)], last: 13, more: false });
    expect(received.map((m) => m.seq)).toEqual([11, 12, 13]);
    expect(states[states.length - 1]).toBe('open');
  });

  it('pings on the heartbeat interval', async () => {
    started({ heartbeatIntervalMs: 1000 });
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    await jest.advanceTimersByTimeAsync(2500);
    expect(last().sent.filter((f) => f.action === 'ping')).toHaveLength(2);
  });

  it('asks for a missing seq when the hole lasts', async () => {
    const { received } = started({ holeTimeoutMs: 500 });
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    last().receive({ type: 'subscribed', channel: 'c', seq: 0 });
    last().receive(msg(2));
    await jest.advanceTimersByTimeAsync(500);
    expect(last().sent[last().sent.length - 1]).toEqual({ action: 'subscribe', channel: 'c', since: 0 });
    last().receive({ type: 'replay', channel: 'c', messages: [msg(1), msg(2)], last: 2, more: false });
    expect(received.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('replaces the connection before its age limit: new one resumed first, then the old one closed', async () => {
    const { received, states } = started({ maxConnectionAgeMs: 10_000 });
    await jest.advanceTimersByTimeAsync(0);
    const old = last();
    old.open();
    old.receive({ type: 'subscribed', channel: 'c', seq: 0 });
    old.receive(msg(1));
    await jest.advanceTimersByTimeAsync(10_000);
    const fresh = last();
    expect(fresh).not.toBe(old);
    fresh.open();
    expect(fresh.sent).toEqual([{ action: 'subscribe', channel: 'c', since: 1 }]);
    old.receive(msg(2)); // the old connection still delivers meanwhile
    expect(old.closedWith).toBeUndefined();
    fresh.receive(msg(2)); // live on both: once
    fresh.receive({ type: 'replay', channel: 'c', messages: [msg(2)], last: 2, more: false });
    expect(old.closedWith).toBe(1000);
    expect(received.map((m) => m.seq)).toEqual([1, 2]);
    expect(states).not.toContain('reconnecting');
    old.drop(1000); // its close event changes nothing
    expect(states).not.toContain('reconnecting');
    expect(client(states)).toBe('open');
  });

  it('reports a gap and carries on after it', async () => {
    const { received, client } = started();
    const gaps: unknown[] = [];
    client.on('gap', (g) => gaps.push(g));
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    last().receive({ type: 'subscribed', channel: 'c', seq: 0 });
    last().drop();
    await jest.advanceTimersByTimeAsync(1000);
    last().open();
    last().receive({ type: 'gap', channel: 'c', from: 1, to: 4, last: 6 });
    expect(gaps).toEqual([{ channel: 'c', from: 1, to: 4 }]);
    expect(last().sent[last().sent.length - 1]).toEqual({ action: 'subscribe', channel: 'c', since: 4 });
    last().receive({ type: 'replay', channel: 'c', messages: [msg(5), msg(6)], last: 6, more: false });
    expect(received.map((m) => m.seq)).toEqual([5, 6]);
  });

  it('send() frames an action for services; one sent while reconnecting goes once the new connection is open', async () => {
    const { client } = started({ backoff: { initialDelayMs: 100, maxDelayMs: 100 } });
    client.send('early', { n: 0 }); // before the first connection opened
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    client.send('chat', { text: 'hi' });
    expect(last().sent).toEqual([{ action: 'subscribe', channel: 'c' }, { action: 'early', data: { n: 0 } }, { action: 'chat', data: { text: 'hi' } }]);
    last().drop();
    client.send('later');
    await jest.advanceTimersByTimeAsync(100);
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ action: 'subscribe', channel: 'c' }, { action: 'later' }]);
    expect(() => client.send('subscribe', {})).toThrow(expect.objectContaining({ name: 'PushClientError', code: 'InvalidOption' }));
    expect(() => client.send('')).toThrow(expect.objectContaining({ code: 'InvalidOption' }));
  });

  it('request() resolves with the reply carrying its id, which is not emitted as a message; others are', async () => {
    const { client } = started();
    const messages: unknown[] = [];
    client.on('message', (m) => messages.push(m));
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    const reply = client.request('score', { game: 'yesterday' });
    const frame = last().sent[1];
    expect(frame).toEqual({ action: 'score', id: expect.any(String), data: { game: 'yesterday' } });
    last().receive({ type: 'message', id: 'e-other', replyTo: 'someone-else', data: 0 });
    last().receive({ type: 'message', id: 'e-1', replyTo: frame.id, data: { score: '3-1' } });
    await expect(reply).resolves.toEqual({ id: 'e-1', replyTo: frame.id, data: { score: '3-1' } });
    expect(messages).toEqual([{ id: 'e-other', data: 0 }]);
  });

  it('request() sent while reconnecting is sent once open, and resolves', async () => {
    const { client } = started({ backoff: { initialDelayMs: 100, maxDelayMs: 100 } });
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    last().drop();
    const reply = client.request('score');
    await jest.advanceTimersByTimeAsync(100);
    last().open();
    const frame = last().sent.find((f: { action: string }) => f.action === 'score');
    expect(frame).toEqual({ action: 'score', id: expect.any(String) });
    last().receive({ type: 'message', id: 'e-2', replyTo: frame.id, data: 'ok' });
    await expect(reply).resolves.toMatchObject({ data: 'ok' });
  });

  it('request() rejects with RequestTimeout, and with ClientClosed when the client is closed first', async () => {
    const { client } = started();
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    const timedOut = client.request('slow', undefined, { timeoutMs: 500 });
    const check = expect(timedOut).rejects.toMatchObject({ name: 'PushClientError', code: 'RequestTimeout' });
    await jest.advanceTimersByTimeAsync(500);
    await check;
    const cut = client.request('slow');
    client.close();
    await expect(cut).rejects.toMatchObject({ code: 'ClientClosed' });
  });

  it('close() stops reconnecting', async () => {
    const { client, states } = started();
    await jest.advanceTimersByTimeAsync(0);
    last().open();
    client.close();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(states[states.length - 1]).toBe('closed');
  });
});

function client(states: string[]): string {
  return states[states.length - 1]!;
}
