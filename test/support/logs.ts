import type { Logger } from '../../lambdas/core/logger';

/** A Logger that records its lines (as parsed objects) instead of writing them. */
export function recordingLogger(): Logger & { lines: Array<{ level: string; message: string } & Record<string, unknown>> } {
  const lines: Array<{ level: string; message: string } & Record<string, unknown>> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ ...fields, level, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Captures what the handlers' JSON logger writes to stdout during `run`, one parsed object per line.
 */
export async function captureStdout<T>(run: () => Promise<T>): Promise<{ result: T; lines: Array<Record<string, unknown>> }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const result = await run();
    const lines = chunks
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { result, lines };
  } finally {
    spy.mockRestore();
  }
}
