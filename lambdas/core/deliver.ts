import type { ConnectionStore } from './connection-store';
import { GoneError, PublishError } from './errors';
import { fullJitterDelay, sleep as realSleep } from './backoff';
import { describeError, type Logger } from './logger';
import type { Publisher } from './publisher';

/** Outcome of one push. */
export interface DeliveryReport {
  /** Posts API Gateway accepted. */
  delivered: number;
  /** Connections that answered 410 and were removed from the registry. */
  gone: number;
  /** Posts that failed for good (403, 413, or retryable errors past the last attempt). */
  failed: number;
  durationMs: number;
  /**
   * Ids whose posts failed with a retryable error (throttling, 5xx, network) on their last attempt: the
   * ones worth retrying later. Only collected with `collectRetryable`.
   */
  retryable?: string[];
}

/** Settings of {@link deliver}. */
export interface DeliverOptions {
  /** Posts in flight at once. */
  readonly concurrency: number;
  /** Attempts per post, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Backoff ceiling of the first retry. @default 50 */
  readonly baseDelayMs?: number;
  /** Largest backoff. @default 2000 */
  readonly maxDelayMs?: number;
  /** Collect the ids that failed with a retryable error in `report.retryable`. @default false */
  readonly collectRetryable?: boolean;
}

/** When a connection was registered, to tell a connection still in its handshake from one that is gone. */
export interface ConnectionAge {
  /**
   * Epoch ms of the connection's handshake (`connectedAt` of its record) while it may still be in it; undefined
   * when it has no record, or has sent a frame already (then it was open, and a 410 means gone).
   */
  connectedAt(connectionId: string): Promise<number | undefined>;
}

/**
 * How long after its handshake started a connection's 410 is taken for "still connecting": on AWS,
 * `PostToConnection` answers 410 until `$connect` has returned and API Gateway has completed the handshake
 * (the authorizer and `$connect` may each take a cold start), so a push that follows `WebSocketConnected`
 * can meet it. Such a 410 is retried with backoff, and the record is not removed, until the connection is older.
 */
export const HANDSHAKE_GRACE_MS = 10_000;

/** Collaborators of {@link deliver}; `sleep`, `random` and `now` are injectable for tests. */
export interface DeliverDeps {
  readonly publisher: Publisher;
  /** `connectedAt`, when the store has it, turns on the handshake grace of {@link HANDSHAKE_GRACE_MS}. */
  readonly store: Pick<ConnectionStore, 'remove'> & Partial<ConnectionAge>;
  readonly logger: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BASE_DELAY_MS = 50;
export const DEFAULT_MAX_DELAY_MS = 2000;

/**
 * Posts one framed message to every connection id of `pages` with at most `concurrency` posts in
 * flight. The ids are pulled page by page by a pool of workers, so memory stays bounded whatever the
 * audience's size. Throttling, 5xx and network errors are retried with full-jitter backoff; a 410
 * removes the gone connection (and its subscriptions) from the store, unless the connection's record is
 * younger than HANDSHAKE_GRACE_MS (then it is still connecting: retried); 403 and 413 are not retried.
 * Never throws for a failed post; an error of `pages` itself (the store) propagates.
 */
export async function deliver(
  pages: AsyncIterable<readonly string[]>,
  payload: Uint8Array,
  options: DeliverOptions,
  deps: DeliverDeps,
): Promise<DeliveryReport> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const backoff = {
    baseDelayMs: options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
  };
  const started = now();
  const report: DeliveryReport = {
    delivered: 0,
    gone: 0,
    failed: 0,
    durationMs: 0,
    ...(options.collectRetryable ? { retryable: [] } : {}),
  };
  const ids = flatten(pages);
  let stop = false;

  const postOne = async (connectionId: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.publisher.post(connectionId, payload);
        report.delivered++;
        return;
      } catch (error) {
        if (error instanceof GoneError) {
          if (await stillConnecting(connectionId, deps, now)) {
            await sleep(handshakeDelay(attempt, random));
            continue;
          }
          report.gone++;
          await removeGone(connectionId, deps);
          return;
        }
        const retryable = error instanceof PublishError && error.retryable;
        if (!retryable || attempt >= maxAttempts) {
          report.failed++;
          if (retryable) report.retryable?.push(connectionId);
          deps.logger.warn('post failed', { connectionId, attempts: attempt, error: describeError(error) });
          return;
        }
        await sleep(fullJitterDelay(attempt, backoff, random));
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (!stop) {
      // Concurrent next() calls on one async generator are queued by the runtime, so every id is
      // handed to exactly one worker.
      const next = await ids.next();
      if (next.done) return;
      await postOne(next.value);
    }
  };

  const workers = Array.from({ length: Math.max(1, options.concurrency) }, () =>
    worker().catch((error: unknown) => {
      stop = true;
      throw error;
    }),
  );
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  report.durationMs = now() - started;
  return report;
}

async function* flatten(pages: AsyncIterable<readonly string[]>): AsyncGenerator<string> {
  for await (const page of pages) yield* page;
}

async function removeGone(connectionId: string, deps: DeliverDeps): Promise<void> {
  try {
    await deps.store.remove(connectionId);
  } catch (error) {
    // The record's TTL still expires it; the push itself succeeded for everyone else.
    deps.logger.warn('removing gone connection failed', { connectionId, error: describeError(error) });
  }
}

/** Whether a 410 is from a connection still in its handshake: its record is younger than HANDSHAKE_GRACE_MS. */
async function stillConnecting(connectionId: string, deps: DeliverDeps, now: () => number): Promise<boolean> {
  if (!deps.store.connectedAt) return false;
  try {
    const connectedAt = await deps.store.connectedAt(connectionId);
    return connectedAt !== undefined && now() - connectedAt < HANDSHAKE_GRACE_MS;
  } catch (error) {
    deps.logger.warn('reading the connection record failed', { connectionId, error: describeError(error) });
    return false;
  }
}

/** Backoff between posts to a connection still connecting: 100 ms doubling to 1 s, with jitter, never 0. */
function handshakeDelay(attempt: number, random: () => number): number {
  return 50 + fullJitterDelay(attempt, { baseDelayMs: 100, maxDelayMs: 1000 }, random);
}
