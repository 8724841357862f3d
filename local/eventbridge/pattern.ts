/**
 * The EventBridge event-pattern language: validation (what `PutRule` / `TestEventPattern` reject) and
 * matching. A pattern is a JSON object whose fields are either nested objects or LEAF ARRAYS of matchers;
 * a field matches if any matcher in its array matches, an object matches if all its fields match.
 *
 * Semantics chosen where the AWS documentation is silent or ambiguous (each follows AWS's own matching
 * engine, event-ruler, as documented):
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
 * - An upper bound may not come first in `numeric` (`["<", 0, ">=", 10]` is rejected), like AWS.
 * - A literal string in a pattern is compared exactly (no IP address normalization).
 */
import { InvalidEventPatternError } from './errors';
import { compileLeafElement, LeafMatcher, OPERATORS, Scalar } from './leaf-matchers';

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

type FieldNode = { readonly kind: 'object'; readonly node: ObjectNode } | { readonly kind: 'leaf'; readonly matchers: readonly LeafMatcher[] };

interface ObjectNode {
  readonly fields: ReadonlyArray<readonly [string, FieldNode]>;
  /** `$or` alternatives, when the object has one. */
  readonly alternatives?: readonly ObjectNode[];
}

const OR_KEY = '$or';
const RESERVED_IN_OR = new Set<string>(OPERATORS);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function compileObject(pattern: Record<string, unknown>, path: string, insideOr: boolean): ObjectNode {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidEventPatternError('empty objects are not allowed', path);
  const fields: Array<readonly [string, FieldNode]> = [];
  let alternatives: ObjectNode[] | undefined;
  for (const key of keys) {
    const value = pattern[key];
    const at = join(path, key);
    if (key === OR_KEY && Array.isArray(value)) {
      alternatives = compileOr(value, at);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw new InvalidEventPatternError(`"${key}" is a reserved operator name and cannot be a field inside $or`, at);
    }
    if (Array.isArray(value)) fields.push([key, { kind: 'leaf', matchers: compileLeaf(value, at) }]);
    else if (isPlainObject(value)) fields.push([key, { kind: 'object', node: compileObject(value, at, insideOr) }]);
    else throw new InvalidEventPatternError(`"${key}" must be an object or an array`, at);
  }
  return alternatives ? { fields, alternatives } : { fields };
}

function compileOr(value: unknown[], at: string): ObjectNode[] {
  if (value.length < 2) throw new InvalidEventPatternError('there must be at least 2 objects in a $or array', at);
  return value.map((alternative, i) => {
    if (!isPlainObject(alternative)) {
      throw new InvalidEventPatternError('only JSON objects are allowed in a $or array', `${at}[${i}]`);
    }
    return compileObject(alternative, `${at}[${i}]`, true);
  });
}

function compileLeaf(values: unknown[], at: string): LeafMatcher[] {
  if (values.length === 0) throw new InvalidEventPatternError('empty arrays are not allowed', at);
  return values.map((element, i) => compileLeafElement(element, `${at}[${i}]`));
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
    const child = object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
    const ok = field.kind === 'leaf' ? matchLeaf(field.matchers, child) : matchObject(field.node, child);
    if (!ok) return false;
  }
  return !node.alternatives || node.alternatives.some((alternative) => matchObject(alternative, value));
}

/**
 * Validates and compiles a parsed pattern.
 * @throws InvalidEventPatternError saying what is wrong and where.
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) {
    throw new InvalidEventPatternError('an event pattern must be a JSON object', '');
  }
  const root = compileObject(pattern, '', false);
  return {
    source: pattern,
    matches: (event: unknown) => matchObject(root, event),
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
    throw new InvalidEventPatternError(`the pattern is not valid JSON (${(error as Error).message})`, '');
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
