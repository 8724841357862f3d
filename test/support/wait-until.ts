/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** Give up after this long: a bound for a broken build, not a clock the test relies on. @default 15000 */
  readonly timeoutMs?: number;
  /** Pause between two checks. @default 20 */
  readonly intervalMs?: number;
}

/**
 * Waits until `check` holds (polling), or fails with `what` and the time waited. The one bounded wait of the
 * tests: use it instead of a fixed sleep whenever a test waits for something to happen.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 20;
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
