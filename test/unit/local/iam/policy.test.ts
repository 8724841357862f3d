import { evaluate, matchesPattern, type NamedPolicy, type PolicyStatement } from '../../../../local/iam';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Connections';
const policy = (name: string, ...statements: PolicyStatement[]): NamedPolicy => ({ name, statements });

describe('IAM policy evaluation', () => {
  it('matches actions case-insensitively and resources case-sensitively, with * and ?', () => {
    expect(matchesPattern('dynamodb:Get*', 'dynamodb:getitem', true)).toBe(true);
    expect(matchesPattern('dynamodb:?etItem', 'dynamodb:GetItem', true)).toBe(true);
    expect(matchesPattern('*', 'sqs:SendMessage', true)).toBe(true);
    expect(matchesPattern(`${TABLE}/index/*`, `${TABLE}/index/ByChannel`, false)).toBe(true);
    expect(matchesPattern(TABLE, TABLE.replace('Connections', 'connections'), false)).toBe(false);
    expect(matchesPattern('arn:aws:execute-api:us-east-1:0:api/prod/POST/@connections/*', 'arn:aws:execute-api:us-east-1:0:api/prod/DELETE/@connections/x', false)).toBe(false);
  });

  it('keeps a compiled pattern per case rule: the same text as an action and as a resource', () => {
    for (let round = 0; round < 2; round++) {
      expect(matchesPattern('Table/A*', 'table/abc', true)).toBe(true);
      expect(matchesPattern('Table/A*', 'table/abc', false)).toBe(false);
      expect(matchesPattern('Table/A*', 'Table/Abc', false)).toBe(true);
    }
    for (let i = 0; i < 1100; i++) expect(matchesPattern(`conn/${i}/*`, `conn/${i}/x`, false)).toBe(true); // past the kept bound
    expect(matchesPattern('Table/A*', 'table/abc', true)).toBe(true);
  });

  it('allows what an Allow statement names, and implicitly denies the rest', () => {
    const policies = [policy('P', { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [TABLE, `${TABLE}/index/*`] })];
    expect(evaluate(policies, 'dynamodb:Query', `${TABLE}/index/ByChannel`)).toEqual({ allowed: true });
    expect(evaluate(policies, 'dynamodb:Scan', TABLE)).toEqual({ allowed: false, reason: 'no-allow' });
    expect(evaluate(policies, 'dynamodb:GetItem', `${TABLE}2`)).toEqual({ allowed: false, reason: 'no-allow' });
    expect(evaluate([], 'dynamodb:GetItem', TABLE)).toEqual({ allowed: false, reason: 'no-allow' });
  });

  it('reads every policy of the role: an Allow in any of them allows', () => {
    const policies = [policy('A', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }), policy('B', { Effect: 'Allow', Action: 'dynamodb:*', Resource: TABLE })];
    expect(evaluate(policies, 'dynamodb:DeleteItem', TABLE)).toEqual({ allowed: true });
  });

  it('lets an explicit Deny win over any Allow, in whichever policy it is', () => {
    const policies = [policy('A', { Effect: 'Allow', Action: '*', Resource: '*' }), policy('B', { Effect: 'Deny', Action: 'dynamodb:Scan', Resource: TABLE })];
    expect(evaluate(policies, 'dynamodb:Scan', TABLE)).toEqual({ allowed: false, reason: 'explicit-deny' });
    expect(evaluate(policies, 'dynamodb:Query', TABLE)).toEqual({ allowed: true });
  });

  it('supports NotAction and NotResource', () => {
    const policies = [
      policy('A', { Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: TABLE }),
      policy('B', { Effect: 'Deny', Action: 'dynamodb:*', NotResource: [TABLE] }),
    ];
    expect(evaluate(policies, 'dynamodb:PutItem', TABLE)).toEqual({ allowed: true });
    expect(evaluate(policies, 'dynamodb:DeleteItem', TABLE)).toEqual({ allowed: false, reason: 'no-allow' });
    expect(evaluate(policies, 'dynamodb:PutItem', `${TABLE}Other`)).toEqual({ allowed: false, reason: 'explicit-deny' });
  });

  it('reports a statement with a Condition, applying an Allow as if it held and a Deny as if it did not', () => {
    const reported: string[] = [];
    const conditional = { Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    const policies = [
      policy('A', { Sid: 'Tls', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', ...conditional }),
      policy('B', { Effect: 'Deny', Action: 'sqs:ReceiveMessage', Resource: '*', ...conditional }),
    ];
    expect(evaluate(policies, 'sqs:SendMessage', 'q', (p, s) => reported.push(`${p}:${s.Sid ?? ''}`))).toEqual({ allowed: true });
    expect(evaluate(policies, 'sqs:ReceiveMessage', 'q', (p) => reported.push(p))).toEqual({ allowed: false, reason: 'no-allow' });
    expect(reported).toEqual(['A:Tls', 'B']);
  });
});
