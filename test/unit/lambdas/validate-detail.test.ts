import { INVALID_EVENT_CODES, InvalidEventError, validateDetail } from '../../../lambdas/core/validate-detail';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { PUSH_DETAIL_TYPE } from '../../../shared/events';

const event = (detail: unknown, id = 'evt-1') => ({
  version: '0',
  id,
  'detail-type': PUSH_DETAIL_TYPE,
  source: 'scores.service',
  account: '000000000000',
  time: '2024-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

function rejected(detail: unknown, id?: string): InvalidEventError {
  const result = validateDetail(event(detail, id));
  if (result.ok) throw new Error('expected a rejection');
  expect(result.error).toBeInstanceOf(InvalidEventError);
  expect(result.error.name).toBe('InvalidEventError');
  return result.error;
}

describe('validateDetail', () => {
  it.each([
    [{ channel: 'scores', data: { a: 1 } }, { kind: 'channel', channel: 'scores' }],
    [{ userId: 'alice@example.com', data: 'hi' }, { kind: 'userId', userId: 'alice@example.com' }],
    [{ connectionId: 'R1kmxc2VNjMCFIA=', data: [1, 2] }, { kind: 'connectionId', connectionId: 'R1kmxc2VNjMCFIA=' }],
    [{ broadcast: true, data: null }, { kind: 'broadcast' }],
  ])('accepts %j', (detail, audience) => {
    const result = validateDetail(event(detail));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.push.audience).toEqual(audience);
    expect(result.push.eventId).toBe('evt-1');
    const framed = JSON.parse(Buffer.from(result.push.frame.bytes).toString('utf8'));
    expect(framed).toEqual(result.push.message);
    expect(framed).toEqual({
      type: 'message',
      ...(audience.kind === 'channel' ? { channel: 'scores' } : {}),
      id: 'evt-1',
      data: (detail as { data: unknown }).data,
    });
  });

  it('puts the channel in the frame only for channel pushes', () => {
    const result = validateDetail(event({ userId: 'bob', data: 1 }));
    expect(result.ok && 'channel' in result.push.message).toBe(false);
  });

  it('rejects a detail with no audience and says which fields to add', () => {
    const error = rejected({ data: 1 });
    expect(error.code).toBe(INVALID_EVENT_CODES.NoAudience);
    expect(error.reason).toMatch(/"channel", "userId", "connectionId" or "broadcast": true/);
  });

  it('rejects two audiences and names them', () => {
    const error = rejected({ channel: 'a', userId: 'b', data: 1 });
    expect(error.code).toBe(INVALID_EVENT_CODES.MultipleAudiences);
    expect(error.reason).toContain('"channel", "userId"');
    expect(error.reason).toMatch(/exactly one/);
  });

  it.each([
    [{ channel: 42, data: 1 }, /"channel" must be a string of 1 to 128 characters/],
    [{ channel: 'has space', data: 1 }, /"channel" must be/],
    [{ channel: '-leading', data: 1 }, /starting with a letter or a digit/],
    [{ channel: 'x'.repeat(129), data: 1 }, /"channel" must be/],
    [{ userId: '', data: 1 }, /"userId" must be/],
    [{ userId: 'a b', data: 1 }, /"userId" must be/],
    [{ connectionId: 7, data: 1 }, /"connectionId" must be a non-empty string/],
    [{ broadcast: false, data: 1 }, /"broadcast" must be true \(got false\)/],
    [{ broadcast: 'yes', data: 1 }, /"broadcast" must be true \(got "yes"\)/],
  ])('rejects a bad audience %j', (detail, reason) => {
    const error = rejected(detail);
    expect(error.code).toBe(INVALID_EVENT_CODES.InvalidAudience);
    expect(error.reason).toMatch(reason);
  });

  it('rejects a missing data', () => {
    const error = rejected({ channel: 'scores' });
    expect(error.code).toBe(INVALID_EVENT_CODES.MissingData);
    expect(error.reason).toMatch(/add the payload to push as "data"/);
  });

  it('rejects unknown fields (a typo would otherwise be ignored)', () => {
    const error = rejected({ channel: 'scores', data: 1, chanel: 'x' });
    expect(error.code).toBe(INVALID_EVENT_CODES.UnknownField);
    expect(error.reason).toContain('"chanel"');
  });

  it.each([[null], ['text'], [[1, 2]], [undefined]])('rejects a detail that is not an object: %j', (detail) => {
    expect(rejected(detail).code).toBe(INVALID_EVENT_CODES.InvalidEnvelope);
  });

  it('rejects an event without an id', () => {
    const result = validateDetail({ detail: { channel: 'a', data: 1 } });
    expect(!result.ok && result.error.code).toBe(INVALID_EVENT_CODES.InvalidEnvelope);
    expect(validateDetail(null).ok).toBe(false);
  });

  it('measures the framed message, in UTF-8 bytes, against MAX_MESSAGE_BYTES', () => {
    const overhead = Buffer.byteLength(JSON.stringify({ type: 'message', channel: 'c', id: 'evt-1', data: '' }));
    const fits = 'x'.repeat(MAX_MESSAGE_BYTES - overhead);
    expect(validateDetail(event({ channel: 'c', data: fits })).ok).toBe(true);
    const error = rejected({ channel: 'c', data: `${fits}x` });
    expect(error.code).toBe(INVALID_EVENT_CODES.MessageTooLarge);
    expect(error.reason).toContain(`${MAX_MESSAGE_BYTES + 1} bytes`);
    // Multi-byte characters count as bytes, not as string length.
    expect(rejected({ channel: 'c', data: 'é'.repeat(MAX_MESSAGE_BYTES / 2) }).code).toBe(INVALID_EVENT_CODES.MessageTooLarge);
  });
});

describe('validateDetail: replyTo', () => {
  it('carries replyTo of a connectionId push into the frame, after id and before data', () => {
    const result = validateDetail(event({ connectionId: 'c1=', replyTo: 'req-1', data: { score: '2-1' } }));
    if (!result.ok) throw result.error;
    expect(result.push.message).toEqual({ type: 'message', id: 'evt-1', replyTo: 'req-1', data: { score: '2-1' } });
    expect(result.push.frame.text).toBe('{"type":"message","id":"evt-1","replyTo":"req-1","data":{"score":"2-1"}}');
  });

  it.each([
    [{ channel: 'news', replyTo: 'r', data: 1 }, /goes only with "connectionId"/],
    [{ userId: 'alice', replyTo: 'r', data: 1 }, /goes only with "connectionId"/],
    [{ broadcast: true, replyTo: 'r', data: 1 }, /goes only with "connectionId"/],
    [{ connectionId: 'c1=', replyTo: '', data: 1 }, /1 to 128 characters/],
    [{ connectionId: 'c1=', replyTo: 7, data: 1 }, /1 to 128 characters/],
    [{ connectionId: 'c1=', replyTo: 'x'.repeat(129), data: 1 }, /1 to 128 characters/],
  ])('refuses %j', (detail, message) => {
    const error = rejected(detail);
    expect(error.code).toBe(INVALID_EVENT_CODES.InvalidReplyTo);
    expect(error.message).toMatch(message);
  });
});
