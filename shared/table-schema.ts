/**
 * The connections table: one definition, used by the stack (`lib/constructs/connections-table.ts`),
 * the handlers' store (`lambdas/adapters/`) and the tests (which create the same table in dynalite).
 *
 * Items (single-table design, every lookup a `Query`):
 * - connection: `pk = conn#<id>`, `sk = meta`; `connectionId`, `connectedAt`, `ttl`, `userId?`,
 *   `shard = shard#<n>` (broadcast index), `audience = user#<userId>` when a user is known (user index).
 * - subscription: `pk = conn#<id>`, `sk = sub#<channel>`; `connectionId`, `channel`, `ttl`,
 *   `audience = channel#<channel>` (audience index).
 * `$disconnect` and a 410 query `pk = conn#<id>` and delete every item: the connection and its subscriptions.
 * Broadcast queries each `shard#<n>` of the broadcast index (no single hot partition key).
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** GSI: channel subscribers (`channel#<name>`) and a user's connections (`user#<id>`). */
  audienceIndex: { name: 'byAudience', partitionKey: 'audience', sortKey: 'connectionId' },
  /** GSI: every connection, spread over `shard#0` … `shard#<n-1>`. */
  broadcastIndex: { name: 'byShard', partitionKey: 'shard', sortKey: 'connectionId' },
} as const;

/** Key builders: the only place the key formats are spelled. */
export const keys = {
  connection: (connectionId: string) => `conn#${connectionId}`,
  meta: 'meta',
  subscription: (channel: string) => `sub#${channel}`,
  subscriptionPrefix: 'sub#',
  channelAudience: (channel: string) => `channel#${channel}`,
  userAudience: (userId: string) => `user#${userId}`,
  shard: (n: number) => `shard#${n}`,
} as const;

/**
 * Which broadcast shard a connection belongs to: a stable hash of its id modulo the shard count
 * (FNV-1a; cheap and evenly spread for API Gateway's random ids).
 */
export function shardOf(connectionId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < connectionId.length; i++) {
    h ^= connectionId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

/** The table's definition as a `CreateTable` input (for dynalite and the local cloud's tests). */
export function createTableInput(tableName: string) {
  const s = 'S' as const;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: s },
      { AttributeName: TABLE.sortKey, AttributeType: s },
      { AttributeName: TABLE.audienceIndex.partitionKey, AttributeType: s },
      { AttributeName: TABLE.broadcastIndex.partitionKey, AttributeType: s },
      { AttributeName: TABLE.audienceIndex.sortKey, AttributeType: s },
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [TABLE.audienceIndex, TABLE.broadcastIndex].map((ix) => ({
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: ix.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    })),
  };
}

/**
 * Key builders of channel continuity items (same table):
 * - counter: `pk = chan#<channel>`, `sk = seq`; `last` (the latest assigned seq, atomic ADD), `updatedAt`.
 * - event id: `pk = chan#<channel>`, `sk = evt#<event id>`; `seq`, `ttl` (a redelivered event keeps its seq).
 * - history: `pk = hist#<channel>`, `sk = <seq, zero-padded to 16 digits>`; `frame` (the framed message as
 *   sent), `eventId`, `createdAt` (epoch ms), `ttl`. Replays query `sk > since` in order.
 */
export const historyKeys = {
  channel: (channel: string) => `chan#${channel}`,
  counter: 'seq',
  event: (eventId: string) => `evt#${eventId}`,
  history: (channel: string) => `hist#${channel}`,
  seq: (seq: number) => String(seq).padStart(16, '0'),
} as const;

/**
 * Key builders of presence items (same table): one item per member, i.e. per channel and user:
 * `pk = pres#<channel>`, `sk = <userId>`; `userId`, `info` (JSON text of the token's info claim), `conns`
 * (string set of the user's connection ids on the channel: several tabs count once), `ttl` (the connection
 * TTL from the latest join, so past every connection in the set). A join `ADD`s its id to `conns` with a
 * condition (a live item) or puts a fresh item (none, or an expired one); a leave `DELETE`s its id under
 * `contains(conns, id)`, and when the set is empty deletes the item under `attribute_not_exists(conns)`:
 * exactly one caller sees the first join and the last leave. Readers drop items whose `ttl` has passed
 * (DynamoDB deletes them lazily). The channel's members are one `Query` of `pres#<channel>`; a connection's
 * presence channels are its `sub#presence-…` subscription items.
 */
export const presenceKeys = {
  channel: (channel: string) => `pres#${channel}`,
  member: (userId: string) => userId,
  connections: 'conns',
  info: 'info',
} as const;

/**
 * Key of a channel's occupancy counter (same table, in the channel's continuity partition):
 * `pk = chan#<channel>`, `sk = occupancy`; `subs` (how many subscriptions it has, atomic ADD), `ttl`. A new
 * subscription adds one and sets `ttl` to now + the connection TTL, past every live subscription's own TTL; a
 * removed one takes one away. The call that makes it 1 sees the first subscriber in, the one that makes it 0
 * the last one out. Subscriptions that expire by TTL are never taken away: a counter past its `ttl` counts as
 * 0 (every subscription it counted has expired), and the next subscriber is first again.
 */
export const occupancyKeys = {
  channel: historyKeys.channel,
  counter: 'occupancy',
  subscriptions: 'subs',
} as const;

/**
 * Attributes of the connection (meta) item besides the keys: the channel permissions the `$connect`
 * authorizer verified (a list of patterns, absent when none), and the `$default` route's per-connection
 * fixed-window counter (window = epoch minute, count = frames in it), updated atomically with UpdateItem.
 */
export const META = {
  channels: 'channels',
  /** Publish patterns of the token (a list, absent when none). */
  publish: 'publish',
  /** Presence info of the token, JSON text (absent when none). */
  info: 'info',
  messageWindow: 'msgWindow',
  messageCount: 'msgCount',
} as const;
