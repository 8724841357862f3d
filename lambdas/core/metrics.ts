/** Names of the delivery metrics (CloudWatch, embedded metric format). */
export const METRIC_NAMES = {
  /** Posts API Gateway accepted. */
  delivered: 'Delivered',
  /** Connections found gone (410) and removed. */
  gone: 'Gone',
  /** Posts that failed for good. */
  failed: 'Failed',
  /** Time from the start of a push (or a worker invocation) to its last post, ms. */
  fanoutDuration: 'FanoutDuration',
  /** Batches the push function handed to the fan-out queue. */
  queuedBatches: 'QueuedBatches',
  /** Fan-out messages re-queued with their failed ids, or retried whole. */
  retriedBatches: 'RetriedBatches',
} as const;

/** The `service` dimension of each function's delivery metrics. */
export const METRIC_SERVICES = {
  push: 'push',
  fanoutWorker: 'fanout-worker',
} as const;

/** Counts of one push or worker invocation. */
export interface DeliveryFigures {
  readonly delivered: number;
  readonly gone: number;
  readonly failed: number;
  readonly durationMs: number;
  readonly queuedBatches?: number;
  readonly retriedBatches?: number;
}

/** Where the delivery figures go (CloudWatch metrics in Lambda; nowhere in unit tests). */
export interface DeliveryMetrics {
  /** Records and flushes the figures of one invocation. Never throws. */
  publish(figures: DeliveryFigures): void;
}

/** Metrics that go nowhere. */
export const noMetrics: DeliveryMetrics = { publish: () => undefined };
