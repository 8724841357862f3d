import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';

/**
 * Creates a dead-letter queue in `scope` with id `id`: encrypted with SQS-managed keys, refusing non-TLS
 * requests, keeping messages 14 days (SQS's maximum) and destroyed with the stack. A dead-letter queue has
 * no dead-letter queue of its own, so cdk-nag's AwsSolutions-SQS3 is suppressed on it with `reason`.
 *
 * A function rather than a construct, so that the queue keeps the path (and logical id) it would have if
 * created directly in `scope`.
 *
 * @param scope the construct the queue belongs to
 * @param id the queue's construct id
 * @param reason why the queue needs no dead-letter queue of its own: whose dead-letter queue it is
 */
export function createDeadLetterQueue(scope: Construct, id: string, reason: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  NagSuppressions.addResourceSuppressions(queue, [{ id: 'AwsSolutions-SQS3', reason }]);
  return queue;
}
