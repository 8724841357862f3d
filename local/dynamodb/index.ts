export { LocalDynamoDb, type LocalDynamoDbOptions, type LocalCreateTableInput } from './local-dynamodb';
export { LocalDynamoDbError, type LocalDynamoDbErrorCode } from './errors';
export { TtlRegistry, TTL_FILE_NAME, type TtlSetting } from './ttl-registry';
export { sweepExpiredItems, TTL_MAX_AGE_SECONDS } from './ttl-sweeper';
export { startDynamoDb, type DynamoDbDeps, type RunningDynamoDb, type TableDefinition } from './start';
