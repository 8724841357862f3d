import { PushError } from '../../shared/errors';

/** Stable codes of `LocalDynamoDbError`. */
export type LocalDynamoDbErrorCode = 'NotStarted' | 'AlreadyStarted' | 'CreateTableFailed' | 'TableNotActive';

/** A failure of the local DynamoDB wrapper itself (not an error answered to a client). */
export class LocalDynamoDbError extends PushError {
  constructor(code: LocalDynamoDbErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
