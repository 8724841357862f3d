import { DynamoDbConnectionStore } from './adapters/dynamodb-connection-store';
import { DynamoDbFrameGate } from './adapters/dynamodb-frame-gate';
import { DynamoDbOccupancyStore } from './adapters/dynamodb-occupancy-store';
import { EventBridgeStackEvents } from './adapters/eventbridge-stack-events';
import { getDocumentClient, getDynamoDbJsonClient, getEventBridgeClient } from './clients';
import { once, readConnectionTtlSeconds, readStackEventsConfig, readStoreConfig } from './config';
import type { ConnectionStore } from './core/connection-store';
import type { Logger } from './core/logger';
import { withOccupancy } from './core/occupancy';

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

/** Each frame's rate limit and permissions (`$default`), through the lean DynamoDB client. */
export const frameGate = once(() => new DynamoDbFrameGate(getDynamoDbJsonClient(), readStoreConfig().tableName));

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

const occupancy = once(() => ({ store: new DynamoDbOccupancyStore(getDocumentClient(), readStoreConfig().tableName), ttlSeconds: readConnectionTtlSeconds() }));

/**
 * The registry with channel occupancy counted — `ChannelOccupied` on a channel's first subscription,
 * `ChannelVacated` when its last one goes — when lifecycle events are on; else the registry itself (no
 * counter writes). `userId` is the verified user of the subscribing connection.
 */
export function occupancyTracked<S extends ConnectionStore>(store: S, logger: Logger, userId?: string): S {
  const { config, events } = stackEvents();
  if (!config.lifecycleEvents) return store;
  const { store: counters, ttlSeconds } = occupancy();
  return withOccupancy(store, { occupancy: counters, events, logger, ttlSeconds, ...(userId !== undefined ? { userId } : {}) });
}
