import type { LocalService } from '../service/local-service';
import { LocalDynamoDb, type LocalCreateTableInput } from './local-dynamodb';

/** A table to create (the template reader's `TableModel` is one). */
export interface TableDefinition {
  /** The `CreateTable` input: name, keys, indexes, billing. */
  readonly createInput: Record<string, unknown>;
  /** The TTL attribute, if TTL is enabled. */
  readonly ttlAttribute?: string;
}

/** What DynamoDB needs besides the model. */
export interface DynamoDbDeps {
  /** Keep the tables in this folder across restarts. @default in memory */
  readonly persist?: string;
  /** How often expired items are deleted (TTL). @default 10000 */
  readonly ttlSweepIntervalMs?: number;
  readonly log: (line: string) => void;
}

/** The running DynamoDB: `api` is what the AWS endpoint routes `DynamoDB_20120810.*` to. */
export interface RunningDynamoDb extends LocalService {
  readonly api: LocalDynamoDb;
}

/** Starts DynamoDB (dynalite) with the stack's tables; a persisted table is kept as it is. */
export async function startDynamoDb(model: { readonly tables: readonly TableDefinition[] }, deps: DynamoDbDeps): Promise<RunningDynamoDb> {
  const api = new LocalDynamoDb({ path: deps.persist, ttlSweepIntervalMs: deps.ttlSweepIntervalMs, log: deps.log });
  await api.start();
  try {
    for (const table of model.tables) {
      await api.createTable({
        ...table.createInput,
        ...(table.ttlAttribute ? { TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } } : {}),
      } as LocalCreateTableInput);
    }
  } catch (err) {
    await api.stop();
    throw err;
  }
  return { urls: {}, api, stop: () => api.stop() };
}
