import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of a {@link Monitoring}. */
export interface MonitoringProps {
  /** Dead-letter queues to watch, by a short name used in the alarm's id and description. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Functions whose errors raise an alarm, by a short name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /**
   * Posts that failed for good (the `Failed` delivery metric), by a short name: a 403 from the management API
   * (a broken stage or a missing permission) or a post that kept failing. Any of them raises one alarm.
   * @default - no alarm on failed deliveries
   */
  readonly failedDeliveries?: Readonly<Record<string, cloudwatch.IMetric>>;
  /**
   * Where alarms notify (e.g. an SNS topic action).
   * @default - none: the alarms only change state
   */
  readonly alarmActions?: readonly cloudwatch.IAlarmAction[];
  /**
   * Period over which an alarm looks.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * Alarms on what must never happen silently: a message in a dead-letter queue (an event or a fan-out batch
 * that could not be pushed), posts that failed for good, and errors of the push path's functions. Each alarm fires on the first
 * occurrence in a period, and treats missing data as fine (an idle stack sends no metrics).
 */
export class Monitoring extends Construct {
  /** The alarms, by id. */
  public readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(1);
    const add = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      for (const action of props.alarmActions ?? []) alarm.addAlarmAction(action);
      this.alarms[alarmId] = alarm;
    };
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(
        `${name}DeadLetterAlarm`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
        `Messages are waiting in the ${name} dead-letter queue: pushes that could not be delivered. Inspect and redrive them.`,
      );
    }
    const failed = Object.entries(props.failedDeliveries ?? {});
    if (failed.length > 0) {
      const usingMetrics = Object.fromEntries(failed.map(([name, metric]) => [name.toLowerCase(), metric]));
      add(
        'FailedDeliveriesAlarm',
        new cloudwatch.MathExpression({ expression: Object.keys(usingMetrics).join(' + '), usingMetrics, period, label: 'Failed deliveries' }),
        'Posts to connections failed for good (a 403 from the management API means a broken stage or a missing ' +
          'execute-api:ManageConnections grant). See the push and fan-out worker logs.',
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        `${name}ErrorsAlarm`,
        fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
        `The ${name} function failed; its events are retried and may end in a dead-letter queue. See its logs.`,
      );
    }
  }
}
