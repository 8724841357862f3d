import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PUSH_DETAIL_TYPE } from '../../shared/events';
import { TABLE, keys } from '../../shared/table-schema';
import type { TestCloud } from './local-cloud';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Publishing, finding subscribers and cutting connections of a test cloud, through its real endpoints. */
export class CloudDriver {
  private readonly events: EventBridgeClient;
  private readonly db: DynamoDBDocumentClient;

  constructor(private readonly cloud: TestCloud) {
    this.events = new EventBridgeClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials });
    this.db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials }));
  }

  /** Publishes one channel event through EventBridge; returns its id. */
  async publish(channel: string, data: unknown): Promise<string> {
    const out = await this.events.send(new PutEventsCommand({
      Entries: [{ EventBusName: this.cloud.outputs.EventBusName, Source: 'test', DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify({ channel, data }) }],
    }));
    if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(out.Entries)}`);
    return out.Entries![0]!.EventId!;
  }

  /** Connection ids subscribed to a channel (the registry's audience index). */
  async subscribers(channel: string): Promise<string[]> {
    const out = await this.db.send(new QueryCommand({
      TableName: this.cloud.outputs.ConnectionsTableName,
      IndexName: TABLE.audienceIndex.name,
      KeyConditionExpression: '#a = :a',
      ExpressionAttributeNames: { '#a': TABLE.audienceIndex.partitionKey },
      ExpressionAttributeValues: { ':a': keys.channelAudience(channel) },
    }));
    return (out.Items ?? []).map((i) => i[TABLE.audienceIndex.sortKey] as string);
  }

  /** Closes a connection from the server side: the management API's `DELETE @connections/{id}`. */
  async disconnect(connectionId: string): Promise<number> {
    const res = await fetch(`${this.cloud.callbackUrl}/@connections/${encodeURIComponent(connectionId)}`, { method: 'DELETE' });
    return res.status;
  }

  /** Waits until `check` is true (polling), or fails with `what`. */
  static async until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  destroy(): void {
    this.events.destroy();
    this.db.destroy();
  }
}

/** 1..n */
export const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
