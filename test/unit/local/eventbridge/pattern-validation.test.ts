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

/**
 * Reasons are AWS's words. "recorded": the answer LocalStack recorded against AWS
 * (tests/aws/services/events/test_events_patterns.snapshot.json, localstack/localstack); the others are the
 * messages of AWS's matching engine, aws/event-ruler (JsonRuleCompiler, Range, ComparableNumber, CIDR,
 * WildcardParser), whose recorded messages match AWS's word for word.
 */
describe('validatePattern rejects what EventBridge rejects', () => {
  it.each([
    ['a non-object pattern (string)', 'source'],
    ['a non-object pattern (array)', [{ source: ['x'] }]],
    ['a non-object pattern (null)', null],
    ['a non-object pattern (number)', 42],
  ])('%s', (_what, pattern) => {
    const e = rejection(pattern);
    expect(e.code).toBe('InvalidEventPatternException');
    // recorded: test_invalid_json_event_pattern[["not", "a", "dict", "but valid json"]]
    expect(e.message).toBe('Event pattern is not valid. Reason: Filter is not an object');
  });

  it.each<[string, unknown, string, string]>([
    ['an empty pattern', {}, 'Empty objects are not allowed', ''],
    ['an empty nested object', { detail: {} }, 'Empty objects are not allowed', 'detail'],
    // recorded: string_nolist_EXC, int_nolist_EXC
    ['a leaf that is not an array (string)', { source: 'aws.ec2' }, '"source" must be an object or an array', 'source'],
    ['a leaf that is not an array (number)', { detail: { n: 5 } }, '"n" must be an object or an array', 'detail.n'],
    ['a leaf that is not an array (null)', { source: null }, '"source" must be an object or an array', 'source'],
    // recorded: arrays_empty_EXC
    ['an empty leaf array', { source: [] }, 'Empty arrays are not allowed', 'source'],
    ['a nested array in a leaf', { source: [['a']] }, 'Match value must be String, number, true, false, or null', 'source[0]'],
    // recorded (for NUMERIC and EXISTS): content_numeric_operatorcasing_EXC, operator_case_sensitive_EXC
    ['an unknown operator', { source: [{ contains: 'x' }] }, 'Unrecognized match type contains', 'source[0]'],
    ['a matcher with two operators', { source: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression', 'source[0]'],
    ['an empty matcher', { source: [{}] }, 'Match expression name not found', 'source[0]'],
    // recorded: content_prefix_int_EXC
    ['a non-string prefix', { source: [{ prefix: 5 }] }, 'prefix match pattern must be a string', 'source[0].prefix'],
    ['prefix with an unknown inner operator', { source: [{ prefix: { wildcard: 'a*' } }] }, 'Unsupported prefix pattern: wildcard', 'source[0].prefix'],
    // recorded: content_suffix_list_EXC
    ['a non-string suffix', { source: [{ suffix: ['x'] }] }, 'suffix match pattern must be a string', 'source[0].suffix'],
    // recorded: content_ignorecase_EXC
    ['a non-string equals-ignore-case', { source: [{ 'equals-ignore-case': 1 }] }, 'equals-ignore-case match pattern must be a string', 'source[0].equals-ignore-case'],
    ['a non-boolean exists', { source: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.', 'source[0].exists'],
    ['a non-array numeric', { n: [{ numeric: '>5' }] }, 'Value of numeric must be an array.', 'n[0].numeric'],
    ['an empty numeric', { n: [{ numeric: [] }] }, 'Invalid member in numeric match: ]', 'n[0].numeric'],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !=', 'n[0].numeric'],
    ['a non-numeric bound', { n: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric', 'n[0].numeric'],
    ['an upper bound first', { n: [{ numeric: ['<', 0, '>=', 10] }] }, 'Too many elements in numeric expression', 'n[0].numeric'],
    // recorded: content_numeric_EXC
    ['two lower bounds', { n: [{ numeric: ['>', 0, '>', 10] }] }, 'Bad numeric range operator: >', 'n[0].numeric'],
    ['an inverted range', { n: [{ numeric: ['>', 10, '<', 0] }] }, 'Bottom must be less than top', 'n[0].numeric'],
    ['an empty range', { n: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top', 'n[0].numeric'],
    ['too many numeric terms', { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }, 'Too many terms in numeric range expression', 'n[0].numeric'],
    // recorded (for "<" after a bound): content_numeric_syntax_EXC
    ['a missing numeric value', { n: [{ numeric: ['>'] }] }, 'Value of > must be numeric', 'n[0].numeric'],
    ['"=" with a range', { n: [{ numeric: ['=', 1, '<', 5] }] }, 'Too many elements in numeric expression', 'n[0].numeric'],
    ['a numeric bound out of range', { n: [{ numeric: ['>', 6e9] }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive', 'n[0].numeric'],
    // recorded (position counts the opening quote): content_wildcard_repeating_star_EXC
    ['a wildcard with **', { s: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 2', 's[0].wildcard'],
    ['a wildcard with a bad escape', { s: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2', 's[0].wildcard'],
    ['a trailing backslash in a wildcard', { s: [{ wildcard: 'ab\\' }] }, 'Invalid escape character at pos 3', 's[0].wildcard'],
    // recorded: content_wildcard_int_EXC
    ['a non-string wildcard', { s: [{ wildcard: 1 }] }, 'wildcard match pattern must be a string', 's[0].wildcard'],
    ['an invalid cidr', { ip: [{ cidr: '10.0.0.300/24' }] }, 'Invalid IP address: 10.0.0.300', 'ip[0].cidr'],
    ['a cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, 'IPv4 mask bits must be < 32', 'ip[0].cidr'],
    // recorded: content_ip_address_type_EXC (AWS uses the prefix wording)
    ['a non-string cidr', { ip: [{ cidr: 10 }] }, 'prefix match pattern must be a string', 'ip[0].cidr'],
    // recorded: content_ip_address_EXC ("bad-filter"); a bare address has no "/" either
    ['a cidr without a mask', { ip: [{ cidr: '::1' }] }, "Malformed CIDR, one '/' required", 'ip[0].cidr'],
    ['anything-but with a mixed list', { s: [{ 'anything-but': ['a', 1] }] }, 'Inside anything but list, either all values are number or string, mixed type is not supported', 's[0].anything-but'],
    ['anything-but with an empty list', { s: [{ 'anything-but': [] }] }, 'Inside anything but list, either all values are number or string, mixed type is not supported', 's[0].anything-but'],
    ['anything-but null', { s: [{ 'anything-but': null }] }, 'Value of anything-but must be an array or single string/number value.', 's[0].anything-but'],
    ['anything-but boolean', { s: [{ 'anything-but': true }] }, 'Value of anything-but must be an array or single string/number value.', 's[0].anything-but'],
    ['anything-but with an unknown inner operator', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'Unsupported anything-but pattern: numeric', 's[0].anything-but'],
    ['anything-but with an empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed', 's[0].anything-but.prefix'],
    // recorded: content_anything_but_ignorecase_EXC
    ['anything-but with a numeric equals-ignore-case', { s: [{ 'anything-but': { 'equals-ignore-case': 5 } }] }, 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', 's[0].anything-but.equals-ignore-case'],
    ['anything-but wildcard with **', { s: [{ 'anything-but': { wildcard: ['ok*', 'x**'] } }] }, 'Consecutive wildcard characters at pos 2', 's[0].anything-but.wildcard'],
    ['$or with one alternative', { $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.', '$or'],
    ['$or with a non-object alternative', { $or: [{ a: ['x'] }, 'b'] }, 'Only JSON object is allowed in array of $or relationship.', '$or[1]'],
    ['$or with an empty alternative', { $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed', '$or[1]'],
    ['$or alternatives using an operator as a field', { $or: [{ numeric: [1] }, { prefix: ['a'] }] }, 'numeric is Ruler reserved fieldName which cannot be used inside $or.', '$or[0].numeric'],
    ['an invalid leaf inside $or', { $or: [{ a: ['x'] }, { b: 'y' }] }, '"b" must be an object or an array', '$or[1].b'],
  ])('%s', (_what, pattern, reason, path) => {
    const e = rejection(pattern);
    expect(e.code).toBe('InvalidEventPatternException');
    expect(e.reason).toBe(reason);
    expect(e.path).toBe(path);
    expect(e.message.split('\n')[0]).toBe(`Event pattern is not valid. Reason: ${reason}`);
  });

  it('rejects pattern text that is not JSON', () => {
    // AWS's reason is then its JSON parser's own message (recorded: test_invalid_json_event_pattern); ours is
    // JavaScript's, after the same first words.
    expect(() => parsePattern('{"source": [')).toThrow(InvalidEventPatternError);
    expect(() => parsePattern('{"source": [')).toThrow(/^Event pattern is not valid\. Reason: \S/);
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
    ['IPv4 and IPv6 cidr', { a: [{ cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }, { cidr: '::1/127' }] }],
    ['wildcards with escapes', { a: [{ wildcard: 'a*b*c' }, { wildcard: '\\*' }, { wildcard: '\\\\*' }] }],
    ['$or at the top and nested', { $or: [{ a: ['x'] }, { b: { c: ['y'] } }], d: { $or: [{ e: ['1'] }, { f: [{ exists: false }] }] } }],
    ['$or as an ordinary field (object value)', { $or: { a: ['x'] } }],
    ['exact numbers beyond the numeric range (account ids)', { account: [123456789012] }],
  ])('%s', (_what, pattern) => {
    expect(() => validatePattern(pattern)).not.toThrow();
  });
});
