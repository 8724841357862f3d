import { randomUUID } from 'node:crypto';
import type { AsyncFunctionConfig, InvokeResult } from './types';

/** Collaborators of {@link AsyncInvoker}. */
export interface AsyncInvokerDeps {
  invoke(functionName: string, event: unknown): Promise<InvokeResult>;
  /** Sends a destination record to an SQS queue by ARN (the on-failure destination). */
  sendToQueue(queueArn: string, body: string): Promise<void>;
  log(line: string): void;
  /** Delay between async retries. Lambda waits about 1 minute, then 2; tests scale it down. */
  retryDelayMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Lambda's asynchronous invocation (how EventBridge invokes a function): the event is accepted at once,
 * run in the background, retried on a function error `asyncRetries` times (the function's
 * EventInvokeConfig; default 2), and, when every attempt failed, sent to the on-failure destination as an
 * invocation record (`condition: RetriesExhausted`), as Lambda does.
 */
export class AsyncInvoker {
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: AsyncInvokerDeps) {}

  /** Accepts an event for `fn`; returns before it runs. */
  invokeAsync(fn: AsyncFunctionConfig, event: unknown): void {
    const run = this.run(fn, event).catch((err) => this.deps.log(`lambda    ${fn.name} async invocation lost: ${(err as Error).message}`));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  /** Waits until every accepted event has finished (delivered, or sent to its destination). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Stops retrying; events still retrying are dropped (the local cloud is shutting down). */
  stop(): void {
    this.stopped = true;
  }

  private async run(fn: AsyncFunctionConfig, event: unknown): Promise<void> {
    const sleep = this.deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const delay = this.deps.retryDelayMs ?? ((attempt) => attempt * 60_000);
    const requestId = randomUUID();
    const started = Date.now();
    let last: InvokeResult | undefined;
    for (let attempt = 0; attempt <= fn.asyncRetries && !this.stopped; attempt++) {
      if (attempt > 0) {
        if (Date.now() - started > fn.maxEventAgeSeconds * 1000) break;
        await sleep(delay(attempt));
        if (this.stopped) return;
      }
      last = await this.deps.invoke(fn.name, event);
      if (last.ok) return;
      this.deps.log(`lambda    ${fn.name} failed (${last.errorType}: ${last.errorMessage}); attempt ${attempt + 1} of ${fn.asyncRetries + 1}`);
    }
    if (!last || last.ok || this.stopped) return;
    if (!fn.onFailureArn) {
      this.deps.log(`lambda    ${fn.name} gave up on an event after ${fn.asyncRetries + 1} attempts; no on-failure destination, dropped`);
      return;
    }
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: fn.asyncRetries + 1 },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: last.errorType, errorMessage: last.errorMessage },
    };
    await this.deps.sendToQueue(fn.onFailureArn, JSON.stringify(record));
    this.deps.log(`lambda    ${fn.name} event sent to its on-failure destination after ${fn.asyncRetries + 1} attempts`);
  }
}
