import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/env';
import { MAX_FANOUT_WORKER_CONCURRENCY, MIN_FANOUT_WORKER_CONCURRENCY } from '../../shared/limits';
import { DEFAULT_CONFIG, InvalidConfigError } from '../config';
import { createDeadLetterQueue } from './dead-letter-queue';
import { NodeFunction } from './node-function';

/** Properties of a {@link Fanout}. */
export interface FanoutProps {
  /**
   * Environment of the worker function (table, shards, callback URL, delivery concurrency), besides
   * FANOUT_QUEUE_URL which this construct sets.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Most worker invocations at once (the event source's `ScalingConfig.MaximumConcurrency`, 2 to 1,000).
   * @default DEFAULT_CONFIG.fanoutWorkerConcurrency (50)
   */
  readonly maxConcurrency?: number;
  /**
   * Fan-out messages per worker invocation (each message is a batch of connection ids).
   * @default 1
   */
  readonly messagesPerInvocation?: number;
  /**
   * Maximum run time of one worker invocation. The queue's visibility timeout is six times this, as Lambda
   * recommends for SQS event sources.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Receives of a message before it moves to the fan-out dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Retention of the worker's log group.
   * @default DEFAULT_CONFIG.logRetentionDays (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Memory (MB) of the workers: it sets their CPU, and posting is CPU-bound.
   * @default DEFAULT_CONFIG.deliveryMemorySize (1152)
   */
  readonly memorySize?: number;
}

/**
 * Fan-out that scales with Lambda concurrency: a queue of batches of connection ids (each with the framed
 * payload), worker functions that post them (an SQS event source with `ReportBatchItemFailures`, so only the
 * failed messages come back), and a dead-letter queue that receives a message after `maxReceiveCount`
 * receives. Both queues are encrypted (SQS-managed keys) and refuse non-TLS requests.
 */
export class Fanout extends Construct {
  /** The queue of fan-out batches. */
  public readonly queue: sqs.Queue;
  /** Where batches go after `maxReceiveCount` failed receives. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The worker function. */
  public readonly workerFunction: NodeFunction;

  constructor(scope: Construct, id: string, props: FanoutProps = {}) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? DEFAULT_CONFIG.fanoutWorkerConcurrency;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < MIN_FANOUT_WORKER_CONCURRENCY || maxConcurrency > MAX_FANOUT_WORKER_CONCURRENCY) {
      throw new InvalidConfigError(
        'maxConcurrency',
        `Invalid maxConcurrency ${maxConcurrency}. Expected an integer from ${MIN_FANOUT_WORKER_CONCURRENCY} to ${MAX_FANOUT_WORKER_CONCURRENCY}, e.g. ${DEFAULT_CONFIG.fanoutWorkerConcurrency}.`,
      );
    }
    const messagesPerInvocation = props.messagesPerInvocation ?? 1;
    if (!Number.isInteger(messagesPerInvocation) || messagesPerInvocation < 1 || messagesPerInvocation > 10) {
      throw new InvalidConfigError(
        'messagesPerInvocation',
        `Invalid messagesPerInvocation ${messagesPerInvocation}. Expected an integer from 1 to 10 (no batching window), e.g. 1.`,
      );
    }
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new InvalidConfigError('maxReceiveCount', `Invalid maxReceiveCount ${maxReceiveCount}. Expected an integer from 1 to 1000, e.g. 5.`);
    }
    const timeout = props.timeout ?? Duration.seconds(30);

    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'DeadLetterQueue',
      'This queue is itself the dead-letter queue of the fan-out queue: batches that kept failing end here.',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.workerFunction = new NodeFunction(this, 'WorkerFunction', {
      handlerFile: 'fanout-worker',
      description: 'Fan-out worker: posts a batch of connection ids from the fan-out queue',
      timeout,
      logRetention: props.logRetention,
      memorySize: props.memorySize ?? DEFAULT_CONFIG.deliveryMemorySize,
      environment: { ...props.environment, [ENV.FANOUT_QUEUE_URL]: this.queue.queueUrl },
    });
    this.workerFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: messagesPerInvocation,
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );
    // Failed ids of a partly failed batch are re-queued by the worker itself.
    this.queue.grantSendMessages(this.workerFunction);
  }

  /** Lets a function (the push function) send batches to the fan-out queue. */
  public grantEnqueue(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }
}
