import { PushError } from '../../shared/errors';

/** Codes of {@link ConsoleError}. */
export type ConsoleErrorCode = 'BadRequest' | 'NotFound' | 'NotRedrivable';

/** A console request cannot be served; `code` says why (the page shows the message). */
export class ConsoleError extends PushError {
  constructor(code: ConsoleErrorCode, message: string) {
    super(code, message);
  }
}
