/**
 * The EventBridge event-pattern language: validation (what `PutRule` / `TestEventPattern` reject) and
 * matching. A pattern is a JSON object whose fields are either nested objects or LEAF ARRAYS of matchers;
 * a field matches if any matcher in its array matches, an object matches if all its fields match.
 *
 * AWS's matching engine is aws/event-ruler; where the documentation is silent or ambiguous this follows it
 * (and the answers LocalStack recorded against AWS, test/fixtures/event-patterns):
 * - Keys are paths joined with dots: `{"state.status": …}` and `{"state": {"status": …}}` name the same field,
 *   in patterns and in events alike (event-ruler README, "Compiled rules and JSON keys with dots").
 * - A field given twice keeps the last value, as a JSON object does (LocalStack complex_multi_key, recorded
 *   against AWS: the later of two `location` leaves decides).
 * - Arrays in events are "crushed": a leaf matches if any element (at any depth of nested arrays) matches;
 *   an object pattern applied to an array of objects matches if ONE element matches the whole object pattern
 *   (array-consistent: fields from two different elements never combine).
 * - Only scalars (string, number, boolean, null) are leaf values. A field whose value is an object, or an
 *   empty array, has no leaf value: `{"exists": true}` does not match it, `{"exists": false}` does (the docs'
 *   example: exists:false matches `c-count` when `c-count` is an object). A missing parent object counts as
 *   absence too: `{"detail": {"x": [{"exists": false}]}}` matches an event without `detail`.
 * - Numbers are compared by value: the pattern `[5]` matches `5.0` and `5`; a number never equals a string.
 * - `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `cidr` only match strings; `numeric` only numbers.
 * - `anything-but` matches any leaf value that is not excluded, including values of another type
 *   (`{"anything-but": "x"}` matches `5`, `true` and `null`); it never matches an absent field. On an array
 *   it matches if any element is not excluded.
 * - `$or` is the OR primitive only when its value is an array (of at least two non-empty objects);
 *   otherwise `$or` is an ordinary field name, as AWS keeps it for backward compatibility. Alternatives
 *   are evaluated against the object that holds the `$or`.
 * - A field's wildcards may not be too complex (see `wildcard-complexity.ts`).
 */
import { InvalidEventPatternError } from './errors';
import { compileLeafElement, LeafMatcher, RESERVED_IN_OR, Scalar, WildcardUse } from './leaf-matchers';
import { wildcardComplexity } from './wildcard-complexity';

export { InvalidEventPatternError } from './errors';

/** An event pattern as parsed JSON. */
export type EventPattern = Record<string, unknown>;

/** A validated, compiled pattern: cheap to evaluate many times. */
export interface CompiledPattern {
  /** The pattern it was compiled from. */
  readonly source: EventPattern;
  /** Whether `event` (any parsed JSON value) matches. Never throws. */
  matches(event: unknown): boolean;
}

/** One field of an object pattern: a leaf array, an object pattern, or both (`a: [..]` and `a.b: [..]`). */
interface FieldNode {
  leaf?: readonly LeafMatcher[];
  object?: ObjectNode;
}

interface ObjectNode {
  readonly fields: Map<string, FieldNode>;
  /** `$or` arrays of this object; each needs one alternative to match. */
  readonly alternatives: ObjectNode[][];
}

/**
 * The most complex wildcards a field may have. AWS does not publish its limit; this one agrees with every
 * answer recorded against AWS: complexity 7 accepted (LocalStack content_wildcard_repeating), 11 refused
 * (content_wildcard_complex_EXC); and with rules reported accepted at 8 and 9 and refused at 12 and 16.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;
const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

const OR_KEY = '$or';
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets an own property, even one named `__proto__` (which `JSON.parse` can produce). */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const newNode = (): ObjectNode => ({ fields: new Map(), alternatives: [] });

/** The field at `segments` below `node`, created if needed. */
function fieldAt(node: ObjectNode, segments: readonly string[]): FieldNode {
  let current = node;
  for (let i = 0; ; i++) {
    let field = current.fields.get(segments[i]);
    if (!field) {
      field = {};
      current.fields.set(segments[i], field);
    }
    if (i === segments.length - 1) return field;
    field.object ??= newNode();
    current = field.object;
  }
}

