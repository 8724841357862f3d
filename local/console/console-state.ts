import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isPresenceChannel } from '../../shared/auth';
import { historyKeys, keys, presenceKeys, TABLE } from '../../shared/table-schema';
import { LOCAL_REGION } from '../aws-wire';
import type { GatewayConnectionInfo } from '../gateway';
import type { StoredMessage } from '../sqs/queue';

/** A connection as the console shows it: the gateway's view joined with its items in the table. */
export interface ConsoleConnection extends GatewayConnectionInfo {
  /** The `userId` the `$connect` handler stored. */
  readonly userId?: string;
  readonly subscriptions: string[];
}

/** A presence channel's member: the user, its info, and how many of its connections are on the channel. */
export interface ConsoleMember {
  readonly userId: string;
  readonly info?: string;
  readonly connections: number;
}

/** What a resuming client can still replay: the kept messages' seqs and the oldest one's age. */
export interface ConsoleReplay {
  readonly messages: number;
  readonly oldestSeq: number;
  readonly newestSeq: number;
  /** Epoch ms the oldest kept message was sent. */
  readonly oldestAt?: number;
}

/** A channel: who is subscribed, its latest seq, its presence members and its replay window. */
export interface ConsoleChannel {
  readonly channel: string;
  readonly subscribers: string[];
  readonly lastSeq?: number;
  /** Live members, on a presence channel. */
  readonly members?: ConsoleMember[];
  /** Messages kept for replay (not yet past the replay window). */
  readonly replay?: ConsoleReplay;
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
const HISTORY_PREFIX = historyKeys.history('');
const PRESENCE_PREFIX = presenceKeys.channel('');

/** An item DynamoDB would have expired (its `ttl` has passed) but has not deleted yet: no reader counts it. */
function expired(item: Item, nowSeconds: number): boolean {
  const ttl = item[TABLE.ttlAttribute];
  return typeof ttl === 'number' && ttl <= nowSeconds;
}

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
    const now = Date.now();
    const nowSeconds = Math.floor(now / 1000);
    const subscriptions = new Map<string, string[]>();
    const users = new Map<string, string>();
    const lastSeq = new Map<string, number>();
    const members = new Map<string, ConsoleMember[]>();
    const history = new Map<string, { seq: number; createdAt?: number }[]>();
    for (const item of items) {
      const pk = String(item[TABLE.partitionKey] ?? '');
      const sk = String(item[TABLE.sortKey] ?? '');
      if (pk.startsWith(CONNECTION_PREFIX)) {
        const id = pk.slice(CONNECTION_PREFIX.length);
        if (sk === keys.meta && typeof item.userId === 'string') users.set(id, item.userId);
        if (sk.startsWith(keys.subscriptionPrefix)) push(subscriptions, id, sk.slice(keys.subscriptionPrefix.length));
      } else if (pk.startsWith(CHANNEL_PREFIX) && sk === historyKeys.counter && typeof item.last === 'number') {
        lastSeq.set(pk.slice(CHANNEL_PREFIX.length), item.last);
      } else if (pk.startsWith(PRESENCE_PREFIX) && !expired(item, nowSeconds)) {
        const conns = item[presenceKeys.connections];
        const info = item[presenceKeys.info];
        push(members, pk.slice(PRESENCE_PREFIX.length), {
          userId: String(item.userId ?? sk),
          ...(typeof info === 'string' ? { info } : {}),
          connections: conns instanceof Set ? conns.size : 0,
        });
      } else if (pk.startsWith(HISTORY_PREFIX) && !expired(item, nowSeconds)) {
        push(history, pk.slice(HISTORY_PREFIX.length), { seq: Number(sk), createdAt: typeof item.createdAt === 'number' ? item.createdAt : undefined });
      }
    }
    const connections = this.sources.connections().map((c) => ({
      ...c,
      ...(users.has(c.connectionId) ? { userId: users.get(c.connectionId) } : {}),
      subscriptions: (subscriptions.get(c.connectionId) ?? []).sort(),
    }));
    const channelNames = new Set([...lastSeq.keys(), ...members.keys(), ...[...subscriptions.values()].flat()]);
    const channels = [...channelNames].sort().map((channel) => ({
      channel,
      subscribers: [...subscriptions.entries()].filter(([, chans]) => chans.includes(channel)).map(([id]) => id).sort(),
      ...(lastSeq.has(channel) ? { lastSeq: lastSeq.get(channel) } : {}),
      ...(isPresenceChannel(channel) ? { members: (members.get(channel) ?? []).sort((a, b) => a.userId.localeCompare(b.userId)) } : {}),
      ...(history.has(channel) ? { replay: replayOf(history.get(channel)!) } : {}),
    }));
    return { now, connections, channels, deadLetters: this.deadLetters() };
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

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function replayOf(kept: readonly { seq: number; createdAt?: number }[]): ConsoleReplay {
  const bySeq = [...kept].sort((a, b) => a.seq - b.seq);
  const oldest = bySeq[0]!;
  return {
    messages: bySeq.length,
    oldestSeq: oldest.seq,
    newestSeq: bySeq[bySeq.length - 1]!.seq,
    ...(oldest.createdAt !== undefined ? { oldestAt: oldest.createdAt } : {}),
  };
}
