import { PushError } from '../../shared/errors';
import { deliver, type DeliverDeps, type DeliverOptions, type DeliveryReport } from './deliver';

/**
 * One unit of fan-out work: the framed message (built once by the push path, posted as is) and a batch of
 * connection ids to post it to. It is one message on the fan-out queue and one worker's unit of retry.
 */
export interface FanoutBatch {
  /** The EventBridge event id (for logs and dedupe; the payload carries it too). */
  readonly eventId: string;
  /** The framed message, exactly as every connection receives it. */
  readonly payload: Uint8Array;
  /** Connection ids to post to. */
  readonly connectionIds: readonly string[];
  /** How many times these ids were handed back to the queue after a partial failure (0 at first). */
  readonly redeliveries?: number;
}

/** The fan-out queue, as the push function and the workers see it. */
export interface FanoutQueue {
  /**
   * Sends the batches (one queue message each).
   * @throws FanoutQueueError when some could not be sent after retries
   */
  enqueue(batches: readonly FanoutBatch[]): Promise<void>;
}

/** The fan-out queue did not accept batches. */
export class FanoutQueueError extends PushError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FanoutQueueFailed', message, options);
  }
}

/** Settings of {@link fanOut}. */
export interface FanoutOptions extends DeliverOptions {
  /** Audiences of more than this many connections go to the queue. */
  readonly threshold: number;
  /** Connection ids per queued batch. */
  readonly batchSize: number;
  /** Batches per `enqueue` call (SQS's SendMessageBatch takes 10). @default 10 */
  readonly batchesPerSend?: number;
}

/** Collaborators of {@link fanOut}. Without a `queue`, every audience is delivered directly. */
export interface FanoutDeps extends DeliverDeps {
  readonly queue?: FanoutQueue;
}

/** What {@link fanOut} did: delivered the audience itself, or queued it for the workers. */
export type FanoutOutcome =
  | { readonly mode: 'direct'; readonly report: DeliveryReport }
  | { readonly mode: 'queued'; readonly connections: number; readonly batches: number; readonly durationMs: number };

/**
 * Delivers one framed message to an audience, choosing how by its size. The ids are read page by page;
 * while at most `threshold` have been read the push function keeps them, and if the audience ends there it
 * posts to them itself (`deliver`). Once the audience grows past `threshold`, every id (the ones read and
 * the ones to come) is cut into batches of `batchSize`, sent to the fan-out queue as they fill while the
 * reading goes on, so workers start before the audience is fully read. An error of the store or the queue
 * propagates: the caller's retry re-sends the whole event, which is at-least-once (clients dedupe by id).
 */
export async function fanOut(
  pages: AsyncIterable<readonly string[]>,
  eventId: string,
  payload: Uint8Array,
  options: FanoutOptions,
  deps: FanoutDeps,
): Promise<FanoutOutcome> {
  const now = deps.now ?? Date.now;
  const started = now();
  const queue = deps.queue;
  const held: string[] = [];
  const iterator = pages[Symbol.asyncIterator]();
  if (queue) {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      held.push(...next.value);
      if (held.length > options.threshold) {
        return enqueueAll(held, iterator, eventId, payload, options, queue, started, now);
      }
    }
    const report = await deliver(single(held), payload, { ...options, collectRetryable: true }, deps);
    // Posts still throttled or failing after the attempts are not lost: their ids go to the workers, whose
    // queue retries them later (and dead-letters them if they keep failing).
    const retry = report.retryable ?? [];
    delete report.retryable;
    if (retry.length) {
      const batchSize = Math.max(1, options.batchSize);
      const batches: FanoutBatch[] = [];
      for (let i = 0; i < retry.length; i += batchSize) {
        batches.push({ eventId, payload, connectionIds: retry.slice(i, i + batchSize), redeliveries: 1 });
      }
      await queue.enqueue(batches);
      report.failed -= retry.length;
      deps.logger.info('handed the ids that kept failing to the fan-out workers', { eventId, connections: retry.length });
    }
    return { mode: 'direct', report };
  }
  const report = await deliver({ [Symbol.asyncIterator]: () => iterator }, payload, options, deps);
  return { mode: 'direct', report };
}

async function* single(ids: readonly string[]): AsyncGenerator<readonly string[]> {
  if (ids.length) yield ids;
}

async function enqueueAll(
  held: string[],
  rest: AsyncIterator<readonly string[]>,
  eventId: string,
  payload: Uint8Array,
  options: FanoutOptions,
  queue: FanoutQueue,
  started: number,
  now: () => number,
): Promise<FanoutOutcome> {
  const batchSize = Math.max(1, options.batchSize);
  const perSend = Math.max(1, options.batchesPerSend ?? 10);
  let ids = held;
  let pending: FanoutBatch[] = [];
  let connections = 0;
  let batches = 0;
  let failed = false;
  // Sends run one after the other, overlapping with the reading; a failure stops the reading.
  let chain: Promise<void> = Promise.resolve();
  const submit = (group: FanoutBatch[]): Promise<void> => {
    const previous = chain;
    chain = previous.then(() => queue.enqueue(group));
    chain.catch(() => (failed = true));
    return previous;
  };
  const cut = async (final: boolean): Promise<void> => {
    while (ids.length >= batchSize || (final && ids.length > 0)) {
      const connectionIds = ids.slice(0, batchSize);
      ids = ids.slice(connectionIds.length);
      pending.push({ eventId, payload, connectionIds });
      connections += connectionIds.length;
      batches++;
      // The first batch goes out at once, so workers start while the rest is read.
      if (batches === 1) void submit(pending.splice(0)).catch(() => undefined);
    }
    while (pending.length >= perSend || (final && pending.length > 0)) {
      const group = pending.slice(0, perSend);
      pending = pending.slice(group.length);
      // Back-pressure: wait for the previous send, so at most one group is read ahead of the queue.
      await submit(group).catch(() => undefined);
    }
  };
  await cut(false);
  while (!failed) {
    const next = await rest.next();
    if (next.done) break;
    ids = ids.concat(next.value);
    await cut(false);
  }
  if (!failed) await cut(true);
  await chain;
  return { mode: 'queued', connections, batches, durationMs: now() - started };
}
