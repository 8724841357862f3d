import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { FaultScript, type ScriptedGatewayFaults } from '../../support/local-services';
import { TestClient } from '../../support/ws-client';
import { localTarget, type PushTarget } from '../../support/target';
import { waitUntil } from '../../support/wait-until';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function helpers(cloud: () => TestCloud) {
  const clients: TestClient[] = [];
  let target: PushTarget | undefined;
  let dynamo: DynamoDBClient | undefined;
  let sqs: SQSClient | undefined;
  /** Messages on the fan-out queue, visible or in a worker's hands. */
  const fanoutQueueDepth = async () => {
    sqs ??= new SQSClient({ endpoint: cloud().awsEndpoint, region: 'us-east-1', credentials });
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: cloud().outputs.FanoutQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
    );
    return Object.values(Attributes).reduce((n, v) => n + Number(v), 0);
  };
  return {
    clients,
    async connect(n: number): Promise<TestClient[]> {
      const out = await Promise.all(Array.from({ length: n }, () => TestClient.connect(cloud().webSocketUrl)));
      clients.push(...out);
      return out;
    },
    publish(detail: unknown): Promise<string> {
      target ??= localTarget(cloud());
      return target.publish(detail);
    },
    /** Every item of the registry (a test may scan; the handlers never do). */
    async items(): Promise<Array<Record<string, string>>> {
      dynamo ??= new DynamoDBClient({ endpoint: cloud().awsEndpoint, region: 'us-east-1', credentials });
      const out = await dynamo.send(new ScanCommand({ TableName: cloud().outputs.ConnectionsTableName }));
      return (out.Items ?? []).map((i) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, String(v.S ?? v.N)])));
    },
    /** Moves a connection's registration a minute into the past (out of the handshake grace of a 410). */
    async age(connectionId: string): Promise<void> {
      dynamo ??= new DynamoDBClient({ endpoint: cloud().awsEndpoint, region: 'us-east-1', credentials });
      await dynamo.send(new UpdateItemCommand({
        TableName: cloud().outputs.ConnectionsTableName,
        Key: { pk: { S: `conn#${connectionId}` }, sk: { S: 'meta' } },
        UpdateExpression: 'SET connectedAt = :at',
        ExpressionAttributeValues: { ':at': { N: String(Date.now() - 60_000) } },
      }));
    },
    /**
     * Waits until nothing more can reach `clients`: every push done, the fan-out queue empty (its workers
     * done), and every frame already sent to a client arrived.
     */
    async settled(clients: TestClient[]): Promise<void> {
      await cloud().idle();
      await waitUntil(async () => (await fanoutQueueDepth()) === 0, 'the fan-out queue to be empty');
      await Promise.all(clients.map((c) => c.flush()));
    },
    close() {
      clients.forEach((c) => c.close());
      void target?.stop();
      dynamo?.destroy();
      sqs?.destroy();
    },
  };
}

/** The ids of the messages a client received, deduplicated (delivery is at-least-once). */
const receivedIds = (c: TestClient) => [...new Set(c.messages().map((m) => m.id as string))].sort();


