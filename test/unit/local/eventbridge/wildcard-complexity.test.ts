import { compilePattern, MAX_WILDCARD_COMPLEXITY } from '../../../../local/eventbridge/pattern';
import { parseWildcard, Wildcard } from '../../../../local/eventbridge/wildcard';
import { wildcardComplexity } from '../../../../local/eventbridge/wildcard-complexity';

const w = (text: string) => parseWildcard(text) as Wildcard;
const bare = (...texts: string[]) => wildcardComplexity(texts.map(w), 1000, false);
const quoted = (...texts: string[]) => wildcardComplexity(texts.map(w), 1000);
const TOO_COMPLEX = 'Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/**
 * Counts stated by AWS's engine's own tests (aws/event-ruler MachineComplexityEvaluatorTest and ByteMachineTest,
 * which measure bare values: no JSON quotes).
 */
describe('wildcardComplexity agrees with aws/event-ruler', () => {
  it.each<[number, string[]]>([
    [1, ['*']], [3, ['*', 'ab*c']], [1, ['abc']], [2, ['*ab']], [3, ['*aa']], [2, ['a*b']], [2, ['aa*']],
    [2, ['a*bc']], [3, ['a*bb']], [3, ['a*bcb']], [4, ['a*bbb']], [4, ['*ab*ad']], [3, ['*ab*d']], [4, ['*aba*']],
    [5, ['a*b*bb']], [4, ['a*b*cb']], [3, ['a*b*cd']], [4, ['a*b*b']], [4, ['a*bb*']], [3, ['ab*b*']],
    [3, ['ab*c', 'x*xx']], [4, ['*abc', '*abcde']], [4, ['a*bcd', 'ab*cd']], [4, ['a*bc', 'a*bcde']],
    [7, ['a*aaa', 'aa*aa']], [4, ['a*bc', 'abc*d']], [6, ['a*aaa', 'aaa*a']], [5, ['a*aax', 'aaa*x']],
    [4, ['a*bc', 'abc*']], [5, ['a*aa', 'aaa*']], [3, ['abc*', 'abcde*']], [6, ['ab*cd', 'ab*wx', 'ab*yz']],
    [7, ['*ab*b*b*']], [17, ['*a*a*a*a*a*a*a*a*']], [2, ['1*2345']], [2, ['1*']],
  ])('%i for %j', (expected, texts) => {
    expect(bare(...texts)).toBe(expected);
  });

  it('stops at the cap', () => {
    expect(wildcardComplexity([w('*a*a*a*a*a*a*a*a*')], 5, false)).toBe(5);
  });
});

describe('the complexity limit', () => {
  // Recorded against AWS (LocalStack content_wildcard_repeating and content_wildcard_complex_EXC).
  it('accepts a repeated sequence after a wildcard, refuses five wildcards each followed by the same character', () => {
    expect(quoted('/Users/*/dir/dir/dir/dir/dir/doc.txt')).toBe(7);
    expect(quoted('*:*:*:*:*:event-bus/*')).toBe(11);
    expect(() => compilePattern({ FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] })).not.toThrow();
    expect(() => compilePattern({ EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toThrow(TOO_COMPLEX);
  });

  it('adds up the wildcards of one field, wherever the pattern gives them', () => {
    const suffixes = ['*.bif', '*.tiff', '*.tif', '*.svs'].map((wildcard) => ({ wildcard }));
    expect(quoted('*.bif', '*.tiff', '*.tif', '*.svs')).toBeLessThan(MAX_WILDCARD_COMPLEXITY);
    expect(() => compilePattern({ key: suffixes })).not.toThrow();
    const deep = ['*/a/*.bif', '*/a/*.tiff', '*/a/*.tif', '*/a/*.svs'];
    expect(quoted(...deep)).toBeGreaterThanOrEqual(MAX_WILDCARD_COMPLEXITY);
    expect(() => compilePattern({ key: deep.map((wildcard) => ({ wildcard })) })).toThrow(TOO_COMPLEX);
    expect(() => compilePattern({ $or: [{ key: [{ wildcard: deep[0] }, { wildcard: deep[1] }] }, { key: [{ wildcard: deep[2] }, { wildcard: deep[3] }] }] }))
      .toThrow(TOO_COMPLEX);
    expect(() => compilePattern({ key: [{ wildcard: deep[0] }, { wildcard: deep[1] }], other: [{ wildcard: deep[2] }, { wildcard: deep[3] }] }))
      .not.toThrow();
  });

  it('counts anything-but wildcards too (aws/event-ruler MachineComplexityEvaluator: ANYTHING_BUT_WILDCARD)', () => {
    expect(() => compilePattern({ key: [{ 'anything-but': { wildcard: '*:*:*:*:*:event-bus/*' } }] })).toThrow(TOO_COMPLEX);
  });

  it('names the field on the second line', () => {
    expect(() => compilePattern({ detail: { arn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] } })).toThrow(`${TOO_COMPLEX}\n at detail.arn`);
  });
});
