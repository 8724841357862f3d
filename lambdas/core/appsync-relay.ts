import { APPSYNC_BROADCAST_CHANNEL, APPSYNC_UNDELIVERABLE, type AppSyncPushVariables } from '../../shared/appsync';
import type { DeadLetterSink } from './dead-letter-sink';
import type { Logger } from './logger';
import { validateDetail } from './validate-detail';

/** Puts the push mutation's variables on the bus, for the AppSync target. */
export interface AppSyncVariablesBus {
  /** @throws PublishBusError when EventBridge refuses the entry */
  put(variables: AppSyncPushVariables): Promise<void>;
}

/** What becomes of a push on the AppSync transport. */
export type AppSyncRelayPlan =
  | { readonly kind: 'relay'; readonly variables: AppSyncPushVariables }
  | { readonly kind: 'reject'; readonly code: string; readonly reason: string };

/**
 * The mutation's variables of a push event, validated as the API Gateway transport validates it (one
 * audience, `data`, the optional channel fields): a channel push keeps its channel, a broadcast goes to
 * APPSYNC_BROADCAST_CHANNEL, and `data` is JSON-encoded, as AppSync takes an `AWSJSON` value.
 */
export function planAppSyncRelay(event: unknown): AppSyncRelayPlan {
  const result = validateDetail(event);
  if (!result.ok) return { kind: 'reject', code: result.error.code, reason: result.error.reason };
  const { audience, message } = result.push;
  if (audience.kind === 'userId' || audience.kind === 'connectionId') {
    return { kind: 'reject', ...APPSYNC_UNDELIVERABLE[audience.kind] };
  }
  return {
    kind: 'relay',
    variables: {
      channel: audience.kind === 'channel' ? audience.channel : APPSYNC_BROADCAST_CHANNEL,
      id: message.id,
      data: JSON.stringify(message.data),
    },
  };
}

/**
 * Relays one push: its variables onto the bus, or, when it can never be delivered, the event with its reason
 * to the dead-letter queue. Throws when the bus or the queue refuses, so that Lambda's asynchronous retries
 * and on-failure destination keep the event.
 */
export async function relayToAppSync(
  event: unknown,
  deps: { readonly bus: AppSyncVariablesBus; readonly deadLetter: DeadLetterSink; readonly logger: Logger },
): Promise<void> {
  const plan = planAppSyncRelay(event);
  const eventId = (event as { id?: unknown } | null)?.id;
  if (plan.kind === 'reject') {
    deps.logger.warn('push not deliverable on the AppSync transport', { eventId, code: plan.code });
    await deps.deadLetter.send({ reason: plan.reason, code: plan.code, event });
    return;
  }
  await deps.bus.put(plan.variables);
  deps.logger.info('push relayed to AppSync', { eventId, channel: plan.variables.channel });
}
