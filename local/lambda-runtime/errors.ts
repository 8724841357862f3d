import { PushError } from '../../shared/errors';

/** Stable codes of `LambdaRuntimeError`. */
export type LambdaRuntimeErrorCode = 'FunctionNotFound' | 'FunctionAlreadyRegistered' | 'InvalidFunctionConfig' | 'RuntimeStopped';

/**
 * A misuse of the runtime itself (unknown function, bad configuration, invoke after `stop`). A function's own
 * failure is never this: `invoke` resolves with `{ ok: false, errorType, errorMessage }` instead.
 */
export class LambdaRuntimeError extends PushError {
  constructor(code: LambdaRuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
