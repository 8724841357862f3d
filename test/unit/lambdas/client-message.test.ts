import { forwardClientMessage, isProtocolFrame, MAX_ENTRY_BYTES, messageDetail } from '../../../lambdas/core/client-message';
import { StackEventError } from '../../../lambdas/core/errors';
import type { StackEvents } from '../../../lambdas/core/stack-events';
import { MESSAGE_DETAIL_TYPE } from '../../../shared/events';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { recordingLogger } from '../../support/logs';

/** Records what was put; a stand-in for the bus, whose real part is exercised on the local cloud. */
function recordingEvents(fail = false): StackEvents & { put: jest.Mock } {
  return {
    put: jest.fn(async () => {
      if (fail) throw new StackEventError('PutEvents refused WebSocketMessage: InternalFailure');
    }),
  };
}

describe('isProtocolFrame', () => {
  it.each([
    ['{"action":"ping"}', true],
    ['{"action":"subscribe","channel":"x"}', true],
    ['{"action":"unsubscribe"}', true],
    ["Hi server, please send me the score of yesterday's game", false],
    ['{"action":"score","id":"1"}', false],
    ['{"hello":1}', false],
    ['[1,2]', false],
    ['42', false],
    ['', false],
  ])('%j → %s', (text, expected) => expect(isProtocolFrame(text)).toBe(expected));
});

describe('messageDetail', () => {
  it('keeps the text as received; json, action and requestId when the frame has them', () => {
    expect(messageDetail({ connectionId: 'c', text: '{"action":"score","id":"r1","game":"yesterday"}', receivedAt: 5 })).toEqual({
      connectionId: 'c',
      text: '{"action":"score","id":"r1","game":"yesterday"}',
      json: { action: 'score', id: 'r1', game: 'yesterday' },
      action: 'score',
      requestId: 'r1',
      receivedAt: 5,
    });
    expect(messageDetail({ connectionId: 'c', userId: 'alice', text: 'plain words', receivedAt: 5 })).toEqual({
      connectionId: 'c',
      userId: 'alice',
      text: 'plain words',
      receivedAt: 5,
    });
  });

  it('takes the user only from the caller: a userId in the frame stays in json and text', () => {
    const detail = messageDetail({ connectionId: 'c', text: '{"action":"x","userId":"admin"}', receivedAt: 1 })!;
    expect(detail.userId).toBeUndefined();
    expect(detail.json).toEqual({ action: 'x', userId: 'admin' });
    const verified = messageDetail({ connectionId: 'c', userId: 'bob', text: '{"userId":"admin"}', receivedAt: 1 })!;
    expect(verified.userId).toBe('bob');
  });

  it('ignores an id that is not a string of 1 to 128 characters, and an action that is not a string', () => {
    expect(messageDetail({ connectionId: 'c', text: '{"id":5,"action":3}', receivedAt: 1 })).toEqual({
      connectionId: 'c',
      text: '{"id":5,"action":3}',
      json: { id: 5, action: 3 },
      receivedAt: 1,
    });
    expect(messageDetail({ connectionId: 'c', text: JSON.stringify({ id: 'x'.repeat(129) }), receivedAt: 1 })!.requestId).toBeUndefined();
  });

  it('leaves json out when the entry would pass 256 KB with it; undefined when even the text does not fit', () => {
    const big = JSON.stringify({ action: 'upload', blob: 'a'.repeat(MAX_MESSAGE_BYTES - 40) });
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const detail = messageDetail({ connectionId: 'c', text: big, receivedAt: 1 })!;
    expect('json' in detail).toBe(false);
    expect(detail.action).toBe('upload');
    expect(detail.text === big).toBe(true);
    const small = messageDetail({ connectionId: 'c', text: JSON.stringify({ blob: 'a'.repeat(1000) }), receivedAt: 1 })!;
    expect('json' in small).toBe(true);
    // Every quote escaped doubles it: 128 KB of quotes is 256 KB of detail.
    expect(messageDetail({ connectionId: 'c', text: '"'.repeat(MAX_ENTRY_BYTES / 2 + 1), receivedAt: 1 })).toBeUndefined();
  });
});

describe('forwardClientMessage', () => {
  it('puts a WebSocketMessage and answers nothing', async () => {
    const events = recordingEvents();
    const reply = await forwardClientMessage({ connectionId: 'c', text: 'hello' }, { events, logger: recordingLogger(), now: () => 9 });
    expect(reply).toBeUndefined();
    expect(events.put).toHaveBeenCalledWith(MESSAGE_DETAIL_TYPE, { connectionId: 'c', text: 'hello', receivedAt: 9 });
  });

  it('an oversized frame gets MessageTooLarge and nothing is put', async () => {
    const events = recordingEvents();
    const reply = await forwardClientMessage({ connectionId: 'c', text: 'a'.repeat(MAX_MESSAGE_BYTES + 1) }, { events, logger: recordingLogger() });
    expect(reply).toMatchObject({ type: 'error', code: 'MessageTooLarge' });
    const escaped = await forwardClientMessage({ connectionId: 'c', text: '"'.repeat(MAX_MESSAGE_BYTES) }, { events, logger: recordingLogger() });
    expect(escaped).toMatchObject({ type: 'error', code: 'MessageTooLarge' });
    expect(events.put).not.toHaveBeenCalled();
  });

  it('a bus failure is an InternalError frame, logged', async () => {
    const logger = recordingLogger();
    const reply = await forwardClientMessage({ connectionId: 'c', text: 'hello' }, { events: recordingEvents(true), logger });
    expect(reply).toMatchObject({ type: 'error', code: 'InternalError' });
    expect(logger.lines.map((l) => l.message)).toContain('client message not forwarded');
  });
});
