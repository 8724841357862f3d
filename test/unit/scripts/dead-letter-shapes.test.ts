import { describeDeadLetter } from '../../../scripts/dead-letter-shapes';

const event = { version: '0', id: 'evt-1', 'detail-type': 'WebSocketPush', source: 'orders', account: '000000000000', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { channel: 'scores', data: { home: 1 } } };

describe('the dead-letter queue\'s three message shapes', () => {
  it('an event EventBridge could not deliver: the event, with the reason in the message attributes; redrivable', () => {
    const d = describeDeadLetter({
      Body: JSON.stringify(event),
      MessageAttributes: { ERROR_CODE: { StringValue: 'SDK_CLIENT_ERROR' }, ERROR_MESSAGE: { StringValue: 'Lambda throttled' }, EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' } },
    });
    expect(d).toEqual({ kind: 'delivery-failure', line: 'not delivered   event evt-1 (channel scores): SDK_CLIENT_ERROR Lambda throttled [MaximumRetryAttempts]', event });
  });

  it('Lambda\'s on-failure record of the push function: the event as requestPayload; redrivable', () => {
    const d = describeDeadLetter({
      Body: JSON.stringify({
        version: '1.0', timestamp: '2026-01-01T00:00:01Z',
        requestContext: { requestId: 'r', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Push:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: event, responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'StoreError', errorMessage: 'table unavailable' },
      }),
    });
    expect(d).toEqual({ kind: 'function-failure', line: 'function failed event evt-1 (channel scores): StoreError: table unavailable after 3 attempts [RetriesExhausted]', event });
  });

  it('an event the push function refused: {reason, code, event}; not redrivable', () => {
    const d = describeDeadLetter({ Body: JSON.stringify({ reason: 'detail names no audience', code: 'NoAudience', event: { ...event, detail: { data: 1 } } }) });
    expect(d).toEqual({ kind: 'invalid-event', line: 'invalid         event evt-1 (no audience): NoAudience: detail names no audience' });
  });

  it('anything else is shown as unknown, never redriven', () => {
    expect(describeDeadLetter({ MessageId: 'm1', Body: 'not json' })).toEqual({ kind: 'unknown', line: 'unknown         m1: body is not JSON' });
    expect(describeDeadLetter({ MessageId: 'm2', Body: '{"a":1}' }).event).toBeUndefined();
  });
});
