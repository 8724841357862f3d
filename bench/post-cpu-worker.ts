/**
 * The measured side of `npm run bench -- --post-cpu`: a child process that posts through both clients and
 * reads registry pages, and reports its own CPU time (`process.cpuUsage()`: every thread of this process,
 * as Lambda counts it). The gateway, its WebSocket clients and dynalite run in the parent, so their CPU is
 * not counted here. IPC:
 *   parent → {cmd:'posts', callbackUrl, ids, posts, inFlight, frameBytes, rounds, warmup}
 *   child  → {type:'posts', samples:[{client, round, posts, cpuUs, wallMs, delivered, failed}]}
 *   parent → {cmd:'query', endpoint, ids}
 *   child  → {type:'query', sample:{ids, pages, cpuUs, wallMs}}
 *   parent → {cmd:'gate', endpoint, frames, rounds}
 *   child  → {type:'gate', samples:[{client, round, frames, cpuUs, wallMs}]}
 *   child  → {type:'error', message} when a command failed
 */
import { Agent, request } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { DynamoDbConnectionStore } from '../lambdas/adapters/dynamodb-connection-store';
import { DynamoDbFrameGate } from '../lambdas/adapters/dynamodb-frame-gate';
import { DynamoDbJsonClient } from '../lambdas/adapters/dynamodb-json-client';
import { createManagementApiClient, ManagementApiPublisher } from '../lambdas/adapters/management-api-publisher';
import { SignedPostPublisher } from '../lambdas/adapters/signed-post-publisher';
import { deliver } from '../lambdas/core/deliver';
import type { Logger } from '../lambdas/core/logger';
import type { Publisher } from '../lambdas/core/publisher';
import { createTableInput, keys, META, TABLE } from '../shared/table-schema';

/**
 * The clients measured: the hot path's signed-post client and the SDK's management-API client (compared),
 * and, for reference only, the same POST unsigned over the same kind of agent: the share of the CPU that
 * is Node's HTTP client and the kernel's loopback TCP, common to every client.
 */
export const POST_CLIENTS = ['signed-post', 'sdk', 'unsigned'] as const;
export type PostClient = (typeof POST_CLIENTS)[number];

export interface PostsCommand {
  cmd: 'posts';
  callbackUrl: string;
  ids: string[];
  posts: number;
  inFlight: number;
  frameBytes: number;
  rounds: number;
  warmup: number;
}

export interface PostSample {
  client: PostClient;
  round: number;
  posts: number;
  cpuUs: number;
  wallMs: number;
  delivered: number;
  failed: number;
}

export interface QuerySample {
  ids: number;
  pages: number;
  cpuUs: number;
  wallMs: number;
}

/** The frame gate's clients compared: the lean JSON client the gate uses, and the SDK's document client. */
export const GATE_CLIENTS = ['lean', 'sdk'] as const;
export type GateClient = (typeof GATE_CLIENTS)[number];

export interface GateSample {
  client: GateClient;
  round: number;
  frames: number;
  cpuUs: number;
  wallMs: number;
}

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** A framed channel message of exactly `bytes` bytes (ASCII). */
export function frameOf(bytes: number): Buffer {
  const head = '{"type":"message","channel":"bench","id":"post-cpu","data":"';
  const tail = '"}';
  return Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail);
}

async function* cycle(ids: readonly string[], count: number): AsyncGenerator<readonly string[]> {
  const page: string[] = [];
  for (let i = 0; i < count; i++) page.push(ids[i % ids.length]!);
  yield page;
}

