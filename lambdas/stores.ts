import { DynamoDbConnectionStore } from './adapters/dynamodb-connection-store';
import { getDocumentClient } from './clients';
import { once, readStoreConfig } from './config';

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
