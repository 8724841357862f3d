import { DEFAULT_BUS } from '../../eventbridge/arns';
import type { TargetDefinition } from '../../eventbridge/event-bridge';
import { TemplateError } from '../errors';
import type { TemplateReader } from '../template-reader';

/** Resource types this reader reads. */
export const EVENTBRIDGE_RESOURCE_TYPES = ['AWS::Events::EventBus', 'AWS::Events::Rule'] as const;

/** A rule's target: the shape the local EventBridge takes. */
export type RuleTargetModel = TargetDefinition;

export interface RuleModel {
  logicalId: string;
  name: string;
  busName: string;
  eventPattern: Record<string, unknown>;
  enabled: boolean;
  targets: RuleTargetModel[];
}

/** The stack's buses (plus any bus a rule names, e.g. an existing one passed in) and rules. */
export function readEventBridge(t: TemplateReader): { buses: string[]; rules: RuleModel[] } {
  const buses = t.resources('AWS::Events::EventBus').map(([id]) => t.resolver.physicalName(id));
  const rules = t.resources('AWS::Events::Rule').map(([id, res]) => readRule(t, id, t.props(id, res)));
  for (const rule of rules) {
    if (!buses.includes(rule.busName) && rule.busName !== DEFAULT_BUS) buses.push(rule.busName);
  }
  return { buses, rules };
}

function readRule(t: TemplateReader, id: string, p: Record<string, any>): RuleModel {
  if (!p.EventPattern) throw new TemplateError('scheduled rules are not run locally; the rule needs an EventPattern.', id);
  const bus = String(p.EventBusName ?? DEFAULT_BUS);
  return {
    logicalId: id,
    name: t.resolver.physicalName(id),
    // An existing bus passed in by ARN is named by its ARN; the local bus takes the name part.
    busName: bus.startsWith('arn:') ? bus.replace(/^.*:event-bus\//, '') : bus,
    eventPattern: typeof p.EventPattern === 'string' ? JSON.parse(p.EventPattern) : p.EventPattern,
    enabled: (p.State ?? 'ENABLED') === 'ENABLED',
    targets: ((p.Targets ?? []) as any[]).map((target) => ({
      id: String(target.Id),
      arn: String(target.Arn),
      retryPolicy: target.RetryPolicy ? {
        maximumRetryAttempts: target.RetryPolicy.MaximumRetryAttempts,
        maximumEventAgeInSeconds: target.RetryPolicy.MaximumEventAgeInSeconds,
      } : undefined,
      deadLetterArn: target.DeadLetterConfig?.Arn,
      input: target.Input,
      inputPath: target.InputPath,
      ...(target.InputTransformer ? {
        inputTransformer: { inputPathsMap: target.InputTransformer.InputPathsMap, inputTemplate: String(target.InputTransformer.InputTemplate) },
      } : {}),
      ...(target.RoleArn ? { roleArn: String(target.RoleArn) } : {}),
      ...(target.AppSyncParameters ? { appSyncParameters: { graphQLOperation: String(target.AppSyncParameters.GraphQLOperation) } } : {}),
    })),
  };
}
