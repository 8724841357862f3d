import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { startGateway, type Gateway, type GatewayOptions, type RouteIntegration } from '../../../../local/gateway';

/** A route integration that records the events it gets and answers with `answer(event)`. */
export function recorder(answer: (event: any) => unknown = () => ({ statusCode: 200 }), extra: Partial<RouteIntegration> = {}) {
  const events: any[] = [];
  const waiters: Array<() => void> = [];
  const integration: RouteIntegration & { events: any[]; next(count?: number): Promise<any> } = {
    ...extra,
    events,
    async invoke(event: unknown) {
      events.push(event);
      waiters.splice(0).forEach((w) => w());
      return answer(event);
    },
    /** Resolves with the `count`-th event (1-based) once it has arrived. */
    async next(count = events.length + 1) {
      while (events.length < count) await new Promise<void>((r) => waiters.push(r));
      return events[count - 1];
    },
  };
  return integration;
}

export async function gateway(opts: Partial<GatewayOptions> & Pick<GatewayOptions, 'routes'>): Promise<Gateway & { lines: string[] }> {
  const lines: string[] = [];
  const gw = await startGateway({
    port: 0,
    stage: 'prod',
    apiId: 'abc123defg',
    routeSelectionExpression: '$request.body.action',
    log: (l) => lines.push(l),
    ...opts,
  });
  return Object.assign(gw, { lines });
}

/**
 * Registers an `afterEach` that stops what the test started; call it in a `describe` body. `start` starts
 * a {@link gateway} stopped after the test, `onStop` adds any other clean-up.
 */
export function stoppedAfterEach() {
  let stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(stops.map((s) => s()));
    stops = [];
  });
  const onStop = (stop: () => Promise<void>) => {
    stops.push(stop);
  };
  const start = async (...args: Parameters<typeof gateway>) => {
    const gw = await gateway(...args);
    onStop(() => gw.stop());
    return gw;
  };
  return { start, onStop };
}

/** A captured API Gateway WebSocket event of `test/fixtures/apigw-websocket/` (e.g. `message.json`). */
export const reference = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../fixtures/apigw-websocket', name), 'utf8'));

/** Opens a client; resolves when open. */
export function open(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options.protocols, options);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Tries to connect and expects a rejected handshake: the HTTP status and body the client got. */
export function rejected(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number; body: string; headers: Record<string, unknown>; upgraded: boolean }> {
  const ws = new WebSocket(url, options);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '', headers: {}, upgraded: true });
    });
    ws.on('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, upgraded: false }));
      res.on('error', reject);
    });
  });
}

/** The next message a client receives. */
export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean; text: string }> {
  return new Promise((resolve) =>
    ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary, text: data.toString('utf8') })),
  );
}

/** Resolves when the client is closed, with the close code and reason it saw. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve({ code: 1006, reason: '' });
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** The latency of a slow integration; to wait for something to happen, use `waitUntil`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** Keys of an object, sorted (for shape comparisons). */
export const keysOf = (o: object) => Object.keys(o).sort();
