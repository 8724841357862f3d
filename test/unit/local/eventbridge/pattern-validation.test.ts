import { InvalidEventPatternError, parsePattern, validatePattern } from '../../../../local/eventbridge/pattern';

function rejection(pattern: unknown): InvalidEventPatternError {
  try {
    validatePattern(pattern);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    return error as InvalidEventPatternError;
  }
  throw new Error(`pattern was accepted: ${JSON.stringify(pattern)}`);
}

describe('validatePattern rejects what EventBridge rejects', () => {
  it.each([
    ['a non-object pattern (string)', 'source'],
    ['a non-object pattern (array)', [{ source: ['x'] }]],
    ['a non-object pattern (null)', null],
    ['a non-object pattern (number)', 42],
  ])('%s', (_what, pattern) => {
    const e = rejection(pattern);
    expect(e.code).toBe('InvalidEventPatternException');
    expect(e.message).toMatch(/must be a JSON object/);
  });

  it.each<[string, unknown, RegExp, string]>([
    ['an empty pattern', {}, /empty objects are not allowed/, ''],
    ['an empty nested object', { detail: {} }, /empty objects are not allowed/, 'detail'],
    ['a leaf that is not an array (string)', { source: 'aws.ec2' }, /"source" must be an object or an array/, 'source'],
    ['a leaf that is not an array (number)', { detail: { n: 5 } }, /"n" must be an object or an array/, 'detail.n'],
    ['a leaf that is not an array (null)', { source: null }, /must be an object or an array/, 'source'],
    ['an empty leaf array', { source: [] }, /empty arrays are not allowed/, 'source'],
    ['a nested array in a leaf', { source: [['a']] }, /match value must be/, 'source[0]'],
    ['an unknown operator', { source: [{ contains: 'x' }] }, /unrecognized match type "contains"/, 'source[0]'],
    ['a matcher with two operators', { source: [{ prefix: 'a', suffix: 'b' }] }, /only one operator/, 'source[0]'],
    ['an empty matcher', { source: [{}] }, /exactly one operator/, 'source[0]'],
    ['a non-string prefix', { source: [{ prefix: 5 }] }, /prefix match pattern must be a string/, 'source[0].prefix'],
    ['prefix with an unknown inner operator', { source: [{ prefix: { wildcard: 'a*' } }] }, /only equals-ignore-case/, 'source[0].prefix'],
    ['a non-string suffix', { source: [{ suffix: ['x'] }] }, /suffix match pattern/, 'source[0].suffix'],
    ['a non-string equals-ignore-case', { source: [{ 'equals-ignore-case': 1 }] }, /equals-ignore-case match pattern must be a string/, 'source[0].equals-ignore-case'],
    ['a non-boolean exists', { source: [{ exists: 'true' }] }, /either true or false/, 'source[0].exists'],
    ['a non-array numeric', { n: [{ numeric: '>5' }] }, /numeric must be an array/, 'n[0].numeric'],
    ['an empty numeric', { n: [{ numeric: [] }] }, /empty/, 'n[0].numeric'],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 5] }] }, /unrecognized numeric range operator "!="/, 'n[0].numeric'],
    ['a non-numeric bound', { n: [{ numeric: ['>', '5'] }] }, /value of > must be numeric/, 'n[0].numeric'],
    ['an upper bound first', { n: [{ numeric: ['<', 0, '>=', 10] }] }, /too many elements/, 'n[0].numeric'],
    ['two lower bounds', { n: [{ numeric: ['>', 0, '>', 10] }] }, /bad numeric range operator/, 'n[0].numeric'],
    ['an inverted range', { n: [{ numeric: ['>', 10, '<', 0] }] }, /bottom .* less than its top/, 'n[0].numeric'],
    ['an empty range', { n: [{ numeric: ['>=', 5, '<=', 5] }] }, /less than its top/, 'n[0].numeric'],
    ['too many numeric terms', { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }, /too many terms/, 'n[0].numeric'],
    ['a missing numeric value', { n: [{ numeric: ['>'] }] }, /has no value/, 'n[0].numeric'],
    ['"=" with a range', { n: [{ numeric: ['=', 1, '<', 5] }] }, /too many elements/, 'n[0].numeric'],
    ['a numeric bound out of range', { n: [{ numeric: ['>', 6e9] }] }, /between -5.0E9 and 5.0E9/, 'n[0].numeric'],
    ['a wildcard with **', { s: [{ wildcard: 'a**b' }] }, /consecutive wildcard characters/, 's[0].wildcard'],
    ['a wildcard with a bad escape', { s: [{ wildcard: 'a\\b' }] }, /may only escape/, 's[0].wildcard'],
    ['a trailing backslash in a wildcard', { s: [{ wildcard: 'ab\\' }] }, /may only escape/, 's[0].wildcard'],
    ['a non-string wildcard', { s: [{ wildcard: 1 }] }, /wildcard match pattern must be a string/, 's[0].wildcard'],
    ['an invalid cidr', { ip: [{ cidr: '10.0.0.300/24' }] }, /not a valid IPv4 or IPv6 CIDR/, 'ip[0].cidr'],
    ['a cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, /invalid prefix length/, 'ip[0].cidr'],
    ['a non-string cidr', { ip: [{ cidr: 10 }] }, /cidr match pattern must be a string/, 'ip[0].cidr'],
    ['anything-but with a mixed list', { s: [{ 'anything-but': ['a', 1] }] }, /all strings or all numbers/, 's[0].anything-but'],
    ['anything-but with an empty list', { s: [{ 'anything-but': [] }] }, /must not be empty/, 's[0].anything-but'],
    ['anything-but null', { s: [{ 'anything-but': null }] }, /value of anything-but/, 's[0].anything-but'],
    ['anything-but boolean', { s: [{ 'anything-but': true }] }, /value of anything-but/, 's[0].anything-but'],
    ['anything-but with an unknown inner operator', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, /unsupported anything-but pattern "numeric"/, 's[0].anything-but'],
    ['anything-but with an empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }, /must not be empty/, 's[0].anything-but.prefix'],
    ['anything-but with a numeric equals-ignore-case', { s: [{ 'anything-but': { 'equals-ignore-case': 5 } }] }, /string or a non-empty list of strings/, 's[0].anything-but.equals-ignore-case'],
    ['anything-but wildcard with **', { s: [{ 'anything-but': { wildcard: ['ok*', 'x**'] } }] }, /consecutive/, 's[0].anything-but.wildcard'],
    ['$or with one alternative', { $or: [{ a: ['x'] }] }, /at least 2 objects/, '$or'],
    ['$or with a non-object alternative', { $or: [{ a: ['x'] }, 'b'] }, /only JSON objects/, '$or[1]'],
    ['$or with an empty alternative', { $or: [{ a: ['x'] }, {}] }, /empty objects/, '$or[1]'],
    ['$or alternatives using an operator as a field', { $or: [{ numeric: [1] }, { prefix: ['a'] }] }, /reserved operator name/, '$or[0].numeric'],
    ['an invalid leaf inside $or', { $or: [{ a: ['x'] }, { b: 'y' }] }, /"b" must be an object or an array/, '$or[1].b'],
  ])('%s', (_what, pattern, reason, path) => {
    const e = rejection(pattern);
    expect(e.code).toBe('InvalidEventPatternException');
    expect(e.reason).toMatch(reason);
    expect(e.path).toBe(path);
    expect(e.message).toMatch(/^Event pattern is not valid\. Reason: /);
  });

  it('rejects pattern text that is not JSON', () => {
    expect(() => parsePattern('{"source": [')).toThrow(/not valid JSON/);
  });
});

