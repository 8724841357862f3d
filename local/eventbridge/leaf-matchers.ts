/**
 * One element of a pattern's leaf array, compiled. Reasons for refusing a matcher are AWS's words: those of
 * its matching engine, aws/event-ruler (JsonRuleCompiler, CIDR, ComparableNumber, WildcardParser), which
 * LocalStack's answers recorded against AWS repeat word for word (test_events_patterns.snapshot.json).
 */
import { cidrContains, ipToRange, parseCidr } from './cidr';
import { InvalidEventPatternError } from './errors';
import { matchesWildcard, parseWildcard, Wildcard } from './wildcard';

/** A leaf value of an event: what a pattern's matchers are tested against. */
export type Scalar = string | number | boolean | null;

/** A wildcard a matcher uses, for the rule's complexity limit (`kind` and `text` tell patterns apart). */
export interface WildcardUse {
  readonly kind: 'wildcard' | 'anything-but';
  readonly text: string;
  readonly wildcard: Wildcard;
}

/**
 * One element of a pattern leaf array, compiled. `exists` tests the whole set of leaf values found at the
 * field (empty when the field is absent or not a leaf); `value` tests each leaf value and matches if any does.
 */
export type LeafMatcher =
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'value'; readonly test: (value: Scalar) => boolean; readonly wildcards?: readonly WildcardUse[] };

/**
 * Field names an object inside `$or` may not use: the engine's reserved words (aws/event-ruler Constants
 * RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
 */
export const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

/** EventBridge's numeric range: values outside ±5.0e9 cannot be compared. */
export const NUMERIC_LIMIT = 5e9;

const ONLY_ONE_KEY = 'Only one key allowed in match expression';
const TOO_MANY_ELEMENTS = 'Too many elements in numeric expression';

const fold = (s: string) => s.toLowerCase();
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(reason: string, path: string): never {
  throw new InvalidEventPatternError(reason, path);
}

/** How AWS's JSON parser spells the token it stopped at (`]` when the array ended there). */
function tokenText(value: unknown): string {
  if (value === undefined) return ']';
  if (Array.isArray(value)) return '[';
  if (isPlainObject(value)) return '{';
  return isString(value) ? value : String(value);
}

/** Numbers the engine can compare (aws/event-ruler ComparableNumber). */
function checkRange(value: number, at: string): number {
  if (value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) fail('Value must be between -5.0E9 and 5.0E9, inclusive', at);
  return value;
}

/** Compiles one element of a leaf array: a literal (string, number, boolean, null) or a matcher object. */
export function compileLeafElement(element: unknown, path: string): LeafMatcher {
  if (element === null || typeof element === 'boolean' || isNumber(element)) {
    return { kind: 'value', test: (v) => v === element };
  }
  if (isString(element)) {
    // A literal IP address matches the same address however the event writes it (aws/event-ruler
    // JsonRuleCompiler turns such literals into CIDR.ipToRangeIfPossible ranges).
    const range = ipToRange(element);
    if (range) return { kind: 'value', test: (v) => v === element || (isString(v) && cidrContains(range, v)) };
    return { kind: 'value', test: (v) => v === element };
  }
  if (isPlainObject(element)) return compileOperator(element, path);
  return fail('Match value must be String, number, true, false, or null', path);
}

/** The matcher object's operator, its argument, and whether more keys follow it. */
function firstKey(matcher: Record<string, unknown>, notFound: string, path: string): [string, unknown, boolean] {
  const keys = Object.keys(matcher);
  if (keys.length === 0) fail(notFound, path);
  return [keys[0], matcher[keys[0]], keys.length > 1];
}

function compileOperator(matcher: Record<string, unknown>, path: string): LeafMatcher {
  const [op, arg, more] = firstKey(matcher, 'Match expression name not found', path);
  const at = `${path}.${op}`;
  const compiled = compileOperatorValue(op, arg, at, path);
  // The engine reads the operator's value before it notices a second key; numeric and anything-but report
  // it with the numeric wording.
  if (more) fail(op === 'numeric' || op === 'anything-but' ? TOO_MANY_ELEMENTS : ONLY_ONE_KEY, path);
  return compiled;
}

