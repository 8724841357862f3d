/**
 * The floor under the local cloud's ping round trip: the hand-offs the real path cannot avoid, and nothing of the
 * local cloud's own code. `node --require tsx/cjs bench/ping-floor.ts <port> <hand-offs|dynalite>` listens for
 * WebSockets on `port` (0: any free one) and prints `ready <port>`. Each frame goes, as in the local cloud:
 * client → `ws` server (main thread) → a worker thread (the function's) → one signed HTTP POST through the
 * lean DynamoDB client back to the main thread → the answer → the worker → a `{"type":"pong"}` frame.
 * - `hand-offs`: the main thread answers the POST with `{}` at once;
 * - `dynalite`: the POST is the frame gate's rate-limit UpdateItem on the connection's meta item, answered by
 *   `LocalDynamoDb` (dynalite) on the stack's table schema, as every frame of the local cloud is.
 * What the local cloud adds above this (the gateway's events, the AWS endpoint and IAM, the Lambda runtime, the
 * handler) is the ping's figure minus the floor's, both measured by `npm run bench -- --local`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { WebSocketServer } from 'ws';
import { DynamoDbFrameGate } from '../lambdas/adapters/dynamodb-frame-gate';
import { DynamoDbJsonClient } from '../lambdas/adapters/dynamodb-json-client';
import { LocalDynamoDb } from '../local/dynamodb';
import { LOCAL_REGION } from '../local/aws-wire';
import { readBody } from '../local/http/read-body';
import { TABLE, createTableInput, keys } from '../shared/table-schema';

/** The two floors. */
export const FLOOR_MODES = ['hand-offs', 'dynalite'] as const;
export type FloorMode = (typeof FLOOR_MODES)[number];

const TABLE_NAME = 'PingFloor';
const JSON_TYPE = 'application/x-amz-json-1.0';
/** The frames' requests are a few hundred bytes; a larger body is refused (413), as by the AWS endpoint. */
const MAX_BODY_BYTES = 64 * 1024;

/** A frame for the worker: `body` is absent for a new connection (its meta item is written). */
interface FrameMessage { readonly id: number; readonly connectionId: string; readonly body?: string }

async function serve(port: number, mode: FloorMode): Promise<void> {
  let answer = (_req: IncomingMessage, res: ServerResponse, _body: Buffer) => { res.setHeader('content-type', JSON_TYPE); res.end('{}'); };
  if (mode === 'dynalite') {
    const db = new LocalDynamoDb();
    await db.start();
    await db.createTable(createTableInput(TABLE_NAME));
    answer = (req, res, body) => db.handle(req, res, body);
  }
  const http = createServer((req, res) => {
    void readBody(req, MAX_BODY_BYTES).then(({ data, tooLarge }) => {
      if (tooLarge) res.writeHead(413).end();
      else answer(req, res, data);
    }, () => res.destroy());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const worker = new Worker(__filename, { workerData: { port: (http.address() as AddressInfo).port, mode }, execArgv: ['--require', 'tsx/cjs'] });
  await new Promise((resolve) => worker.once('message', resolve));
  const replies = new Map<number, (reply: string) => void>();
  worker.on('message', (m: { id: number; reply: string }) => {
    replies.get(m.id)?.(m.reply);
    replies.delete(m.id);
  });
  let next = 0;
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  wss.on('connection', (ws) => {
    const connectionId = `floor${next++}`;
    worker.postMessage({ id: -1, connectionId } satisfies FrameMessage);
    ws.on('message', (data) => {
      const id = next++;
      replies.set(id, (reply) => ws.send(reply));
      worker.postMessage({ id, connectionId, body: String(data) } satisfies FrameMessage);
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  process.stdout.write(`ready ${(wss.address() as AddressInfo).port}\n`);
}

function answerFrames(): void {
  const { port, mode } = workerData as { port: number; mode: FloorMode };
  const client = new DynamoDbJsonClient({ endpoint: `http://127.0.0.1:${port}`, region: LOCAL_REGION, credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }) });
  const gate = new DynamoDbFrameGate(client, TABLE_NAME);
  const item = (connectionId: string) => ({ [TABLE.partitionKey]: { S: keys.connection(connectionId) }, [TABLE.sortKey]: { S: keys.meta } });
  parentPort!.on('message', (m: FrameMessage) => {
    void (async () => {
      if (m.body === undefined) {
        if (mode === 'dynalite') await client.send('PutItem', { TableName: TABLE_NAME, Item: item(m.connectionId) });
        return;
      }
      JSON.parse(m.body);
      if (mode === 'dynalite') {
        const admission = await gate.admitFrame(m.connectionId, Math.floor(Date.now() / 60_000), Number.MAX_SAFE_INTEGER);
        if (admission.status !== 'admitted') throw new Error(`the frame gate answered ${admission.status}`);
      } else {
        await client.send('UpdateItem', { TableName: TABLE_NAME });
      }
      parentPort!.postMessage({ id: m.id, reply: '{"type":"pong"}' });
    })();
  });
  parentPort!.postMessage('up');
}

if (!isMainThread) {
  answerFrames();
} else if (require.main === module) {
  const [port, mode] = [Number(process.argv[2]), process.argv[3] as FloorMode];
  if (!Number.isInteger(port) || port < 0 || !FLOOR_MODES.includes(mode)) {
    process.stderr.write(`usage: bench/ping-floor.ts <port> <${FLOOR_MODES.join('|')}>\n`);
    process.exit(2);
  }
  serve(port, mode).catch((error: unknown) => {
    process.stderr.write(`ping floor failed: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}
