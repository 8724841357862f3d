import { MessageFrame } from '../../../lambdas/core/message-frame';
import type { PushMessage } from '../../../shared/protocol';

const messages: Array<[string, PushMessage]> = [
  ['a channel message', { type: 'message', channel: 'scores', id: 'evt-1', data: { home: 1, away: [2, 'x'] } }],
  ['a message without channel', { type: 'message', id: 'evt-2', data: 'hi' }],
  ['multi-byte text', { type: 'message', channel: 'café', id: 'évt-3', data: '€ and 😀 and "quotes" \\ and \n' }],
  ['null data', { type: 'message', channel: 'c', id: 'e', data: null }],
];

describe('MessageFrame', () => {
  test.each(messages)('frames %s as JSON.stringify does, and measures it in UTF-8 bytes', (_, message) => {
    const frame = MessageFrame.of(message);
    expect(frame.text).toBe(JSON.stringify(message));
    expect(frame.byteLength).toBe(Buffer.byteLength(frame.text, 'utf8'));
    expect(Buffer.from(frame.bytes).toString('utf8')).toBe(frame.text);
  });

  test.each(messages)('inserts a seq into %s in the protocol\'s field order', (_, message) => {
    const frame = MessageFrame.of(message);
    for (const seq of [0, 7, 123456, Number.MAX_SAFE_INTEGER]) {
      const numbered = frame.withSeq(seq);
      const expected = { type: message.type, channel: message.channel, id: message.id, seq, data: message.data };
      expect(numbered.text).toBe(JSON.stringify(expected));
      expect(numbered.byteLength).toBe(Buffer.byteLength(numbered.text, 'utf8'));
      expect(frame.byteLengthWithSeq(seq)).toBe(numbered.byteLength);
    }
  });

  test('encodes its bytes once', () => {
    const frame = MessageFrame.of({ type: 'message', id: 'e', data: 1 });
    expect(frame.bytes).toBe(frame.bytes);
  });
});
