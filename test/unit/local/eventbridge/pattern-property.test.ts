import fc from 'fast-check';
import { compilePattern, matchesPattern, validatePattern } from '../../../../local/eventbridge/pattern';

const key = fc.constantFrom('source', 'detail', 'a', 'b', 'c', 'state', 'n');
const text = fc.string({ maxLength: 8 });
const number = fc.double({ min: -1e6, max: 1e6, noNaN: true });

/** Arbitrary matcher objects in their valid forms. */
const matcher: fc.Arbitrary<unknown> = fc.oneof(
  text,
  number,
  fc.constantFrom(true, false, null),
  text.map((s) => ({ prefix: s })),
  text.map((s) => ({ suffix: { 'equals-ignore-case': s } })),
  text.map((s) => ({ 'equals-ignore-case': s })),
  fc.array(fc.constantFrom('a', '*', 'b', '\\*'), { maxLength: 5 }).map((parts) => ({
    wildcard: parts.join('').replace(/\*\*+/g, '*').replace(/(^|[^\\])\*\*/g, '$1*'),
  })),
  fc.oneof(text, number, fc.array(text, { minLength: 1 }), fc.array(number, { minLength: 1 })).map((v) => ({ 'anything-but': v })),
  fc.constantFrom('prefix', 'suffix').chain((op) => text.filter((s) => s !== '').map((s) => ({ 'anything-but': { [op]: s } }))),
  fc.tuple(number, number).filter(([a, b]) => a < b).map(([a, b]) => ({ numeric: ['>=', a, '<', b] })),
  number.map((n) => ({ numeric: ['<=', n] })),
  fc.boolean().map((b) => ({ exists: b })),
  fc.constantFrom('10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32').map((c) => ({ cidr: c })),
);

const leaf = fc.array(matcher, { minLength: 1, maxLength: 3 });

/** Valid patterns up to `depth` levels of nesting, with `$or` at any level. */
function patternOf(depth: number): fc.Arbitrary<Record<string, unknown>> {
  const field = depth === 0 ? leaf : fc.oneof(leaf, patternOf(depth - 1));
  const fields = fc.dictionary(key, field, { minKeys: 1, maxKeys: 3 });
  if (depth === 0) return fields;
  return fc
    .tuple(fields, fc.option(fc.array(patternOf(depth - 1), { minLength: 2, maxLength: 3 }), { nil: undefined, freq: 3 }))
    .map(([o, alternatives]) => (alternatives ? { ...o, $or: alternatives } : o));
}

const pattern = patternOf(2);

/** Arbitrary JSON, biased towards the keys and values patterns use. */
const event = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    text,
    number,
    fc.constantFrom('10.1.2.3', '2001:db8::1', 'a*b', '', null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('pattern properties', () => {
  it('generated patterns are valid', () => {
    fc.assert(fc.property(pattern, (p) => { validatePattern(p); }), { numRuns: 300 });
  });

  it('matchesPattern never throws on arbitrary JSON events for valid patterns', () => {
    fc.assert(
      fc.property(pattern, fc.oneof(event, fc.jsonValue()), (p, e) => {
        const result = matchesPattern(p, e);
        expect(typeof result).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('a compiled pattern answers like matchesPattern and does not mutate the event', () => {
    fc.assert(
      fc.property(pattern, event, (p, e) => {
        const before = JSON.stringify(e);
        expect(compilePattern(p).matches(e)).toBe(matchesPattern(p, e));
        expect(JSON.stringify(e)).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('an exact string leaf matches exactly the events that carry that string', () => {
    fc.assert(
      fc.property(text, text, (wanted, actual) => {
        expect(matchesPattern({ a: [wanted] }, { a: actual })).toBe(wanted === actual);
        expect(matchesPattern({ a: [wanted] }, { a: ['zz', actual] })).toBe(wanted === actual || wanted === 'zz');
      }),
    );
  });

  it('$or of two patterns is the OR of each', () => {
    fc.assert(
      fc.property(pattern, pattern, event, (p1, p2, e) => {
        expect(matchesPattern({ $or: [p1, p2] }, e)).toBe(matchesPattern(p1, e) || matchesPattern(p2, e));
      }),
      { numRuns: 300 },
    );
  });

  it('anything-but of a string is the complement of the exact match on present scalar values', () => {
    fc.assert(
      fc.property(text, fc.oneof(text, number, fc.boolean()), (s, v) => {
        expect(matchesPattern({ a: [{ 'anything-but': s }] }, { a: v })).toBe(!matchesPattern({ a: [s] }, { a: v }));
      }),
    );
  });

  it('does not overflow the stack on deeply nested event arrays', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(matchesPattern({ a: ['x'] }, { a: deep })).toBe(true);
    expect(matchesPattern({ a: { b: ['x'] } }, { a: deep })).toBe(false);
  });
});
