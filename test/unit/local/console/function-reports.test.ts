import { functionReport } from '../../../../local/console/function-reports';

describe('functionReport', () => {
  it('reads a push report from the push function\'s JSON line', () => {
    const line = JSON.stringify({ level: 'INFO', message: 'push delivered', service: 'push', eventId: 'e1', audience: 'channel', delivered: 2, gone: 1, failed: 0, durationMs: 5 });
    expect(functionReport('PushFunction', line)).toEqual({
      kind: 'push',
      text: 'push delivered: delivered 2, gone 1, failed 0 (event e1)',
      data: { functionName: 'PushFunction', eventId: 'e1', audience: 'channel', delivered: 2, gone: 1, failed: 0, durationMs: 5 },
    });
  });

  it('reads the authorizer\'s reason for a refusal', () => {
    const line = JSON.stringify({ level: 'INFO', message: 'connection unauthorized', connectionId: 'c1', code: 'TokenExpired', reason: 'the token expired' });
    expect(functionReport('AuthorizerFunction', line)).toMatchObject({ kind: 'refused', text: 'authorizer: connection unauthorized: the token expired (TokenExpired)', data: { connectionId: 'c1' } });
  });

  it('gives nothing for other lines', () => {
    expect(functionReport('F', 'plain text')).toBeUndefined();
    expect(functionReport('F', '{not json')).toBeUndefined();
    expect(functionReport('F', JSON.stringify({ message: 'connection allowed' }))).toBeUndefined();
  });
});
