/**
 * dynalite parses a request's expressions (`UpdateExpression`, `ConditionExpression`, …) with its PEG parsers on
 * every request: for the rate-limit UpdateItem every frame makes, that is most of the request's CPU. The parse
 * is a pure function of the expressions and of the `ExpressionAttributeNames` / `ExpressionAttributeValues`
 * they use, so {@link cacheExpressionParses} remembers its outcome for exactly those inputs and hands each
 * request its own copy. dynalite's answers do not change: same parse trees, same validation messages.
 */

// dynalite ships no type declarations: its validations module exports `validateExpressions(data)`, which sets
// `data._updates`, `_condition`, `_keyCondition`, `_filter` and `_projection` and returns an error message or
// nothing. Every action's validation calls it through the module object, so replacing the export is enough.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validations = require('dynalite/validations') as { validateExpressions: ValidateExpressions };

type Request = Record<string, unknown>;
type ValidateExpressions = (data: Request) => string | undefined;

/** The request fields the parse reads. */
const INPUTS = ['UpdateExpression', 'ConditionExpression', 'KeyConditionExpression', 'FilterExpression', 'ProjectionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'] as const;
/** The fields the parse writes: the parse trees. */
const OUTPUTS = ['_updates', '_condition', '_keyCondition', '_filter', '_projection'] as const;

/** Distinct expression sets remembered; the oldest is forgotten first. */
export const EXPRESSION_CACHE_SIZE = 500;

interface Parsed {
  readonly message: string | undefined;
  readonly trees: Partial<Record<(typeof OUTPUTS)[number], unknown>>;
}

/** The cache behind dynalite's `validateExpressions`, with its counters (tests read them). */
export interface ExpressionCache {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
}

/**
 * A deep copy of a parse tree: arrays, objects (with their prototype: dynalite's path maps have none) and
 * primitives, which is all the parsers build.
 */
function copyTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyTree) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = copyTree((value as Record<string, unknown>)[key]);
  return copy as T;
}

let installed: (ExpressionCache & { clear(): void }) | undefined;

/**
 * Installs the cache in this process's dynalite (once; later calls return the same cache). A request without
 * any expression skips it.
 */
export function cacheExpressionParses(): ExpressionCache & { clear(): void } {
  if (installed) return installed;
  const parse = validations.validateExpressions;
  const entries = new Map<string, Parsed>();
  const counters = { hits: 0, misses: 0 };
  validations.validateExpressions = (data) => {
    if (!INPUTS.some((field) => data[field] !== undefined)) return parse(data);
    const key = JSON.stringify(INPUTS.map((field) => data[field] ?? null));
    let parsed = entries.get(key);
    if (parsed) {
      counters.hits++;
      entries.delete(key); // re-inserted below: the most recently used is the last forgotten
    } else {
      counters.misses++;
      const message = parse(data);
      const trees: Parsed['trees'] = {};
      for (const field of OUTPUTS) if (data[field] !== undefined) trees[field] = copyTree(data[field]);
      if (entries.size >= EXPRESSION_CACHE_SIZE) entries.delete(entries.keys().next().value!);
      entries.set(key, { message, trees });
      return message;
    }
    entries.set(key, parsed);
    // Each request gets its own copy: the actions may keep parts of a tree in the item they write.
    for (const [field, tree] of Object.entries(parsed.trees)) data[field] = copyTree(tree);
    return parsed.message;
  };
  installed = {
    get hits() { return counters.hits; },
    get misses() { return counters.misses; },
    get size() { return entries.size; },
    clear() { entries.clear(); counters.hits = 0; counters.misses = 0; },
  };
  return installed;
}
