import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/env';
import { PUSH_DETAIL_TYPE } from '../../shared/events';
import { DEFAULT_CONFIG, InvalidConfigError } from '../config';
import { createDeadLetterQueue } from './dead-letter-queue';
import { resolveEventBus, type EventBusChoice } from './event-bus';
import { NodeFunction } from './node-function';

/** Properties of an {@link EventPush}. */
export interface EventPushProps extends EventBusChoice {
  /**
   * Environment of the push function, besides DEAD_LETTER_QUEUE_URL which this construct sets.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Maximum run time of one push invocation.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the push function's log group.
   * @default DEFAULT_CONFIG.logRetentionDays (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Memory (MB) of the push function: it sets their CPU, and posting is CPU-bound.
   * @default DEFAULT_CONFIG.deliveryMemorySize (1152)
   */
  readonly memorySize?: number;
  /**
   * How many times EventBridge retries delivering an event to the function (0 to 185).
   * @default 8
   */
  readonly deliveryRetryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an undelivered event (60 seconds to 24 hours).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * How many times Lambda retries an invocation that failed (0 to 2) before it sends the event to the
   * dead-letter queue.
   * @default 2
   */
  readonly invokeRetryAttempts?: number;
  /**
   * Concurrent executions reserved for the push function, and its ceiling: a broadcast storm then cannot
   * take the concurrency `$connect` and the other routes need (events wait in Lambda's asynchronous queue).
   * @default - none: it shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
}

/**
 * Publishing: the event bus (created, or an existing one), a rule on `detail-type` WebSocketPush (any
 * source) that invokes the push function, and one dead-letter queue that receives, with the reason when
 * known, every event that could not be pushed:
 * - events EventBridge failed to deliver to the function (the rule target's dead-letter queue);
 * - events whose push kept failing: EventBridge invokes Lambda asynchronously, so once delivered, function
 *   errors are governed by the function's asynchronous invoke configuration, not by the rule; its
 *   on-failure destination is the same queue;
 * - invalid events, which the function sends there itself (DEAD_LETTER_QUEUE_URL) instead of retrying.
 */
export class EventPush extends Construct {
  /** The bus events are published on. */
  public readonly eventBus: events.IEventBus;
  /** The rule that routes push events to the push function. */
  public readonly rule: events.Rule;
  /** The dead-letter queue of undeliverable, failed and invalid events. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The push function. */
  public readonly pushFunction: NodeFunction;

  constructor(scope: Construct, id: string, props: EventPushProps = {}) {
    super(scope, id);
    const deliveryRetryAttempts = props.deliveryRetryAttempts ?? 8;
    if (!Number.isInteger(deliveryRetryAttempts) || deliveryRetryAttempts < 0 || deliveryRetryAttempts > 185) {
      throw new InvalidConfigError(
        'deliveryRetryAttempts',
        `Invalid deliveryRetryAttempts ${deliveryRetryAttempts}. Expected an integer from 0 to 185, e.g. 8.`,
      );
    }
    const invokeRetryAttempts = props.invokeRetryAttempts ?? 2;
    if (!Number.isInteger(invokeRetryAttempts) || invokeRetryAttempts < 0 || invokeRetryAttempts > 2) {
      throw new InvalidConfigError(
        'invokeRetryAttempts',
        `Invalid invokeRetryAttempts ${invokeRetryAttempts}. Expected an integer from 0 to 2, e.g. 2.`,
      );
    }

    this.eventBus = resolveEventBus(this, 'Bus', props);

    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'DeadLetterQueue',
      'This queue is itself the dead-letter queue: of the rule target, of the push function\'s asynchronous ' +
        'invocations (on-failure destination) and of invalid events.',
    );

    this.pushFunction = new NodeFunction(this, 'PushFunction', {
      handlerFile: 'push',
      description: 'Pushes WebSocketPush events to the connections of their audience',
      timeout: props.timeout ?? Duration.seconds(60),
      logRetention: props.logRetention,
      memorySize: props.memorySize ?? DEFAULT_CONFIG.deliveryMemorySize,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { ...props.environment, [ENV.DEAD_LETTER_QUEUE_URL]: this.deadLetterQueue.queueUrl },
    });
    this.deadLetterQueue.grantSendMessages(this.pushFunction);
    this.pushFunction.configureAsyncInvoke({
      retryAttempts: invokeRetryAttempts,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: this.eventBus,
      description: `Routes ${PUSH_DETAIL_TYPE} events (any source) to the push function`,
      eventPattern: { detailType: [PUSH_DETAIL_TYPE] },
      targets: [
        new LambdaFunction(this.pushFunction, {
          retryAttempts: deliveryRetryAttempts,
          maxEventAge: props.maxEventAge ?? Duration.hours(1),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
