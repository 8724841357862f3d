/** Options of a full-jitter exponential backoff (the client's reconnects use equal jitter: `client/src/backoff.ts`). */
export interface FullJitterOptions {
  /** Delay ceiling of the first retry, in ms. */
  readonly baseDelayMs: number;
  /** Largest delay, in ms. */
  readonly maxDelayMs: number;
}

/**
 * Full-jitter exponential backoff: a uniformly random delay in `[0, min(max, base * 2^(retry-1)))`.
 * `retry` counts from 1 (the delay before the second attempt).
 */
export function fullJitterDelay(retry: number, options: FullJitterOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
