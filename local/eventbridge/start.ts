import type { CloudEventSink } from '../console/event-hub';
import type { RunningLambda } from '../lambda-runtime/start';
import type { LocalService } from '../service/local-service';
import type { RunningSqs } from '../sqs/start';
import { deadLetterMessageAttributes } from './delivery';
import { TargetDeliveryError } from './errors';
import { LocalEventBridge, type RuleDefinition } from './event-bridge';

/**
 * Runs an AppSync target's GraphQL operation (EventBridge's native AppSync target,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/target-appsync.html): the transformed input is its
 * variables, the call is made as `roleArn`. Rejects with a `TargetDeliveryError` when it could not be run.
 */
export interface AppSyncTargetInvoker {
  /** Whether `endpointArn` is the `GraphQLEndpointArn` of a local API. */
  hasEndpoint(endpointArn: string): boolean;
  invokeTarget(endpointArn: string, operation: string, variables: unknown, roleArn: string | undefined): Promise<void>;
}

/** What EventBridge needs besides the model. */
export interface EventBridgeDeps {
  /** Rule targets are functions, invoked asynchronously as EventBridge does. */
  readonly lambda: Pick<RunningLambda, 'functionByArn' | 'invokeAsync'>;
  /** Targets' dead-letter queues, and queues as targets. */
  readonly sqs: Pick<RunningSqs, 'sendMessage'>;
  /** AppSync GraphQL APIs as targets. @default none: such a target fails as not found */
  readonly appsync?: AppSyncTargetInvoker;
  /** First retry delay (ms). @default 1000 */
  readonly retryBaseDelayMs?: number;
  /** Where accepted entries and their rules are reported. @default none */
  readonly events?: CloudEventSink;
  readonly log: (line: string) => void;
}

/** The running EventBridge: `api` is what the AWS endpoint routes `AWSEvents.*` to. */
export interface RunningEventBridge extends LocalService {
  readonly api: LocalEventBridge;
  /** Waits until the events published so far have been delivered or dead-lettered. */
  idle(): Promise<void>;
}

/** Starts EventBridge with the stack's buses and rules. */
export async function startEventBridge(model: { readonly buses: readonly string[]; readonly rules: readonly RuleDefinition[] }, deps: EventBridgeDeps): Promise<RunningEventBridge> {
  const api = new LocalEventBridge({
    deliver: async (arn, payload, target) => {
      if (arn.startsWith('arn:aws:appsync:')) {
        if (!deps.appsync?.hasEndpoint(arn)) throw new TargetDeliveryError('ResourceNotFoundException', `Target ${arn} is not a GraphQL API of the local stack`, false);
        if (!target?.appSyncParameters) throw new TargetDeliveryError('ValidationException', `Target ${arn} is an AppSync API but has no AppSyncParameters.GraphQLOperation`, false);
        return deps.appsync.invokeTarget(arn, target.appSyncParameters.graphQLOperation, payload, target.roleArn);
      }
      // A queue target receives the input as the message body: JSON text, or the text itself.
      if (arn.startsWith('arn:aws:sqs:')) return deps.sqs.sendMessage(arn, typeof payload === 'string' ? payload : JSON.stringify(payload));
      const fn = deps.lambda.functionByArn(arn);
      if (!fn) throw new TargetDeliveryError('ResourceNotFoundException', `Target ${arn} is not a function of the local stack`, false);
      deps.lambda.invokeAsync(fn, payload);
    },
    sendToDeadLetter: (dlqArn, event, reason) => deps.sqs.sendMessage(dlqArn, JSON.stringify(event), deadLetterMessageAttributes(reason)),
    log: deps.log,
    events: deps.events,
    retryBaseDelayMs: deps.retryBaseDelayMs,
  });
  for (const bus of model.buses) api.addBus(bus);
  for (const rule of model.rules) api.addRule(rule);
  return { urls: {}, api, idle: () => api.idle(), stop: () => api.stop() };
}
