import type { TemplateReader } from '../template-reader';

/** Resource types this reader reads. */
export const SQS_RESOURCE_TYPES = ['AWS::SQS::Queue'] as const;

export interface QueueModel {
  logicalId: string;
  name: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

/** The stack's queues, with their redrive policy (a JSON string or an object in the template). */
export function readQueues(t: TemplateReader): QueueModel[] {
  return t.resources('AWS::SQS::Queue').map(([id, res]) => {
    const p = t.props(id, res);
    const redrive = typeof p.RedrivePolicy === 'string' ? JSON.parse(p.RedrivePolicy) : p.RedrivePolicy;
    return {
      logicalId: id,
      name: t.resolver.physicalName(id),
      arn: t.resolver.arn(id),
      visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
      redrivePolicy: redrive ? { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount) } : undefined,
    };
  });
}
