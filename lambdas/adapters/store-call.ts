import { PushError } from '../../shared/errors';
import { StoreError } from '../core/errors';

/**
 * Runs one DynamoDB operation of a store: an SDK failure becomes a `StoreError` naming `what`, with the
 * SDK error as `cause`; the project's own typed errors (UnknownConnection, TooManySubscriptions, StoreError…)
 * pass through unchanged.
 */
export async function storeCall<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PushError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    throw new StoreError(`${what} failed (${name})`, { cause: error });
  }
}
