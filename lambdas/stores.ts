import { DynamoDbConnectionStore } from './adapters/dynamodb-connection-store';
import { EventBridgeStackEvents } from './adapters/eventbridge-stack-events';
import { getDocumentClient, getEventBridgeClient } from './clients';
import { once, readStackEventsConfig, readStoreConfig } from './config';

/**
 * The connection registry of every handler, created once per container on first use from the registry
 * settings (CONNECTIONS_TABLE, BROADCAST_SHARDS, QUERY_PAGE_SIZE) over the shared document client.
 * @throws InvalidConfigError on first use when the settings are missing or invalid
 */
export const connectionStore = once(() => {
  const c = readStoreConfig();
  return new DynamoDbConnectionStore(getDocumentClient(), {
    tableName: c.tableName,
    broadcastShards: c.broadcastShards,
    queryPageSize: c.queryPageSize,
  });
});

/**
 * Where the route functions put the stack's own events (client messages, lifecycle events), with the
 * settings saying which are on; `events` is undefined when neither is.
 * @throws InvalidConfigError on first use when the settings are invalid
 */
export const stackEvents = once(() => {
  const c = readStackEventsConfig();
  return {
    config: c,
    events: c.eventBusName !== undefined ? new EventBridgeStackEvents(getEventBridgeClient(), c.eventBusName) : undefined,
  };
});
