import type { EventBridgeEvent } from 'aws-lambda';
import { SqsDeadLetterSink } from '../adapters/dead-letter';
import { EventBridgeStackEvents } from '../adapters/eventbridge-stack-events';
import { APPSYNC_RELAY_DETAIL_TYPE } from '../../shared/appsync';
import { getEventBridgeClient, getSqsClient } from '../clients';
import { readAppSyncRelayConfig } from '../appsync-relay-config';
import { once } from '../config';
import { relayToAppSync } from '../core/appsync-relay';
import { describeError } from '../core/logger';
import { createLogger } from '../logger';

const logger = createLogger({ service: 'appsync-relay' });
const deps = once(() => {
  const c = readAppSyncRelayConfig();
  const events = new EventBridgeStackEvents(getEventBridgeClient(), c.eventBusName);
  return {
    bus: { put: (variables: object) => events.put(APPSYNC_RELAY_DETAIL_TYPE, variables) },
    deadLetter: new SqsDeadLetterSink(getSqsClient(), c.deadLetterQueueUrl),
  };
});

/**
 * EventBridge target of the AppSync transport: a channel or broadcast push becomes the push mutation's
 * variables, put back on the bus for the AppSync target (see `shared/appsync.ts` for why). An invalid event
 * goes to the dead-letter queue and the handler returns; if the bus or the queue refuses, it throws, so that
 * Lambda's async retries and on-failure destination keep the event.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  try {
    await relayToAppSync(event, { ...deps(), logger });
  } catch (error) {
    logger.error('appsync relay failed', { eventId: event?.id, error: describeError(error) });
    throw error;
  }
};
