/** Settings of the reconnect backoff. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay (ms). @default 500 */
  readonly initialDelayMs?: number;
  /** Largest delay (ms). @default 30000 */
  readonly maxDelayMs?: number;
}

export const DEFAULT_INITIAL_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 30_000;

/**
 * Delay before reconnect attempt `attempt` (0 for the first): "equal jitter", a random point in the upper
 * half of an exponentially growing ceiling. Never zero (no reconnect storm against a failing endpoint) and
 * spread out (clients cut at the same moment do not come back at the same moment).
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const max = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