/** The reference client: the request without its signature (a bench-only yardstick, never a publisher to use). */
function unsignedPublisher(callbackUrl: string, maxSockets: number): { publisher: Publisher; close: () => void } {
  const url = new URL(callbackUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  const post = (connectionId: string, payload: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const req = request({
        method: 'POST',
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}/@connections/${encodeURIComponent(connectionId)}`,
        headers: { host: url.host, 'content-type': 'application/octet-stream', 'content-length': String(payload.byteLength) },
        agent,
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { publisher: { post }, close: () => agent.destroy() };
}

function publisherOf(client: PostClient, m: PostsCommand): { publisher: Publisher; close: () => void } {
  if (client === 'unsigned') return unsignedPublisher(m.callbackUrl, m.inFlight);
  if (client === 'sdk') {
    const sdk = createManagementApiClient({ endpoint: m.callbackUrl, maxSockets: m.inFlight });
    return { publisher: new ManagementApiPublisher(sdk), close: () => sdk.destroy() };
  }
  const signed = new SignedPostPublisher({
    endpoint: m.callbackUrl,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: defaultProvider(),
    maxSockets: m.inFlight,
  });
  return { publisher: signed, close: () => signed.destroy() };
}

async function posts(m: PostsCommand): Promise<PostSample[]> {
  const frame = frameOf(m.frameBytes);
  const clients = Object.fromEntries(POST_CLIENTS.map((c) => [c, publisherOf(c, m)])) as Record<PostClient, ReturnType<typeof publisherOf>>;
  const run = (client: PostClient, count: number) =>
    deliver(cycle(m.ids, count), frame, { concurrency: m.inFlight }, { publisher: clients[client].publisher, store: { remove: async () => ({ channels: [] }) }, logger: quiet });
  for (const client of POST_CLIENTS) await run(client, m.warmup);
  const samples: PostSample[] = [];
  for (let round = 0; round < m.rounds; round++) {
    // Alternate the order, so that no client always runs first (warmer JIT, fresher heap).
    const order = round % 2 === 0 ? POST_CLIENTS : [...POST_CLIENTS].reverse();
    for (const client of order) {
      const t0 = performance.now();
      const c0 = cpuUs();
      const report = await run(client, m.posts);
      samples.push({ client, round, posts: m.posts, cpuUs: cpuUs() - c0, wallMs: performance.now() - t0, delivered: report.delivered, failed: report.failed });
    }
  }
  for (const client of POST_CLIENTS) clients[client].close();
  return samples;
}

/** Writes `ids` subscriptions of one channel, then reads the channel's audience through the real store. */
async function query(endpoint: string, ids: number): Promise<QuerySample> {
  const raw = new DynamoDBClient({ endpoint });
  const doc = DynamoDBDocumentClient.from(raw);
  const tableName = 'post-cpu-bench';
  await raw.send(new CreateTableCommand(createTableInput(tableName)));
  const channel = 'bench';
  for (let i = 0; i < ids; i += 25) {
    const items = Array.from({ length: Math.min(25, ids - i) }, (_, k) => {
      const connectionId = `c${String(i + k).padStart(11, '0')}AAAA=`;
      return {
        PutRequest: {
          Item: {
            [TABLE.partitionKey]: keys.connection(connectionId),
            [TABLE.sortKey]: keys.subscription(channel),
            connectionId,
            channel,
            [TABLE.audienceIndex.partitionKey]: keys.channelAudience(channel),
            [TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) + 3600,
          },
        },
      };
    });
    await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
  }
  const store = new DynamoDbConnectionStore(doc, { tableName, broadcastShards: 1 });
  const read = async () => {
    let count = 0;
    let pages = 0;
    for await (const page of store.audience({ kind: 'channel', channel })) {
      pages++;
      count += page.length;
    }
    return { count, pages };
  };
  await read(); // warm-up
  const t0 = performance.now();
  const c0 = cpuUs();
  const { count, pages } = await read();
  const sample = { ids: count, pages, cpuUs: cpuUs() - c0, wallMs: performance.now() - t0 };
  raw.destroy();
  return sample;
}

/**
 * Admits `frames` frames of one connection per client and round: `lean` through the real gate
 * (`DynamoDbFrameGate`), `sdk` with the same conditional UpdateItem through the SDK's document client (what the
 * gate sent before). The window never fills, so each frame is one UpdateItem, as on the hot path.
 */
async function gate(endpoint: string, frames: number, rounds: number): Promise<GateSample[]> {
  const raw = new DynamoDBClient({ endpoint });
  const doc = DynamoDBDocumentClient.from(raw);
  const tableName = 'gate-cpu-bench';
  await raw.send(new CreateTableCommand(createTableInput(tableName)));
  const connectionId = 'gateBenchConn=';
  const Key = { [TABLE.partitionKey]: keys.connection(connectionId), [TABLE.sortKey]: keys.meta };
  await doc.send(new PutCommand({ TableName: tableName, Item: { ...Key, connectionId, [META.channels]: ['scores'] } }));
  const lean = new DynamoDbJsonClient({ endpoint, region: 'us-east-1', credentials: defaultProvider() });
  const frameGate = new DynamoDbFrameGate(lean, tableName);
  const window = Math.floor(Date.now() / 60_000);
  const max = Number.MAX_SAFE_INTEGER;
  const admit: Record<GateClient, () => Promise<unknown>> = {
    lean: () => frameGate.admitFrame(connectionId, window, max),
    sdk: () => doc.send(new UpdateCommand({
      TableName: tableName,
      Key,
      UpdateExpression: 'ADD #n :one',
      ConditionExpression: 'attribute_exists(#pk) AND #w = :w AND #n < :max',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#w': META.messageWindow, '#n': META.messageCount },
      ExpressionAttributeValues: { ':one': 1, ':w': window, ':max': max },
      ReturnValues: 'ALL_NEW',
    })),
  };
  const first = await frameGate.admitFrame(connectionId, window, max); // opens the window
  if (first.status !== 'admitted') throw new Error(`the gate did not admit the bench's connection: ${first.status}`);
  for (const client of GATE_CLIENTS) for (let i = 0; i < Math.ceil(frames / 4); i++) await admit[client](); // warm-up
  const samples: GateSample[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? GATE_CLIENTS : [...GATE_CLIENTS].reverse();
    for (const client of order) {
      const t0 = performance.now();
      const c0 = cpuUs();
      for (let i = 0; i < frames; i++) await admit[client]();
      samples.push({ client, round, frames, cpuUs: cpuUs() - c0, wallMs: performance.now() - t0 });
    }
  }
  lean.destroy();
  raw.destroy();
  return samples;
}

process.on('message', (m: PostsCommand | { cmd: 'query'; endpoint: string; ids: number } | { cmd: 'gate'; endpoint: string; frames: number; rounds: number }) => {
  const reply = (message: unknown) => process.send?.(message);
  const failed = (error: unknown) => reply({ type: 'error', message: (error as Error)?.stack ?? String(error) });
  if (m.cmd === 'posts') posts(m).then((samples) => reply({ type: 'posts', samples }), failed);
  else if (m.cmd === 'query') query(m.endpoint, m.ids).then((sample) => reply({ type: 'query', sample }), failed);
  else if (m.cmd === 'gate') gate(m.endpoint, m.frames, m.rounds).then((samples) => reply({ type: 'gate', samples }), failed);
});
process.on('disconnect', () => process.exit(0));
