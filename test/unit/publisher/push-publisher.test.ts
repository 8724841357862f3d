import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { PUBLISHER_ENV, PUSH_DETAIL_TYPE } from '../../../shared/events';
import { PublishError, PushPublisher, PUT_EVENTS_MAX_BYTES, type PutEventsSender } from '../../../publisher';
import { batches } from '../../../publisher/push-publisher';

type Entry = NonNullable<PutEventsCommand['input']['Entries']>[number];

/**
 * A scripted PutEvents answerer. A fake on purpose: the local EventBridge (the real part, see
 * test/integration/publisher) never throttles single entries, and these cases are about the answers.
 */
function scripted(answer: (entry: Entry, call: number) => { EventId?: string; ErrorCode?: string; ErrorMessage?: string }) {
  const calls: Entry[][] = [];
  const sender: PutEventsSender = {
    async send(command) {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      return { Entries: entries.map((e) => answer(e, calls.length)) };
    },
  };
  return { sender, calls };
}

const ok = (_e: Entry, call: number) => ({ EventId: `id-${call}-${Math.random().toString(36).slice(2, 8)}` });

describe('PushPublisher', () => {
  it('publishes each audience as the push function expects it', async () => {
    const { sender, calls } = scripted(ok);
    const p = new PushPublisher({ client: sender, eventBusName: 'bus-1', source: 'shop.orders' });
    await p.toChannel('scores', { home: 1 });
    await p.toUser('alice', 'hi');
    await p.toConnection('abc=', [1]);
    await p.toEveryone(null);
    expect(calls.map((c) => c.length)).toEqual([1, 1, 1, 1]);
    expect(calls.map(([e]) => JSON.parse(e!.Detail!))).toEqual([
      { channel: 'scores', data: { home: 1 } },
      { userId: 'alice', data: 'hi' },
      { connectionId: 'abc=', data: [1] },
      { broadcast: true, data: null },
    ]);
    for (const [e] of calls) expect(e).toMatchObject({ EventBusName: 'bus-1', Source: 'shop.orders', DetailType: PUSH_DETAIL_TYPE });
  });

  it('takes the bus from WEBSOCKET_PUSH_EVENT_BUS when none is given', async () => {
    const before = process.env[PUBLISHER_ENV.EVENT_BUS];
    process.env[PUBLISHER_ENV.EVENT_BUS] = 'from-env';
    try {
      const { sender, calls } = scripted(ok);
      await new PushPublisher({ client: sender }).toChannel('a', 1);
      expect(calls[0]![0]!.EventBusName).toBe('from-env');
    } finally {
      if (before === undefined) delete process.env[PUBLISHER_ENV.EVENT_BUS];
      else process.env[PUBLISHER_ENV.EVENT_BUS] = before;
    }
  });

  it.each([
    ['no audience', { data: 1 }, 'NoAudience'],
    ['two audiences', { channel: 'a', userId: 'b', data: 1 }, 'MultipleAudiences'],
    ['a bad channel name', { channel: 'has space', data: 1 }, 'InvalidAudience'],
    ['no data', { channel: 'a' }, 'MissingData'],
    ['an unknown field', { channel: 'a', data: 1, colour: 'red' }, 'UnknownField'],
    ['a message over 128 KB once framed', { channel: 'a', data: 'x'.repeat(MAX_MESSAGE_BYTES) }, 'MessageTooLarge'],
  ])('refuses %s before calling EventBridge', async (_name, detail, reason) => {
    const { sender, calls } = scripted(ok);
    const error = await new PushPublisher({ client: sender }).publish(detail as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ name: 'PublishError', code: 'InvalidDetail', reason });
    expect((error as Error).message).toMatch(/^Not published: /);
    expect(calls).toEqual([]);
  });

  it('accepts a message just under the framed limit', async () => {
    const { sender, calls } = scripted(ok);
    const overhead = JSON.stringify({ type: 'message', channel: 'a', id: '00000000-0000-0000-0000-000000000000', data: '' }).length;
    await new PushPublisher({ client: sender }).toChannel('a', 'x'.repeat(MAX_MESSAGE_BYTES - overhead));
    expect(calls).toHaveLength(1);
  });

  it('batches by 10 entries and keeps results in order, invalid details included', async () => {
    const { sender, calls } = scripted(ok);
    const details = Array.from({ length: 23 }, (_, i) => (i === 5 ? { data: 'no audience' } : { channel: `c${i}`, data: i }));
    const results = await new PushPublisher({ client: sender }).publishAll(details as never);
    expect(calls.map((c) => c.length)).toEqual([10, 10, 2]);
    expect(results).toHaveLength(23);
    expect(results[5]).toMatchObject({ ok: false, error: { code: 'InvalidDetail', reason: 'NoAudience' } });
    expect(results.filter((r) => r.ok)).toHaveLength(22);
    expect(calls.flat().map((e) => JSON.parse(e.Detail!).data)).toEqual(details.map((_, i) => i).filter((i) => i !== 5));
  });

  it('keeps each call under 256 KB', async () => {
    const { sender, calls } = scripted(ok);
    const big = 'x'.repeat(100 * 1024);
    await new PushPublisher({ client: sender }).publishAll([1, 2, 3, 4, 5].map((i) => ({ channel: `c${i}`, data: big })));
    expect(calls.map((c) => c.length)).toEqual([2, 2, 1]);
    for (const call of calls) {
      const size = call.reduce((n, e) => n + Buffer.byteLength(e.Source!) + Buffer.byteLength(e.DetailType!) + Buffer.byteLength(e.Detail!), 0);
      expect(size).toBeLessThanOrEqual(PUT_EVENTS_MAX_BYTES);
    }
  });

  it('splits batches by count and by size', () => {
    expect(batches([]).length).toBe(0);
    expect(batches(Array.from({ length: 21 }, () => ({ size: 1 }))).map((b) => b.length)).toEqual([10, 10, 1]);
    expect(batches([{ size: PUT_EVENTS_MAX_BYTES }, { size: 1 }]).map((b) => b.length)).toEqual([1, 1]);
    expect(batches([{ size: PUT_EVENTS_MAX_BYTES - 1 }, { size: 1 }]).map((b) => b.length)).toEqual([2]);
  });

  it('retries throttled entries only, then succeeds', async () => {
    const { sender, calls } = scripted((e, call) =>
      call === 1 && JSON.parse(e.Detail!).data === 'b' ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : ok(e, call));
    const results = await new PushPublisher({ client: sender, retryDelayMs: () => 1 }).publishAll([
      { channel: 'a', data: 'a' }, { channel: 'a', data: 'b' }, { channel: 'a', data: 'c' },
    ]);
    expect(calls.map((c) => c.map((e) => JSON.parse(e.Detail!).data))).toEqual([['a', 'b', 'c'], ['b']]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('gives up after maxAttempts, with EventBridge\'s code', async () => {
    const { sender, calls } = scripted(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }));
    const error = await new PushPublisher({ client: sender, maxAttempts: 2, retryDelayMs: () => 1 }).toChannel('a', 1).catch((e: unknown) => e);
    expect(calls).toHaveLength(2);
    expect(error).toMatchObject({ name: 'PublishError', code: 'PutEventsFailed', reason: 'InternalFailure' });
    expect((error as Error).message).toBe('PutEvents failed the entry after 2 attempt(s): InternalFailure: oops');
  });

  it('does not retry a permanent entry error', async () => {
    const { sender, calls } = scripted(() => ({ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }));
    const error = await new PushPublisher({ client: sender, retryDelayMs: () => 1 }).toChannel('a', 1).catch((e: unknown) => e);
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ code: 'PutEventsFailed', reason: 'AccessDeniedException' });
  });

  it.each([
    [{ maxAttempts: 0 }, /maxAttempts must be an integer of at least 1, got 0/],
    [{ source: 'aws.orders' }, /source must be 1 to 256 characters not starting with "aws\."/],
    [{ source: '' }, /source must be 1 to 256 characters/],
  ])('refuses bad options %p', (options, message) => {
    expect(() => new PushPublisher(options)).toThrow(message);
    try { new PushPublisher(options); } catch (e) { expect(e).toMatchObject({ name: 'PublishError', code: 'InvalidOptions' }); }
  });
});

