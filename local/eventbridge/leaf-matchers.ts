import { cidrContains, parseCidr } from './cidr';
import { InvalidEventPatternError } from './errors';
import { matchesWildcard, parseWildcard, Wildcard } from './wildcard';

/** A leaf value of an event: what a pattern's matchers are tested against. */
export type Scalar = string | number | boolean | null;

/**
 * One element of a pattern leaf array, compiled. `exists` tests the whole set of leaf values found at the
 * field (empty when the field is absent or not a leaf); `value` tests each leaf value and matches if any does.
 */
export type LeafMatcher =
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'value'; readonly test: (value: Scalar) => boolean };

/** Operators a matcher object may use. Also the field names reserved inside `$or` alternatives. */
export const OPERATORS = [
  'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr',
] as const;

/** EventBridge's numeric range: values outside ±5.0e9 cannot be compared. */
export const NUMERIC_LIMIT = 5e9;

const fold = (s: string) => s.toLowerCase();
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(reason: string, path: string): never {
  throw new InvalidEventPatternError(reason, path);
}

/** Compiles one element of a leaf array: a literal (string, number, boolean, null) or a matcher object. */
export function compileLeafElement(element: unknown, path: string): LeafMatcher {
  if (element === null || typeof element === 'boolean') {
    return { kind: 'value', test: (v) => v === element };
  }
  if (isString(element)) return { kind: 'value', test: (v) => v === element };
  if (isNumber(element)) return { kind: 'value', test: (v) => v === element };
  if (isPlainObject(element)) return compileOperator(element, path);
  return fail('match value must be a string, number, true, false, null or a matcher object', path);
}

function singleKey(matcher: Record<string, unknown>, path: string): [string, unknown] {
  const keys = Object.keys(matcher);
  if (keys.length === 0) fail('a matcher object must have exactly one operator; found none', path);
  if (keys.length > 1) fail(`only one operator is allowed in a matcher object; found ${keys.join(', ')}`, path);
  return [keys[0], matcher[keys[0]]];
}

function compileOperator(matcher: Record<string, unknown>, path: string): LeafMatcher {
  const [op, arg] = singleKey(matcher, path);
  const at = `${path}.${op}`;
  switch (op) {
    case 'prefix':
    case 'suffix':
      return compileAffix(op, arg, at);
    case 'equals-ignore-case': {
      if (!isString(arg)) fail('equals-ignore-case match pattern must be a string', at);
      const folded = fold(arg);
      return { kind: 'value', test: (v) => isString(v) && fold(v) === folded };
    }
    case 'wildcard': {
      const wildcard = compileWildcard(arg, at);
      return { kind: 'value', test: (v) => isString(v) && matchesWildcard(wildcard, v) };
    }
    case 'numeric': {
      const inRange = compileNumeric(arg, at);
      return { kind: 'value', test: (v) => isNumber(v) && inRange(v) };
    }
    case 'exists':
      if (typeof arg !== 'boolean') fail('exists match pattern must be either true or false', at);
      return { kind: 'exists', present: arg };
    case 'cidr': {
      if (!isString(arg)) fail('cidr match pattern must be a string', at);
      const block = parseCidr(arg);
      if (typeof block === 'string') fail(block, at);
      return { kind: 'value', test: (v) => isString(v) && cidrContains(block, v) };
    }
    case 'anything-but': {
      const excluded = compileAnythingBut(arg, at);
      return { kind: 'value', test: (v) => !excluded(v) };
    }
    default:
      return fail(`unrecognized match type "${op}"`, path);
  }
}

/** `prefix` / `suffix`, with a string or `{"equals-ignore-case": string}`. */
function compileAffix(op: 'prefix' | 'suffix', arg: unknown, at: string): LeafMatcher {
  const ends = (v: string, s: string) => (op === 'prefix' ? v.startsWith(s) : v.endsWith(s));
  if (isString(arg)) return { kind: 'value', test: (v) => isString(v) && ends(v, arg) };
  if (isPlainObject(arg)) {
    const [inner, value] = singleKey(arg, at);
    if (inner !== 'equals-ignore-case') fail(`unsupported ${op} pattern "${inner}"; only equals-ignore-case`, at);
    if (!isString(value)) fail(`${op} equals-ignore-case match pattern must be a string`, `${at}.${inner}`);
    const folded = fold(value);
    return { kind: 'value', test: (v) => isString(v) && ends(fold(v), folded) };
  }
  return fail(`${op} match pattern must be a string or an equals-ignore-case object`, at);
}

