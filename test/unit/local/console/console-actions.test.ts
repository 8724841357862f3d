import { ConsoleActions, CONSOLE_SOURCE, eventOf } from '../../../../local/console/console-actions';
import { ConsoleError } from '../../../../local/console/errors';
import type { StoredMessage } from '../../../../local/sqs/queue';

const event = { id: 'e1', source: 'app', 'detail-type': 'WebSocketPush', detail: { channel: 'scores', data: 1 } };

function message(body: string, systemAttributes: Record<string, string> = {}): StoredMessage {
  return { messageId: 'm1', body, md5OfBody: '', attributes: {}, sentTimestamp: 1, senderId: 'x', systemAttributes, visibleAt: 0, receiveCount: 0, inFlight: false };
}

function actions(messages: StoredMessage[]) {
  const put: unknown[] = [];
  const sent: [string, string][] = [];
  const removed: string[] = [];
  const subject = new ConsoleActions({
    busName: 'bus',
    putEvents: async (input) => { put.push(input); return { Entries: [{ EventId: 'new-id' }] }; },
    peek: () => messages,
    removeMessage: (_q, id) => { removed.push(id); return true; },
    sendMessage: async (arn, body) => { sent.push([arn, body]); },
  });
  return { subject, put, sent, removed };
}

describe('eventOf', () => {
  it('finds the event in each dead-letter body shape', () => {
    expect(eventOf(JSON.stringify(event))).toEqual(event);
    expect(eventOf(JSON.stringify({ reason: 'r', code: 'c', event }))).toEqual(event);
    expect(eventOf(JSON.stringify({ requestContext: {}, requestPayload: event }))).toEqual(event);
    expect(eventOf('{"other":1}')).toBeUndefined();
    expect(eventOf('not json')).toBeUndefined();
  });
});

describe('ConsoleActions', () => {
  it('publishes a push on the bus from the console', async () => {
    const { subject, put } = actions([]);
    await expect(subject.publish({ channel: 'scores', data: 1 })).resolves.toEqual({ eventId: 'new-id' });
    expect(put).toEqual([{ Entries: [{ Source: CONSOLE_SOURCE, DetailType: 'WebSocketPush', Detail: '{"channel":"scores","data":1}', EventBusName: 'bus' }] }]);
    await expect(subject.publish({ data: 1 })).rejects.toBeInstanceOf(ConsoleError);
  });

  it('redrives an event to the bus and a queue\'s message to its source queue, deleting the dead letter', async () => {
    const toBus = actions([message(JSON.stringify({ reason: 'r', code: 'c', event }))]);
    await expect(toBus.subject.redrive('dlq', 'm1')).resolves.toEqual({ to: 'bus', eventId: 'new-id' });
    expect(toBus.put).toEqual([{ Entries: [{ Source: 'app', DetailType: 'WebSocketPush', Detail: JSON.stringify(event.detail), EventBusName: 'bus' }] }]);
    expect(toBus.removed).toEqual(['m1']);

    const toQueue = actions([message('batch', { DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:000000000000:source' })]);
    await expect(toQueue.subject.redrive('dlq', 'm1')).resolves.toEqual({ to: 'arn:aws:sqs:us-east-1:000000000000:source' });
    expect(toQueue.sent).toEqual([['arn:aws:sqs:us-east-1:000000000000:source', 'batch']]);
  });

  it('refuses what it cannot redrive, and keeps it', async () => {
    const { subject, removed } = actions([message('opaque')]);
    await expect(subject.redrive('dlq', 'm1')).rejects.toMatchObject({ code: 'NotRedrivable' });
    await expect(subject.redrive('dlq', 'nope')).rejects.toMatchObject({ code: 'NotFound' });
    expect(removed).toEqual([]);
  });
});
