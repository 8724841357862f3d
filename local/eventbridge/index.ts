/** The local EventBridge: the service, its pattern language and its delivery contract. */
export { LocalEventBridge } from './event-bridge';
export type { RuleDefinition, TargetDefinition, EventBridgeCollaborators } from './event-bridge';
export { compilePattern, matchesPattern, parsePattern, validatePattern } from './pattern';
export type { CompiledPattern, EventPattern } from './pattern';
export { InvalidEventPatternError, TargetDeliveryError } from './errors';
export { deadLetterMessageAttributes } from './delivery';
export type { DeadLetterReason, MessageAttributeValue, RetryPolicy } from './delivery';
export type { EventEnvelope } from './put-events';
export { startEventBridge, type AppSyncTargetInvoker, type EventBridgeDeps, type RunningEventBridge } from './start';