describe('PushPublisher.reply', () => {
  it('answers a WebSocketMessage with a push to its connection carrying its requestId as replyTo', async () => {
    const { sender, calls } = scripted(ok);
    const p = new PushPublisher({ client: sender });
    const message = { connectionId: 'c1=', requestId: 'r-7', text: '{"action":"score","id":"r-7"}', receivedAt: 1 };
    await p.reply(message, { score: '2-1' });
    await p.reply({ connectionId: 'c2=' }, 'no id to answer');
    expect(calls.map(([e]) => [e!.DetailType, JSON.parse(e!.Detail!)])).toEqual([
      [PUSH_DETAIL_TYPE, { connectionId: 'c1=', replyTo: 'r-7', data: { score: '2-1' } }],
      [PUSH_DETAIL_TYPE, { connectionId: 'c2=', data: 'no id to answer' }],
    ]);
  });

  it('refuses replyTo with another audience than connectionId, before any call', async () => {
    const { sender, calls } = scripted(ok);
    const p = new PushPublisher({ client: sender });
    await expect(p.publish({ channel: 'news', replyTo: 'r', data: 1 } as never)).rejects.toMatchObject({
      name: 'PublishError',
      code: 'InvalidDetail',
      reason: 'InvalidReplyTo',
    });
    expect(calls).toEqual([]);
  });
});
