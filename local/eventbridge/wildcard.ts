/**
 * EventBridge `wildcard` values: `*` matches any run of characters (possibly empty), `\*` is a literal
 * asterisk and `\\` a literal backslash. Two consecutive unescaped `*` are rejected, as is a backslash
 * before any other character.
 */

/** A parsed wildcard value: the literal segments between the `*`s. */
export interface Wildcard {
  /** Literal text between wildcards; `segments.length - 1` is the number of `*`. */
  readonly segments: readonly string[];
}

/**
 * Where AWS reports a wildcard error: the UTF-8 byte offset in the value as its engine sees it, the JSON
 * string with its opening quote (aws/event-ruler JsonRuleCompiler parses `'"' + value + '"'`; LocalStack's
 * AWS-recorded answer for `arn:aws:events:us-east-1:**:event-bus/*` is "at pos 26").
 */
const position = (value: string, index: number) => 1 + Buffer.byteLength(value.slice(0, index), 'utf8');

/**
 * Parses a wildcard value. Returns the parsed form, or AWS's reason for refusing it (aws/event-ruler
 * WildcardParser).
 */
export function parseWildcard(value: string): Wildcard | string {
  const segments: string[] = [];
  let current = '';
  let previousWasStar = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${position(value, i)}`;
      current += next;
      i++;
      previousWasStar = false;
    } else if (ch === '*') {
      if (previousWasStar) return `Consecutive wildcard characters at pos ${position(value, i - 1)}`;
      segments.push(current);
      current = '';
      previousWasStar = true;
    } else {
      current += ch;
      previousWasStar = false;
    }
  }
  segments.push(current);
  return { segments };
}

/**
 * Whether `text` matches the wildcard. Linear-time greedy glob matching (no regular expression, so no
 * catastrophic backtracking on long values).
 */
export function matchesWildcard(wildcard: Wildcard, text: string): boolean {
  const { segments } = wildcard;
  if (segments.length === 1) return text === segments[0];
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let position = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const found = text.indexOf(segments[i], position);
    if (found < 0 || found + segments[i].length > end) return false;
    position = found + segments[i].length;
  }
  return true;
}
