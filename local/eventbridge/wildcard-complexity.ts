/**
 * The complexity of a field's wildcards, as AWS's matching engine measures it before accepting a rule
 * (aws/event-ruler MachineComplexityEvaluator): the largest number of wildcard "prefixes" that one input value
 * can match at once, summed over the field's distinct wildcard patterns. A prefix is the pattern cut after any
 * of its characters or `*`s; `a*bb` has `a`, `a*`, `a*b`, `a*bb`, and the value `abb` matches `a*`, `a*b`
 * and `a*bb`: 3 (the engine's own tests state these counts). Patterns are measured as the engine stores them:
 * the UTF-8 bytes of the JSON string, quotes included.
 */
import { Wildcard } from './wildcard';

const STAR = -1;
const QUOTE = 0x22;

/** Stops exploring after this many distinct states and reports the cap: such a field is complex anyway. */
const MAX_STATES = 20_000;

function tokensOf(wildcard: Wildcard, quoted: boolean): number[] {
  const tokens: number[] = quoted ? [QUOTE] : [];
  wildcard.segments.forEach((segment, i) => {
    if (i > 0) tokens.push(STAR);
    tokens.push(...Buffer.from(segment, 'utf8'));
  });
  if (quoted) tokens.push(QUOTE);
  return tokens;
}

/** Adds the positions a `*` reaches without consuming anything. */
function close(tokens: readonly number[], positions: number[]): number[] {
  const out = new Set(positions);
  for (const p of positions) {
    for (let k = p; k < tokens.length && tokens[k] === STAR; k++) out.add(k + 1);
  }
  return [...out].sort((a, b) => a - b);
}

/** Positions after reading `byte`: each `*` keeps its position, each matching byte moves one on. */
function step(tokens: readonly number[], positions: readonly number[], byte: number): number[] {
  const next: number[] = [];
  for (const p of positions) {
    if (p > 0 && tokens[p - 1] === STAR) next.push(p);
    if (p < tokens.length && tokens[p] === byte) next.push(p + 1);
  }
  return close(tokens, next);
}

/**
 * Complexity of a set of wildcard patterns of one field, capped at `cap` (the search stops once it is
 * reached). Each position `p > 0` a pattern can be at is one matched prefix: the prefix of length `p`.
 * `quoted: false` measures the bare values, as the engine's own unit tests do.
 */
export function wildcardComplexity(wildcards: readonly Wildcard[], cap: number, quoted = true): number {
  if (wildcards.length === 0) return 0;
  const patterns = wildcards.map((w) => tokensOf(w, quoted));
  const alphabet = new Set<number>();
  for (const tokens of patterns) for (const t of tokens) if (t !== STAR) alphabet.add(t);
  // One byte that appears in no pattern stands for every such byte.
  for (let b = 0; b < 256; b++) if (!alphabet.has(b)) { alphabet.add(b); break; }

  const start = patterns.map((tokens) => close(tokens, [0]));
  const seen = new Set<string>([JSON.stringify(start)]);
  const queue = [start];
  let max = 0;
  while (queue.length > 0) {
    const state = queue.shift()!;
    const size = state.reduce((sum, positions) => sum + positions.filter((p) => p > 0).length, 0);
    if (size > max) max = size;
    if (max >= cap) return cap;
    for (const byte of alphabet) {
      const next = state.map((positions, i) => step(patterns[i], positions, byte));
      const key = JSON.stringify(next);
      if (seen.has(key)) continue;
      if (seen.size >= MAX_STATES) return cap;
      seen.add(key);
      queue.push(next);
    }
  }
  return max;
}