function compileWildcard(arg: unknown, at: string): Wildcard {
  if (!isString(arg)) fail('wildcard match pattern must be a string', at);
  const parsed = parseWildcard(arg);
  if (typeof parsed === 'string') fail(parsed, at);
  return parsed;
}

function checkNumber(value: unknown, what: string, at: string): number {
  if (!isNumber(value)) fail(`value of ${what} must be numeric`, at);
  if (value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) {
    fail(`value of ${what} must be between -5.0E9 and 5.0E9 inclusive`, at);
  }
  return value;
}

/**
 * `numeric`: `["=", n]`, `[">"|">=", n]`, `["<"|"<=", n]`, or a lower bound followed by an upper bound
 * (`[">", 0, "<=", 5]`). As in AWS, an upper bound may not come first, and the lower bound must be less than
 * the upper one.
 */
function compileNumeric(arg: unknown, at: string): (v: number) => boolean {
  if (!Array.isArray(arg)) fail('value of numeric must be an array', at);
  if (arg.length === 0) fail('numeric expression is empty', at);
  const [op, value, op2, value2] = arg;
  if (!isString(op)) fail(`invalid member in numeric match: ${JSON.stringify(op)}`, at);
  if (arg.length === 1) fail(`numeric operator "${op}" has no value`, at);
  const n = checkNumber(value, op, at);
  if (op === '=' || op === '<' || op === '<=') {
    if (arg.length > 2) fail(`too many elements in numeric expression; "${op}" must be alone`, at);
    if (op === '=') return (v) => v === n;
    return op === '<' ? (v) => v < n : (v) => v <= n;
  }
  if (op !== '>' && op !== '>=') fail(`unrecognized numeric range operator "${op}"`, at);
  const lower = op === '>' ? (v: number) => v > n : (v: number) => v >= n;
  if (arg.length === 2) return lower;
  if (op2 !== '<' && op2 !== '<=') fail(`bad numeric range operator ${JSON.stringify(op2)}; expected "<" or "<="`, at);
  if (arg.length === 3) fail(`numeric operator "${op2}" has no value`, at);
  if (arg.length > 4) fail('too many terms in numeric range expression', at);
  const top = checkNumber(value2, op2, at);
  if (!(n < top)) fail('bottom of a numeric range must be less than its top', at);
  return op2 === '<' ? (v) => lower(v) && v < top : (v) => lower(v) && v <= top;
}

/**
 * `anything-but`: a string, a number, a non-empty list of only strings or only numbers, or an object with one
 * of `prefix`, `suffix` (non-empty strings), `equals-ignore-case`, `wildcard` (a string or a list of strings).
 * Returns the predicate of the EXCLUDED values.
 */
function compileAnythingBut(arg: unknown, at: string): (v: Scalar) => boolean {
  if (isString(arg) || isNumber(arg)) return (v) => v === arg;
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail('anything-but list must not be empty', at);
    const allStrings = arg.every(isString);
    const allNumbers = arg.every(isNumber);
    if (!allStrings && !allNumbers) {
      fail('inside an anything-but list, values must be all strings or all numbers (no mixed types, null or boolean)', at);
    }
    const set = new Set<unknown>(arg);
    return (v) => set.has(v);
  }
  if (isPlainObject(arg)) {
    const [inner, value] = singleKey(arg, at);
    const innerAt = `${at}.${inner}`;
    switch (inner) {
      case 'prefix':
      case 'suffix': {
        if (!isString(value)) fail(`anything-but ${inner} match pattern must be a string`, innerAt);
        if (value === '') fail(`anything-but ${inner} must not be empty`, innerAt);
        return inner === 'prefix'
          ? (v) => isString(v) && v.startsWith(value)
          : (v) => isString(v) && v.endsWith(value);
      }
      case 'equals-ignore-case': {
        const values = stringOrStrings(value, `anything-but ${inner}`, innerAt).map(fold);
        const set = new Set(values);
        return (v) => isString(v) && set.has(fold(v));
      }
      case 'wildcard': {
        const wildcards = stringOrStrings(value, `anything-but ${inner}`, innerAt).map((w) => compileWildcard(w, innerAt));
        return (v) => isString(v) && wildcards.some((w) => matchesWildcard(w, v));
      }
      default:
        return fail(`unsupported anything-but pattern "${inner}"`, at);
    }
  }
  return fail('value of anything-but must be a string, a number, a list of them, or a prefix/suffix/equals-ignore-case/wildcard object', at);
}

function stringOrStrings(value: unknown, what: string, at: string): string[] {
  if (isString(value)) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every(isString)) return value;
  return fail(`${what} must be a string or a non-empty list of strings`, at);
}