function compileOperatorValue(op: string, arg: unknown, at: string, path: string): LeafMatcher {
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
      if (!isString(arg)) fail('wildcard match pattern must be a string', at);
      const wildcard = compileWildcard(arg, at);
      return {
        kind: 'value',
        test: (v) => isString(v) && matchesWildcard(wildcard, v),
        wildcards: [{ kind: 'wildcard', text: arg, wildcard }],
      };
    }
    case 'numeric': {
      if (!Array.isArray(arg)) fail('Value of numeric must be an array.', at);
      const inRange = compileNumeric(arg, at);
      return { kind: 'value', test: (v) => isNumber(v) && inRange(v) };
    }
    case 'exists':
      if (typeof arg !== 'boolean') fail('exists match pattern must be either true or false.', at);
      return { kind: 'exists', present: arg };
    case 'cidr': {
      // AWS answers a non-string cidr with the prefix wording (recorded: content_ip_address_type_EXC).
      if (!isString(arg)) fail('prefix match pattern must be a string', at);
      const block = parseCidr(arg);
      if (typeof block === 'string') fail(block, at);
      return { kind: 'value', test: (v) => isString(v) && cidrContains(block, v) };
    }
    case 'anything-but':
      return compileAnythingBut(arg, at);
    default:
      return fail(`Unrecognized match type ${op}`, path);
  }
}

/** `prefix` / `suffix`, with a string or `{"equals-ignore-case": string}`. */
function compileAffix(op: 'prefix' | 'suffix', arg: unknown, at: string): LeafMatcher {
  const ends = (v: string, s: string) => (op === 'prefix' ? v.startsWith(s) : v.endsWith(s));
  if (isString(arg)) return { kind: 'value', test: (v) => isString(v) && ends(v, arg) };
  if (!isPlainObject(arg)) fail(`${op} match pattern must be a string`, at);
  const name = op === 'prefix' ? 'Prefix' : 'Suffix';
  const [inner, value, more] = firstKey(arg, `${name} expression name not found`, at);
  if (inner !== 'equals-ignore-case') fail(`Unsupported ${op} pattern: ${inner}`, at);
  if (!isString(value)) fail('equals-ignore-case match pattern must be a string', `${at}.${inner}`);
  if (more) fail(ONLY_ONE_KEY, at);
  const folded = fold(value);
  return { kind: 'value', test: (v) => isString(v) && ends(fold(v), folded) };
}

function compileWildcard(text: string, at: string): Wildcard {
  const parsed = parseWildcard(text);
  if (typeof parsed === 'string') fail(parsed, at);
  return parsed;
}

/**
 * `numeric`: `["=", n]`, `[">"|">=", n]`, `["<"|"<=", n]`, or a lower bound followed by an upper bound
 * (`[">", 0, "<=", 5]`). As in AWS, an upper bound may not come first, and the lower bound must be less than
 * the upper one. Checks in the engine's order, with its words (aws/event-ruler JsonRuleCompiler
 * processNumericMatchExpression, Range, ComparableNumber).
 */
function compileNumeric(arg: unknown[], at: string): (v: number) => boolean {
  const [op, value, op2, value2] = arg;
  if (!isString(op)) fail(`Invalid member in numeric match: ${tokenText(op)}`, at);
  const numeric = (v: unknown, name: string): number => {
    if (!isNumber(v)) fail(`Value of ${name} must be numeric`, at);
    return v;
  };
  if (op === '=' || op === '<' || op === '<=') {
    const n = numeric(value, op === '=' ? 'equals' : op);
    if (arg.length > 2) fail(TOO_MANY_ELEMENTS, at);
    checkRange(n, at);
    if (op === '=') return (v) => v === n;
    return op === '<' ? (v) => v < n : (v) => v <= n;
  }
  if (op !== '>' && op !== '>=') fail(`Unrecognized numeric range operator: ${op}`, at);
  const n = numeric(value, op);
  const lower = op === '>' ? (v: number) => v > n : (v: number) => v >= n;
  if (arg.length === 2) {
    checkRange(n, at);
    return lower;
  }
  if (!isString(op2)) fail(`Bad value in numeric range: ${tokenText(op2)}`, at);
  if (op2 !== '<' && op2 !== '<=') fail(`Bad numeric range operator: ${op2}`, at);
  const top = numeric(value2, op2);
  if (arg.length > 4) fail('Too many terms in numeric range expression', at);
  checkRange(n, at);
  checkRange(top, at);
  if (!(n < top)) fail('Bottom must be less than top', at);
  return op2 === '<' ? (v) => lower(v) && v < top : (v) => lower(v) && v <= top;
}