describe('validatePattern accepts the documented forms', () => {
  it.each<[string, unknown]>([
    ['values of every JSON scalar type', { a: ['x', 1, 1.5, -2, true, false, null, ''] }],
    ['prefix and its ignore-case form', { a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'X' } }] }],
    ['suffix and its ignore-case form', { a: [{ suffix: 'x' }, { suffix: { 'equals-ignore-case': 'X' } }] }],
    ['every anything-but form', { a: [
      { 'anything-but': 'x' }, { 'anything-but': 1 }, { 'anything-but': ['x', 'y'] }, { 'anything-but': [1, 2] },
      { 'anything-but': { prefix: 'p' } }, { 'anything-but': { suffix: 's' } },
      { 'anything-but': { 'equals-ignore-case': 'x' } }, { 'anything-but': { 'equals-ignore-case': ['x', 'y'] } },
      { 'anything-but': { wildcard: '*/lib/*' } }, { 'anything-but': { wildcard: ['a*', 'b*'] } },
    ] }],
    ['every numeric form', { a: [
      { numeric: ['=', 3.018e2] }, { numeric: ['<', 10] }, { numeric: ['<=', 10] }, { numeric: ['>', 0] },
      { numeric: ['>=', 0] }, { numeric: ['>', 0, '<=', 5] }, { numeric: ['>=', -5e9, '<', 5e9] },
    ] }],
    ['exists true and false', { a: [{ exists: true }], b: [{ exists: false }] }],
    ['IPv4 and IPv6 cidr', { a: [{ cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }, { cidr: '::1' }] }],
    ['wildcards with escapes', { a: [{ wildcard: 'a*b*c' }, { wildcard: '\\*' }, { wildcard: '\\\\*' }] }],
    ['$or at the top and nested', { $or: [{ a: ['x'] }, { b: { c: ['y'] } }], d: { $or: [{ e: ['1'] }, { f: [{ exists: false }] }] } }],
    ['$or as an ordinary field (object value)', { $or: { a: ['x'] } }],
    ['exact numbers beyond the numeric range (account ids)', { account: [123456789012] }],
  ])('%s', (_what, pattern) => {
    expect(() => validatePattern(pattern)).not.toThrow();
  });
});
