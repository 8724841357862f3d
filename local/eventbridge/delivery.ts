import { equalJitterDelay } from '../../shared/backoff';
import { TargetDeliveryError } from './errors';
import { targetLabel } from './arns';

/** Retry settings of a target; AWS's defaults are 185 attempts over 24 hours. */
export interface RetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

/** AWS's default retry policy. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 };

/** Why an event ended in a dead-letter queue; the fields of the message attributes AWS adds. */
export interface DeadLetterReason {
  /** `ERROR_CODE`: the failure's code (a `TargetDeliveryError`'s `code`, else `SDK_CLIENT_ERROR`). */
  errorCode: string;
  /** `ERROR_MESSAGE`. */
  errorMessage: string;
  /** `EXHAUSTED_RETRY_CONDITION`: which limit ended the retries; absent for a failure that is not retried. */
  exhaustedRetryCondition?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
  /** `RETRY_ATTEMPTS`: retries made after the first attempt. */
  retryAttempts: number;
  /** `RULE_ARN`. */
  ruleArn: string;
  /** `TARGET_ARN`. */
  targetArn: string;
}

/** An SQS message attribute value, as `SendMessage` takes it. */
export interface MessageAttributeValue {
  DataType: 'String' | 'Number';
  StringValue: string;
}

/** The SQS message attributes EventBridge puts on a dead-lettered event. */
export function deadLetterMessageAttributes(reason: DeadLetterReason): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    ERROR_CODE: { DataType: 'String', StringValue: reason.errorCode },
    ERROR_MESSAGE: { DataType: 'String', StringValue: reason.errorMessage },
    RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(reason.retryAttempts) },
    RULE_ARN: { DataType: 'String', StringValue: reason.ruleArn },
    TARGET_ARN: { DataType: 'String', StringValue: reason.targetArn },
  };
  if (reason.exhaustedRetryCondition) {
    attributes.EXHAUSTED_RETRY_CONDITION = { DataType: 'String', StringValue: reason.exhaustedRetryCondition };
  }
  return attributes;
}

/** What the dispatcher needs from the rest of the local cloud. */
export interface DeliveryCollaborators {
  /**
   * Hands `payload` to the target. Resolves once the target accepted it (for a Lambda function, once the
   * asynchronous invocation is accepted: the function's own errors are Lambda's to retry, not EventBridge's);
   * rejects when it could not be delivered. Throw a `TargetDeliveryError` with `retryable: false` for a
   * failure EventBridge does not retry (target gone, no permission).
   */
  deliver(targetArn: string, payload: unknown, target?: DeliveryTarget): Promise<void>;
  /** Sends the event to a dead-letter queue with its reason (see `deadLetterMessageAttributes`). */
  sendToDeadLetter(dlqArn: string, event: unknown, reason: DeadLetterReason): Promise<void>;
  /** One readable line per call. */
  log(line: string): void;
  /** Clock (ms since epoch). Default `Date.now`. */
  now?: () => number;
  /** Waits `ms`; should resolve early when `signal` aborts. Default: a timer that `stop()` cancels. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** First retry delay (ms), doubled each retry up to `maxRetryDelayMs`, with jitter. Default 1000. */
  retryBaseDelayMs?: number;
  /** Longest delay between retries (ms). Default 60000. */
  maxRetryDelayMs?: number;
}

/** The target's settings a delivery needs besides its ARN. */
export interface DeliveryTarget {
  /** `RoleArn`: the role EventBridge calls the target as. */
  readonly roleArn?: string;
  /** `AppSyncParameters` of an AppSync target. */
  readonly appSyncParameters?: { readonly graphQLOperation: string };
}