describe('fan-out through the queue and the workers (threshold 3, batches of 2, 4 shards)', () => {
  let cloud: TestCloud;
  const h = helpers(() => cloud);

  beforeAll(async () => {
    cloud = await startTestCloud({ context: { fanoutThreshold: '3', fanoutBatchSize: '2', broadcastShards: '4' } });
  }, 90_000);
  afterAll(async () => {
    h.close();
    await cloud?.stop();
  });

  it('broadcast reads every shard (no single key) and reaches every connection exactly once, through the workers', async () => {
    const clients = await h.connect(12);
    const shards = new Set((await h.items()).filter((i) => i.sk === 'meta').map((i) => i.shard));
    expect(shards.size).toBeGreaterThan(1);
    for (const s of shards) expect(s).toMatch(/^shard#[0-3]$/);

    const id = await h.publish({ broadcast: true, data: { n: 1 } });
    for (const c of clients) expect(await c.next((m) => m.type === 'message' && m.id === id)).toMatchObject({ type: 'message', id, data: { n: 1 } });
    await h.settled(clients);
    for (const c of clients) expect(c.messages().filter((m) => m.id === id)).toHaveLength(1);
    expect(cloud.lines.join('\n')).toMatch(/push queued for the fan-out workers.*"batches":6/);
    expect(cloud.lines.join('\n')).toMatch(/fan-out batch delivered/);
  });

  it('a channel audience over the threshold goes through the queue; under it, the push function delivers it', async () => {
    const big = await h.connect(5);
    const small = await h.connect(2);
    const [other] = await h.connect(1);
    await Promise.all(big.map((c) => c.subscribe('big')));
    await Promise.all(small.map((c) => c.subscribe('small')));
    const before = cloud.lines.length;
    const bigId = await h.publish({ channel: 'big', data: 'b' });
    const smallId = await h.publish({ channel: 'small', data: 's' });
    for (const c of big) await c.next((m) => m.id === bigId);
    for (const c of small) await c.next((m) => m.id === smallId);
    await h.settled([...big, ...small, other!]);
    for (const c of big) {
      const got = c.messages().filter((m) => m.id === bigId);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ type: 'message', channel: 'big', id: bigId, data: 'b' });
    }
    expect(other!.messages().filter((m) => m.id === bigId || m.id === smallId)).toEqual([]);
    const lines = cloud.lines.slice(before).join('\n');
    expect(lines).toMatch(new RegExp(`push queued for the fan-out workers.*"eventId":"${bigId}".*"connections":5`));
    expect(lines).toMatch(new RegExp(`push delivered.*"eventId":"${smallId}".*"delivered":2`));
  });
});

describe('under faults: 30% of management calls fail (429/500), every $disconnect is dropped', () => {
  let cloud: TestCloud;
  const h = helpers(() => cloud);
  const script = new FaultScript();

  beforeAll(async () => {
    const faults: ScriptedGatewayFaults = { throttleRate: 0.15, errorRate: 0.15, dropDisconnectRate: 1, seed: 7, script };
    cloud = await startTestCloud({ context: { fanoutThreshold: '4', fanoutBatchSize: '3' }, faults });
  }, 90_000);
  afterAll(async () => {
    h.close();
    await cloud?.stop();
  });

  it('every live client receives every event (deduplicated by id), and stale records are removed after their 410', async () => {
    const clients = await h.connect(14);
    const ids = (await h.items()).filter((i) => i.sk === 'meta').map((i) => i.connectionId);
    expect(ids).toHaveLength(14);
    // Four clients leave; their $disconnect is dropped, so the registry keeps them (stale).
    const gone = clients.splice(0, 4);
    for (const c of gone) c.close();
    await Promise.all(gone.map((c) => c.closed()));
    await cloud.idle();
    expect((await h.items()).filter((i) => i.sk === 'meta')).toHaveLength(14);
    expect(cloud.lines.join('\n')).toMatch(/\$disconnect .* dropped \(fault injection\)/);

    const published: string[] = [];
    for (let i = 0; i < 5; i++) published.push(await h.publish({ broadcast: true, data: { i } }));
    await waitUntil(() => clients.every((c) => receivedIds(c).length === published.length), 'every event at every live client', { timeoutMs: 20_000 });
    for (const c of clients) expect(receivedIds(c)).toEqual([...published].sort());
    expect(cloud.lines.join('\n')).toMatch(/429|LimitExceeded|InternalServerError|Throttled|ServerError|re-queued/);

    // The stale connections answered 410 and were removed, with their items.
    await waitUntil(async () => (await h.items()).filter((i) => i.sk === 'meta').length === 10, 'stale records removed', { timeoutMs: 20_000 });
    const left = new Set((await h.items()).map((i) => i.connectionId));
    expect(left.size).toBe(10);
  }, 60_000);

  it('answers as scripted through the local cloud\'s options: a 410 for a live connection removes its records', async () => {
    const known = new Set((await h.items()).map((i) => i.connectionId));
    const [client] = await h.connect(1);
    await client!.subscribe('scripted');
    const id = (await h.items()).find((i) => i.sk === 'meta' && !known.has(i.connectionId))!.connectionId;
    // A 410 within seconds of the handshake is taken for "still connecting" and retried; this one is older.
    await h.age(id);
    script.forConnection(id, [410]);
    await h.publish({ connectionId: id, data: 'to a connection API Gateway calls gone' });
    await cloud.idle();
    expect(script.pending).toBe(0);
    expect((await h.items()).filter((i) => i.connectionId === id)).toEqual([]);
    // The socket itself stays open: the script only answered the one call.
    expect(client!.closeCode).toBeUndefined();
  });
});
