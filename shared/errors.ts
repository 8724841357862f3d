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

/**
 * A configuration value is invalid: a key of the stack's configuration (context or props, at synth) or an
 * environment variable of a function (at its first use). `key` names it; the message says what it accepts.
 */
export class InvalidConfigError extends PushError {
  constructor(
    /** The configuration key or environment variable at fault. */
    public readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('InvalidConfig', message, options);
  }
}
