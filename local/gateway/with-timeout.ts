/** How an integration call ended: its value, what it threw, or no answer within the timeout. */
export type InvokeOutcome =
  | { kind: 'ok'; value: unknown; ms: number }
  | { kind: 'error'; error: unknown; ms: number }
  | { kind: 'timeout'; ms: number };

/**
 * Calls an integration and waits at most `timeoutMs` for it (API Gateway's integration timeout). Never
 * rejects: a throw and a timeout are outcomes. A late answer after the timeout is ignored.
 */
export async function invokeWithTimeout(
  invoke: (event: unknown) => Promise<unknown>,
  event: unknown,
  timeoutMs: number,
): Promise<InvokeOutcome> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<InvokeOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout', ms: Date.now() - started }), timeoutMs);
    timer.unref?.();
  });
  const call = (async (): Promise<InvokeOutcome> => {
    try {
      const value = await invoke(event);
      return { kind: 'ok', value, ms: Date.now() - started };
    } catch (error) {
      return { kind: 'error', error, ms: Date.now() - started };
    }
  })();
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
