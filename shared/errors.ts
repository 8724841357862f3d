/**
 * Base of every typed error in the project: a stable `code` callers can switch on, a `name` equal to the
 * class name, and the original error as `cause`.
 */
export class PushError extends Error {
  constructor(
    /** Stable, machine-readable code. */
    public readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
