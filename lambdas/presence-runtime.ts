import { PRESENCE_DETAIL_TYPES } from '../shared/events';
import { DynamoDbPresenceStore } from './adapters/dynamodb-presence-store';
import { EventBridgeStackEvents } from './adapters/eventbridge-stack-events';
import { getDocumentClient, getEventBridgeClient, getSignedPostPublisher } from './clients';
import { once, readPresenceRuntimeConfig, readStoreConfig } from './config';
import type { ConnectionStore } from './core/connection-store';
import type { ConnectionAge } from './core/deliver';
import type { Logger } from './core/logger';
import { channelAnnouncer, leavingPresence, type PresenceAnnouncer, type PresenceDeps, type PresenceEventSink } from './core/presence';
import { connectionStore, occupancyTracked } from './stores';

/**
 * Presence lifecycle events on the bus (`PresenceMemberAdded` / `PresenceMemberRemoved`), or none. The one
 * place that decides whether they are put.
 */
function presenceEvents(eventBusName: string | undefined): PresenceEventSink | undefined {
  if (eventBusName === undefined) return undefined;
  const events = new EventBridgeStackEvents(getEventBridgeClient(), eventBusName);
  return { emit: (kind, detail) => events.put(kind === 'added' ? PRESENCE_DETAIL_TYPES.memberAdded : PRESENCE_DETAIL_TYPES.memberRemoved, detail) };
}

/**
 * The presence collaborators of a handler, and its registry whose `remove` leaves presence channels first;
 * created once per container. The announcer's settings (CALLBACK_URL, DELIVERY_CONCURRENCY, EVENT_BUS_NAME)
 * are read at the first presence change, so a connection that never joined one needs none of them.
 */
export function presenceRuntime(logger: Logger): () => { readonly presence: PresenceDeps; readonly store: ConnectionStore & Partial<ConnectionAge> } {
  return once(() => {
    const announcing = once(() => {
      const c = readPresenceRuntimeConfig();
      const publisher = getSignedPostPublisher(c.callbackUrl, c.deliveryConcurrency);
      return { announcer: channelAnnouncer({ store, publisher, logger, concurrency: c.deliveryConcurrency }), events: presenceEvents(c.eventBusName) };
    });
    const announcer: PresenceAnnouncer = { announce: (channel, frame, exclude) => announcing().announcer.announce(channel, frame, exclude) };
    const events: PresenceEventSink = {
      emit: async (kind, detail) => {
        await announcing().events?.emit(kind, detail);
      },
    };
    const presence: PresenceDeps = {
      store: new DynamoDbPresenceStore(getDocumentClient(), readStoreConfig().tableName),
      announcer,
      events,
      logger,
    };
    const store = leavingPresence(occupancyTracked(connectionStore(), logger), () => presence);
    return { presence, store };
  });
}