/** One delivery to do: an event, the target and the rule that matched. */
export interface DeliveryJob {
  event: { id: string };
  payload: unknown;
  ruleName: string;
  ruleArn: string;
  targetArn: string;
  /** The target's role and parameters. @default none */
  target?: DeliveryTarget;
  retryPolicy: RetryPolicy;
  deadLetterArn?: string;
  /** When the event was accepted (ms), the start of its age. */
  acceptedAt: number;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * Delivers matched events to targets in the background, retrying failed deliveries with exponential backoff
 * and jitter until the target's retry policy is exhausted, then sending the event to the target's
 * dead-letter queue (or dropping it, logged, when there is none).
 */
export class TargetDispatcher {
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly deps: DeliveryCollaborators) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? abortableSleep;
  }

  /** Starts a delivery in the background; returns at once. Ignored after `stop()`. */
  dispatch(job: DeliveryJob): void {
    if (this.abort.signal.aborted) return;
    const run = this.run(job).catch((error) => {
      this.deps.log(`eventbridge  internal error delivering event ${job.event.id}: ${(error as Error).message}`);
    });
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  /** Resolves when no delivery is in progress (including those started while waiting). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Cancels pending retries and waits for deliveries in progress to settle. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private delayFor(retry: number): number {
    return equalJitterDelay(retry - 1, this.deps.retryBaseDelayMs ?? 1000, this.deps.maxRetryDelayMs ?? 60_000);
  }

  private async run(job: DeliveryJob): Promise<void> {
    const label = targetLabel(job.targetArn);
    const { maximumRetryAttempts, maximumEventAgeInSeconds } = job.retryPolicy;
    for (let retries = 0; ; retries++) {
      if (this.abort.signal.aborted) return;
      try {
        await this.deps.deliver(job.targetArn, job.payload, job.target);
        if (retries > 0) this.deps.log(`eventbridge  rule ${job.ruleName} → ${label}: delivered after ${retries} ${retries === 1 ? 'retry' : 'retries'}`);
        return;
      } catch (error) {
        const errorCode = error instanceof TargetDeliveryError ? error.code : 'SDK_CLIENT_ERROR';
        const errorMessage = error instanceof Error ? error.message : String(error);
        const base = { errorCode, errorMessage, retryAttempts: retries, ruleArn: job.ruleArn, targetArn: job.targetArn };
        if (error instanceof TargetDeliveryError && !error.retryable) {
          return this.deadLetter(job, label, base);
        }
        if (retries >= maximumRetryAttempts) {
          return this.deadLetter(job, label, { ...base, exhaustedRetryCondition: 'MaximumRetryAttempts' });
        }
        const delay = this.delayFor(retries + 1);
        if (this.now() + delay - job.acceptedAt > maximumEventAgeInSeconds * 1000) {
          return this.deadLetter(job, label, { ...base, exhaustedRetryCondition: 'MaximumEventAgeInSeconds' });
        }
        this.deps.log(
          `eventbridge  rule ${job.ruleName} → ${label}: delivery failed (${errorCode}: ${errorMessage}); retry ${retries + 1} in ${delay} ms`,
        );
        await this.sleep(delay, this.abort.signal);
      }
    }
  }

  private async deadLetter(job: DeliveryJob, label: string, reason: DeadLetterReason): Promise<void> {
    const why = reason.exhaustedRetryCondition
      ? `gave up after ${reason.retryAttempts} ${reason.retryAttempts === 1 ? 'retry' : 'retries'} (${reason.exhaustedRetryCondition})`
      : `not retried (${reason.errorCode})`;
    if (!job.deadLetterArn) {
      this.deps.log(`eventbridge  rule ${job.ruleName} → ${label}: ${why}; event ${job.event.id} dropped (no dead-letter queue)`);
      return;
    }
    try {
      await this.deps.sendToDeadLetter(job.deadLetterArn, job.event, reason);
      this.deps.log(`eventbridge  rule ${job.ruleName} → ${label}: ${why}; event ${job.event.id} sent to dead-letter queue ${targetLabel(job.deadLetterArn)}`);
    } catch (error) {
      this.deps.log(
        `eventbridge  rule ${job.ruleName} → ${label}: ${why}; sending event ${job.event.id} to dead-letter queue ${targetLabel(job.deadLetterArn)} failed: ${(error as Error).message}`,
      );
    }
  }
}
