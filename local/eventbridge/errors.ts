import { PushError } from '../../shared/errors';

/**
 * An event pattern that EventBridge would refuse (`PutRule`, `TestEventPattern`). `code` is AWS's error type,
 * `InvalidEventPatternException`. The message's first line is AWS's: `Event pattern is not valid. Reason: `
 * and the reason in AWS's words where they are known (AWS's matching engine, aws/event-ruler, and answers
 * recorded against AWS). AWS points at the offending spot on a second line (` at [Source: …; line: 1, column:
 * 11]`); this one points with the field's path instead (` at detail.state[0]`), on the same second line.
 */
export class InvalidEventPatternError extends PushError {
  constructor(
    /** What is wrong, without the location. */
    public readonly reason: string,
    /** Dotted path to the offending part of the pattern; empty for the pattern itself. */
    public readonly path: string,
  ) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}${path ? `\n at ${path}` : ''}`);
  }
}

/**
 * Thrown by a target's `deliver` collaborator to say why a delivery failed. `code` becomes the dead-letter
 * message's `ERROR_CODE`; `retryable: false` sends the event to the dead-letter queue without retrying, as
 * EventBridge does for a target that no longer exists or that it may not invoke.
 */
export class TargetDeliveryError extends PushError {
  constructor(
    code: string,
    message: string,
    /** Whether EventBridge would retry this failure. */
    public readonly retryable = true,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
