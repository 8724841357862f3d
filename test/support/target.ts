import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PUSH_DETAIL_TYPE } from '../../shared/events';
import { keys, TABLE } from '../../shared/table-schema';
import { startTestCloud, type TestCloud } from './local-cloud';
import { queryConnectionItems } from './local-services';

/**
 * What an integration suite runs against: the local cloud (default) or a deployed stack. To run the suite
 * against a deployment: `cdk deploy --outputs-file outputs.json`, then
 * `WSP_DEPLOYED_OUTPUTS=outputs.json npx jest test/integration/local/push-flow.test.ts` with AWS credentials
 * and region in the environment.
 */
export interface PushTarget {
  readonly kind: 'local' | 'deployed';
  readonly webSocketUrl: string;
  readonly callbackUrl: string;
  readonly eventBusName: string;
  readonly tableName: string;
  /** Client config for AWS SDK clients (endpoint and dummy credentials locally). */
  readonly aws: { endpoint?: string; region: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /** Publishes one event on the stack's bus; resolves with its id. */
  publish(detail: unknown, detailType?: string): Promise<string>;
  /** Connection ids subscribed to a channel (the registry's audience index; eventually consistent on AWS). */
  subscribers(channel: string): Promise<string[]>;
  /** Items of the registry whose `pk` is this connection's (its meta item and subscriptions). */
  registryItems(connectionId: string): Promise<Record<string, unknown>[]>;
  /** Writes a registry item as the handlers would (to plant a stale connection). */
  putRegistryItem(item: Record<string, unknown>): Promise<void>;
  /** Waits until what was published has been delivered (locally exact; deployed: a few seconds). */
  settle(): Promise<void>;
  /** The local cloud, when local. */
  readonly cloud?: TestCloud;
  stop(): Promise<void>;
}

export async function startTarget(): Promise<PushTarget> {
  const outputsFile = process.env.WSP_DEPLOYED_OUTPUTS;
  if (!outputsFile) return localTarget(await startTestCloud(), { stopCloud: true });
  const all = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
  return target('deployed', Object.values(all)[0], { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' });
}

/** A target over a local cloud the caller started; `stop()` stops the cloud only with `stopCloud`. */
export function localTarget(cloud: TestCloud, opts: { stopCloud?: boolean } = {}): PushTarget {
  const aws = { endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return target('local', { ...cloud.outputs, WebSocketUrl: cloud.webSocketUrl }, aws, cloud, opts.stopCloud ?? false);
}

function target(kind: PushTarget['kind'], outputs: Record<string, string>, aws: PushTarget['aws'], cloud?: TestCloud, stopCloud = false): PushTarget {
  const events = new EventBridgeClient(aws);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(aws));
  const tableName = outputs.ConnectionsTableName;
  return {
    kind,
    cloud,
    aws,
    webSocketUrl: outputs.WebSocketUrl,
    callbackUrl: outputs.CallbackUrl,
    eventBusName: outputs.EventBusName,
    tableName,
    async publish(detail, detailType = PUSH_DETAIL_TYPE) {
      const out = await events.send(new PutEventsCommand({
        Entries: [{ EventBusName: outputs.EventBusName, Source: 'websocket-push.test', DetailType: detailType, Detail: JSON.stringify(detail) }],
      }));
      if (out.FailedEntryCount) throw new Error(`PutEvents refused: ${JSON.stringify(out.Entries)}`);
      return out.Entries![0].EventId!;
    },
    async subscribers(channel) {
      const out = await db.send(new QueryCommand({
        TableName: tableName,
        IndexName: TABLE.audienceIndex.name,
        KeyConditionExpression: '#a = :a',
        ExpressionAttributeNames: { '#a': TABLE.audienceIndex.partitionKey },
        ExpressionAttributeValues: { ':a': keys.channelAudience(channel) },
      }));
      return (out.Items ?? []).map((i) => i[TABLE.audienceIndex.sortKey] as string);
    },
    registryItems: (connectionId) => queryConnectionItems(db, tableName, connectionId),
    async putRegistryItem(item) {
      await db.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    settle: async () => {
      if (cloud) await cloud.idle();
      else await new Promise((r) => setTimeout(r, 3000));
    },
    async stop() {
      events.destroy();
      db.destroy();
      if (stopCloud) await cloud?.stop();
    },
  };
}