/** Adds the fields of `pattern` (an object of the pattern at `path`) to `node`. */
function compileInto(node: ObjectNode, pattern: Record<string, unknown>, path: string, insideOr: boolean): void {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidEventPatternError('Empty objects are not allowed', path);
  for (const key of keys) {
    const value = pattern[key];
    const at = join(path, key);
    if (key === OR_KEY && Array.isArray(value)) {
      node.alternatives.push(compileOr(value, at));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw new InvalidEventPatternError(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, at);
    }
    if (!Array.isArray(value) && !isPlainObject(value)) {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`, at);
    }
    const field = fieldAt(node, key.split('.'));
    if (Array.isArray(value)) field.leaf = compileLeaf(value, at);
    else compileInto((field.object ??= newNode()), value, at, insideOr);
  }
}

function compileOr(value: unknown[], at: string): ObjectNode[] {
  const alternatives = value.map((alternative, i) => {
    if (!isPlainObject(alternative)) {
      throw new InvalidEventPatternError('Only JSON object is allowed in array of $or relationship.', `${at}[${i}]`);
    }
    const node = newNode();
    compileInto(node, alternative, `${at}[${i}]`, true);
    return node;
  });
  if (alternatives.length < 2) {
    throw new InvalidEventPatternError('There must have at least 2 Objects in $or relationship.', at);
  }
  return alternatives;
}

function compileLeaf(values: unknown[], at: string): LeafMatcher[] {
  if (values.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed', at);
  return values.map((element, i) => compileLeafElement(element, `${at}[${i}]`));
}

/** Wildcards by field path, over the whole pattern (the alternatives of `$or` included). */
function collectWildcards(node: ObjectNode, path: string, into: Map<string, Map<string, WildcardUse>>): void {
  for (const [key, field] of node.fields) {
    const at = join(path, key);
    for (const matcher of field.leaf ?? []) {
      for (const use of (matcher.kind === 'value' && matcher.wildcards) || []) {
        if (!into.has(at)) into.set(at, new Map());
        into.get(at)!.set(`${use.kind}:${use.text}`, use);
      }
    }
    if (field.object) collectWildcards(field.object, at, into);
  }
  for (const group of node.alternatives) for (const alternative of group) collectWildcards(alternative, path, into);
}

function checkComplexity(root: ObjectNode): void {
  const byPath = new Map<string, Map<string, WildcardUse>>();
  collectWildcards(root, '', byPath);
  for (const [path, uses] of byPath) {
    const wildcards = [...uses.values()].map((u) => u.wildcard);
    if (wildcardComplexity(wildcards, MAX_WILDCARD_COMPLEXITY) >= MAX_WILDCARD_COMPLEXITY) {
      throw new InvalidEventPatternError(TOO_COMPLEX, path);
    }
  }
}

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number';

/**
 * Elements of an array at any depth (nested arrays are crushed). Iterative, so an event of deeply nested
 * arrays cannot overflow the stack.
 */
function flatten(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[][] = [values];
  while (stack.length > 0) {
    for (const v of stack.pop()!) {
      if (Array.isArray(v)) stack.push(v);
      else out.push(v);
    }
  }
  return out;
}

/** Scalars found at a field: the value itself, or the scalars of an array at any depth; none otherwise. */
function leafValues(value: unknown): Scalar[] {
  if (Array.isArray(value)) return flatten(value).filter(isScalar);
  return isScalar(value) ? [value] : [];
}

function matchLeaf(matchers: readonly LeafMatcher[], value: unknown): boolean {
  const values = leafValues(value);
  return matchers.some((m) => (m.kind === 'exists' ? m.present === values.length > 0 : values.some(m.test)));
}

function matchObject(node: ObjectNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements = flatten(value);
    if (elements.length === 0) return matchObject(node, undefined);
    return elements.some((element) => matchObject(node, element));
  }
  const object = isPlainObject(value) ? value : undefined;
  for (const [key, field] of node.fields) {
    const child = object && hasOwn(object, key) ? object[key] : undefined;
    if (field.leaf && !matchLeaf(field.leaf, child)) return false;
    if (field.object && !matchObject(field.object, child)) return false;
  }
  return node.alternatives.every((group) => group.some((alternative) => matchObject(alternative, value)));
}

/** Two values found at one path: objects merge, anything else is kept side by side as an array's elements. */
function merge(a: unknown, b: unknown): unknown {
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) setOwn(out, key, hasOwn(out, key) ? merge(out[key], value) : value);
    return out;
  }
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}

/** Whether any object in `value` has a key with a dot. Iterative: events may nest deeply. */
function hasDottedKey(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (isPlainObject(v)) {
      for (const [key, child] of Object.entries(v)) {
        if (key.includes('.')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const [first, ...rest] = key.split('.');
    const nested = rest.reduceRight<unknown>((inner, segment) => {
      const wrapper: Record<string, unknown> = {};
      setOwn(wrapper, segment, inner);
      return wrapper;
    }, expand(child));
    setOwn(out, first, hasOwn(out, first) ? merge(out[first], nested) : nested);
  }
  return out;
}

/**
 * The event with dotted keys split into nested objects (`{"a.b": 1}` reads as `{"a": {"b": 1}}`), so that its
 * fields have the paths AWS's engine gives them. Returns `value` itself when it has no dotted key.
 */
export function expandDottedKeys(value: unknown): unknown {
  return hasDottedKey(value) ? expand(value) : value;
}

/**
 * Validates and compiles a parsed pattern.
 * @throws InvalidEventPatternError saying what is wrong and where.
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) {
    throw new InvalidEventPatternError('Filter is not an object', '');
  }
  const root = newNode();
  compileInto(root, pattern, '', false);
  checkComplexity(root);
  return {
    source: pattern,
    matches: (event: unknown) => matchObject(root, expandDottedKeys(event)),
  };
}

/**
 * Parses a pattern from its JSON text (as `PutRule` and `TestEventPattern` receive it) and compiles it.
 * @throws InvalidEventPatternError when the text is not JSON or not a valid pattern.
 */
export function parsePattern(text: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // AWS gives its JSON parser's own message here; ours differs in wording.
    throw new InvalidEventPatternError((error as Error).message, '');
  }
  return compilePattern(parsed);
}

/**
 * Checks a parsed pattern as EventBridge does.
 * @throws InvalidEventPatternError saying what is wrong and where.
 */
export function validatePattern(pattern: unknown): asserts pattern is EventPattern {
  compilePattern(pattern);
}

/**
 * Whether `event` matches `pattern`. Validates the pattern each call; compile once with `compilePattern`
 * to match many events.
 * @throws InvalidEventPatternError when the pattern is invalid (never because of the event).
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}
