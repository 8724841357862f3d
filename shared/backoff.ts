/**
 * "Equal jitter" exponential backoff: a random point in the upper half of a ceiling that doubles each step,
 * `min(maxMs, initialMs * 2^step)`. Never zero (no storm against a failing peer) and spread out (callers
 * failed at the same moment do not retry at the same moment). `step` counts from 0.
 */
export function equalJitterDelay(step: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, step), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
