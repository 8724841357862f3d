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

/** Whether DynamoDB refused a write because its condition did not hold (the SDK's or the lean client's error). */
export function conditionFailed(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown } | undefined;
  return e?.name === 'ConditionalCheckFailedException' || e?.code === 'ConditionalCheckFailedException';
}

/**
 * The write of a counted item that may be missing or expired: `update` it while it is live, else `put` a fresh
 * one over nothing or an expired one; each throws ConditionalCheckFailedException when its condition fails.
 * When both fail, another caller changed the item in between: try again (3 times), then answer `raced`.
 */
export async function updateLiveOrPutFresh<T>(update: () => Promise<T>, put: () => Promise<T>, raced: T): Promise<T> {
  for (let attempt = 0; attempt < 3; attempt++) {
    for (const write of [update, put]) {
      try {
        return await write();
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    }
  }
  return raced;
}
