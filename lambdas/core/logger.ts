/** Structured logger: one line per call; fields must never carry tokens or message payloads. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A loggable summary of an error: name, code, message and the cause's name (never payloads). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: unknown }).cause;
    return {
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
      message: error.message,
      ...(cause instanceof Error ? { cause: `${cause.name}: ${cause.message}` } : {}),
    };
  }
  return { message: String(error) };
}