type Excluded = { excludes: (v: Scalar) => boolean; wildcards?: readonly WildcardUse[] };

/**
 * `anything-but`: a string, a number, a list of only strings or only numbers, or an object with one of
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, each given a string or a list of strings. Matches a
 * leaf value that is not excluded, whatever its type.
 */
function compileAnythingBut(arg: unknown, at: string): LeafMatcher {
  const { excludes, wildcards } = isPlainObject(arg) ? compileAnythingButOf(arg, at) : compileAnythingButValues(arg, at);
  return { kind: 'value', test: (v) => !excludes(v), ...(wildcards ? { wildcards } : {}) };
}

const ANYTHING_BUT_SHAPE = 'Value of anything-but must be an array or single string/number value.';

function compileAnythingButValues(arg: unknown, at: string): Excluded {
  if (isString(arg)) return { excludes: (v) => v === arg };
  if (isNumber(arg)) {
    checkRange(arg, at);
    return { excludes: (v) => v === arg };
  }
  if (!Array.isArray(arg)) fail(ANYTHING_BUT_SHAPE, at);
  for (const v of arg) {
    if (!isString(v) && !isNumber(v)) fail('Inside anything but list, start|null|boolean is not supported.', at);
    if (isNumber(v)) checkRange(v, at);
  }
  const strings = arg.filter(isString).length;
  if (strings === 0 ? arg.length === 0 : strings !== arg.length) {
    fail('Inside anything but list, either all values are number or string, mixed type is not supported', at);
  }
  const set = new Set<unknown>(arg);
  return { excludes: (v) => set.has(v) };
}

/** `{"anything-but": {"prefix" | "suffix" | "equals-ignore-case" | "wildcard": string | string[]}}`. */
function compileAnythingButOf(arg: Record<string, unknown>, at: string): Excluded {
  const [inner, value, more] = firstKey(arg, 'Anything-But expression name not found', at);
  const innerAt = `${at}.${inner}`;
  if (inner !== 'prefix' && inner !== 'suffix' && inner !== 'equals-ignore-case' && inner !== 'wildcard') {
    fail(`Unsupported anything-but pattern: ${inner}`, at);
  }
  if (!Array.isArray(value) && !isString(value) && !isNumber(value)) fail(ANYTHING_BUT_SHAPE, innerAt);
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (!isString(v)) {
      fail(inner === 'equals-ignore-case'
        ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
        : inner === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string', innerAt);
    }
    if (v === '' && (inner === 'prefix' || inner === 'suffix')) fail('Null prefix/suffix not allowed', innerAt);
  }
  const texts = values as string[];
  let excluded: Excluded;
  switch (inner) {
    case 'prefix':
      excluded = { excludes: (v) => isString(v) && texts.some((t) => v.startsWith(t)) };
      break;
    case 'suffix':
      excluded = { excludes: (v) => isString(v) && texts.some((t) => v.endsWith(t)) };
      break;
    case 'equals-ignore-case': {
      const set = new Set(texts.map(fold));
      excluded = { excludes: (v) => isString(v) && set.has(fold(v)) };
      break;
    }
    default: {
      const uses = texts.map((text): WildcardUse => ({ kind: 'anything-but', text, wildcard: compileWildcard(text, innerAt) }));
      excluded = { excludes: (v) => isString(v) && uses.some((u) => matchesWildcard(u.wildcard, v)), wildcards: uses };
    }
  }
  if (more) fail(TOO_MANY_ELEMENTS, at);
  return excluded;
}
