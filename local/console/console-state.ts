import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { historyKeys, keys } from '../../shared/table-schema';
import { LOCAL_REGION } from '../aws-wire';
import type { GatewayConnectionInfo } from '../gateway';
import type { StoredMessage } from '../sqs/queue';

/** A connection as the console shows it: the gateway's view joined with its items in the table. */
export interface ConsoleConnection extends GatewayConnectionInfo {
  /** The `userId` the `$connect` handler stored. */
  readonly userId?: string;
  readonly subscriptions: string[];
}

/** A channel: who is subscribed, and its latest seq. */
export interface ConsoleChannel {
  readonly channel: string;
  readonly subscribers: string[];
  readonly lastSeq?: number;
}

/** A dead-letter queue's message, readable. */
export interface ConsoleDeadLetter {
  readonly queue: string;
  readonly messageId: string;
  readonly sentAt: number;
  readonly receiveCount: number;
  readonly body: string;
  readonly attributes: Record<string, string>;
}

/** Everything the console page shows besides the stream. */
export interface ConsoleSnapshot {
  readonly now: number;
  readonly connections: ConsoleConnection[];
  readonly channels: ConsoleChannel[];
  readonly deadLetters: ConsoleDeadLetter[];
}

/** Where the console reads the local cloud's state from (its services, never a copy). */
export interface ConsoleSources {
  /** The gateway's open connections. */
  connections(): GatewayConnectionInfo[];
  /** dynalite's private endpoint, and the tables to read. */
  readonly dynamodbEndpoint: string;
  readonly tables: readonly string[];
  /** The dead-letter queues' names, and how to read a queue without receiving from it. */
  readonly deadLetterQueues: readonly string[];
  peek(queue: string): readonly StoredMessage[];
}

type Item = Record<string, unknown>;

const CONNECTION_PREFIX = keys.connection('');
const CHANNEL_PREFIX = historyKeys.channel('');

/** Reads the console's snapshot from the services: the gateway, the tables (a Scan) and the dead-letter queues. */
export class ConsoleState {
  private readonly client: DynamoDBDocumentClient;

  constructor(private readonly sources: ConsoleSources) {
    this.client = DynamoDBDocumentClient.from(new DynamoDBClient({
      region: LOCAL_REGION,
      endpoint: sources.dynamodbEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }));
  }

  async snapshot(): Promise<ConsoleSnapshot> {
    const items = (await Promise.all(this.sources.tables.map((t) => this.scan(t)))).flat();
    const subscriptions = new Map<string, string[]>();
    const users = new Map<string, string>();
    const lastSeq = new Map<string, number>();
    for (const item of items) {
      const pk = String(item.pk ?? '');
      const sk = String(item.sk ?? '');
      if (pk.startsWith(CONNECTION_PREFIX)) {
        const id = pk.slice(CONNECTION_PREFIX.length);
        if (sk === keys.meta && typeof item.userId === 'string') users.set(id, item.userId);
        if (sk.startsWith(keys.subscriptionPrefix)) {
          const list = subscriptions.get(id) ?? [];
          list.push(sk.slice(keys.subscriptionPrefix.length));
          subscriptions.set(id, list);
        }
      } else if (pk.startsWith(CHANNEL_PREFIX) && sk === historyKeys.counter && typeof item.last === 'number') {
        lastSeq.set(pk.slice(CHANNEL_PREFIX.length), item.last);
      }
    }
    const connections = this.sources.connections().map((c) => ({
      ...c,
      ...(users.has(c.connectionId) ? { userId: users.get(c.connectionId) } : {}),
      subscriptions: (subscriptions.get(c.connectionId) ?? []).sort(),
    }));
    const channelNames = new Set([...lastSeq.keys(), ...[...subscriptions.values()].flat()]);
    const channels = [...channelNames].sort().map((channel) => ({
      channel,
      subscribers: [...subscriptions.entries()].filter(([, chans]) => chans.includes(channel)).map(([id]) => id).sort(),
      ...(lastSeq.has(channel) ? { lastSeq: lastSeq.get(channel) } : {}),
    }));
    return { now: Date.now(), connections, channels, deadLetters: this.deadLetters() };
  }

  /** The dead-letter queues' messages, newest first. */
  deadLetters(): ConsoleDeadLetter[] {
    return this.sources.deadLetterQueues.flatMap((queue) => this.sources.peek(queue).map((m) => ({
      queue,
      messageId: m.messageId,
      sentAt: m.sentTimestamp,
      receiveCount: m.receiveCount,
      body: m.body,
      attributes: {
        ...Object.fromEntries(Object.entries(m.attributes).map(([k, v]) => [k, v.StringValue ?? ''])),
        ...m.systemAttributes,
      },
    }))).sort((a, b) => b.sentAt - a.sentAt);
  }

  stop(): void {
    this.client.destroy();
  }

  private async scan(table: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
