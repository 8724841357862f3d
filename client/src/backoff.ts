import { equalJitterDelay } from '../../shared/backoff';

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
 * Delay before reconnect attempt `attempt` (0 for the first), with equal jitter (see `equalJitterDelay`):
 * never zero, and clients cut at the same moment do not come back at the same moment.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  return equalJitterDelay(attempt, options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, random);
}
