import { compileRouteSelection } from '../../../../local/gateway/route-selection';
import { clfTime } from '../../../../local/gateway/clf-time';
import { awsStyleId } from '../../../../local/gateway/ids';
import { evaluateAuthorizerResponse, missingIdentitySource } from '../../../../local/gateway/authorizer';
import { createFrameGuard } from '../../../../local/gateway/frame-guard';
import { GatewayError } from '../../../../local/gateway/errors';
import type { RequestInfo } from '../../../../local/gateway/request-info';

describe('route selection', () => {
  it('selects $request.body.<name>', () => {
    const s = compileRouteSelection('$request.body.action');
    expect(s.select('{"action":"subscribe"}')).toBe('subscribe');
    expect(s.select('{"other":1}')).toBeUndefined();
    expect(s.select('not json')).toBeUndefined();
    expect(s.select('[1,2]')).toBeUndefined();
    expect(s.select('{"action":{"x":1}}')).toBeUndefined();
    expect(s.select('{"action":7}')).toBe('7');
  });

  it('follows nested dotted paths and ${} templates with literals', () => {
    expect(compileRouteSelection('$request.body.meta.kind').select('{"meta":{"kind":"k"}}')).toBe('k');
    const t = compileRouteSelection('${request.body.service}/${request.body.action}');
    expect(t.select('{"service":"chat","action":"send"}')).toBe('chat/send');
    expect(t.select('{"service":"chat"}')).toBeUndefined();
  });

  it('rejects expressions it cannot evaluate with a typed error', () => {
    for (const bad of ['action', '$request.header.x', '${context.routeKey}']) {
      expect(() => compileRouteSelection(bad)).toThrow(GatewayError);
    }
    try {
      compileRouteSelection('$request.querystring.x');
    } catch (e) {
      expect((e as GatewayError).code).toBe('InvalidRouteSelectionExpression');
    }
  });
});

describe('formats', () => {
  it('writes requestTime in CLF, UTC', () => {
    expect(clfTime(1705751708326)).toBe('20/Jan/2024:11:55:08 +0000');
  });

  it('makes 16-character ids like API Gateway', () => {
    const ids = new Set(Array.from({ length: 200 }, awsStyleId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
  });
});

describe('authorizer policy', () => {
  const arn = 'arn:aws:execute-api:us-east-1:000000000000:abc/prod/$connect';
  const policy = (Effect: string, Resource: unknown = arn, Action: unknown = 'execute-api:Invoke') => ({
    principalId: 'alice',
    policyDocument: { Version: '2012-10-17', Statement: [{ Effect, Action, Resource }] },
    context: { plan: 'pro', n: 1, ok: true },
  });

  it('allows with wildcards and keeps principal and context', () => {
    expect(evaluateAuthorizerResponse(policy('Allow', 'arn:aws:execute-api:*:*:abc/*'), arn)).toEqual({
      effect: 'Allow',
      principalId: 'alice',
      context: { plan: 'pro', n: 1, ok: true },
    });
  });

  it('denies explicitly, implicitly when nothing matches, and a Deny wins', () => {
    expect(evaluateAuthorizerResponse(policy('Deny'), arn)).toEqual({ effect: 'Deny', explicit: true });
    expect(evaluateAuthorizerResponse(policy('Allow', 'arn:aws:execute-api:*:*:other/*'), arn)).toEqual({ effect: 'Deny', explicit: false });
    const both = policy('Allow');
    both.policyDocument.Statement.push({ Effect: 'Deny', Action: '*', Resource: '*' });
    expect(evaluateAuthorizerResponse(both, arn).effect).toBe('Deny');
  });

  it('rejects invalid answers (500 in API Gateway)', () => {
    expect(() => evaluateAuthorizerResponse(undefined, arn)).toThrow(GatewayError);
    expect(() => evaluateAuthorizerResponse({ principalId: 'x' }, arn)).toThrow(/policyDocument/);
    expect(() => evaluateAuthorizerResponse({ ...policy('Allow'), context: { nested: { a: 1 } } }, arn)).toThrow(/context.nested/);
  });

  it('finds missing identity sources (headers case-insensitive, query strings)', () => {
    const info: RequestInfo = {
      headers: { Authorization: 'Bearer t' },
      multiValueHeaders: {},
      queryStringParameters: { token: 'abc', empty: '' },
      sourceIp: '127.0.0.1',
      userAgent: null,
    };
    expect(missingIdentitySource(['route.request.header.authorization', 'route.request.querystring.token'], info)).toBeUndefined();
    expect(missingIdentitySource(['route.request.querystring.empty'], info)).toBe('route.request.querystring.empty');
    expect(missingIdentitySource(['$request.header.X-Api-Key'], info)).toBe('$request.header.X-Api-Key');
  });
});

describe('frame guard', () => {
  const frame = (len: number) => {
    const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]) : (() => {
      const b = Buffer.alloc(10);
      b[0] = 0x81;
      b[1] = 0x80 | 127;
      b.writeBigUInt64BE(BigInt(len), 2);
      return b;
    })();
    return Buffer.concat([header, Buffer.alloc(4), Buffer.alloc(len)]);
  };

  it('reports the first frame over the limit, across chunk boundaries', () => {
    const seen: number[] = [];
    const guard = createFrameGuard(1000, (n) => seen.push(n));
    const stream = Buffer.concat([frame(10), frame(1000), frame(200), frame(70000)]);
    for (let i = 0; i < stream.length; i += 3) guard(stream.subarray(i, i + 3));
    expect(seen).toEqual([70000]);
  });

  it('lets frames at the limit pass', () => {
    const seen: number[] = [];
    const guard = createFrameGuard(32768, (n) => seen.push(n));
    guard(Buffer.concat([frame(32768), frame(32768)]));
    expect(seen).toEqual([]);
    guard(frame(32769));
    expect(seen).toEqual([32769]);
  });
});
