/**
 * CPU per delivered post of the hot path's signed-post client against the SDK's management-API client,
 * side by side in one run (`npm run bench -- --post-cpu`), and the CPU of reading registry pages.
 *
 * The local gateway (its management API) and live WebSocket clients run in this process; the posting runs in
 * a child process (bench/post-cpu-worker.ts) whose own CPU time is the measure, so the server side is not
 * counted. Both clients post the same frame through `deliver()` (the real hot path) with the same number in
 * flight, in alternating order, for several rounds; the figure of each client is the median of its rounds,
 * the ratio the median of the per-round ratios. CPU time, not wall time: the machine is shared. The same
 * way, it compares the CPU per frame of `$default`'s rate-limit call (one UpdateItem) through the lean
 * DynamoDB client the frame gate uses and through the SDK's document client, against dynalite in this process.
 */
import { fork } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startGateway } from '../local/gateway';
import { GATE_CLIENTS, POST_CLIENTS, type GateClient, type GateSample, type PostClient, type PostSample, type PostsCommand, type QuerySample } from './post-cpu-worker';

// dynalite ships no types: a factory of an http.Server speaking DynamoDB's API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number }) => Server;

/** Settings of {@link measurePostCpu}. */
export interface PostCpuOptions {
  /** Posts per client per round. */
  readonly posts: number;
  /** Posts in flight (the delivery concurrency, and each client's `maxSockets`). */
  readonly inFlight: number;
  /** Bytes of the framed message. */
  readonly frameBytes: number;
  /** Live WebSocket connections the posts go to (round-robin). */
  readonly connections: number;
  /** Measured rounds per client. */
  readonly rounds: number;
  /** Posts per client before the first round (not measured). */
  readonly warmup: number;
  /** Subscriptions of the channel whose audience is read for the query figure. */
  readonly queryIds: number;
  /** Frames admitted per gate client per round. */
  readonly gateFrames: number;
}

export const DEFAULT_POST_CPU_OPTIONS: PostCpuOptions = {
  posts: 5000,
  inFlight: 64,
  frameBytes: 300,
  connections: 100,
  rounds: 4,
  warmup: 1000,
  queryIds: 5000,
  gateFrames: 1000,
};

/** The figures of one run. */
export interface PostCpuFigures {
  readonly at: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string };
  readonly options: PostCpuOptions;
  readonly clients: Record<PostClient, { cpuUsPerPost: number; roundsUsPerPost: number[]; delivered: number; failed: number }>;
  /** signed-post ÷ sdk, median of the rounds. */
  readonly ratio: number;
  readonly roundRatios: number[];
  /** Frames the WebSocket clients received (every delivered post, warm-up included). */
  readonly received: number;
  /** Reading one channel's audience through the connection store, after a warm-up read. */
  readonly query: QuerySample & { cpuUsPerId: number };
  /** CPU per frame of the rate-limit UpdateItem, lean client vs SDK, and lean ÷ sdk (median of the rounds). */
  readonly gate: { readonly clients: Record<GateClient, { cpuUsPerFrame: number; roundsUsPerFrame: number[] }>; readonly ratio: number; readonly roundRatios: number[] };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round2 = (n: number) => Math.round(n * 100) / 100;

function ask<T>(child: ReturnType<typeof fork>, message: unknown, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type !== type && m.type !== 'error') return;
      child.off('message', onMessage);
      if (m.type === 'error') reject(new Error(`post-cpu worker: ${m.message}`));
      else resolve(m as T);
    };
    child.on('message', onMessage);
    child.send(message as never);
  });
}

/** Runs the measurement (see the file's comment). */
export async function measurePostCpu(options: PostCpuOptions = DEFAULT_POST_CPU_OPTIONS): Promise<PostCpuFigures> {
  const ids: string[] = [];
  const gateway = await startGateway({
    port: 0,
    stage: 'bench',
    apiId: 'postcpu',
    routeSelectionExpression: '$request.body.action',
    routes: {
      $connect: {
        invoke: async (event) => {
          ids.push((event as { requestContext: { connectionId: string } }).requestContext.connectionId);
          return { statusCode: 200 };
        },
      },
    },
  });
  const sockets: WebSocket[] = [];
  let received = 0;
  const db = dynalite({ createTableMs: 0 });
  const child = fork(join(__dirname, 'post-cpu-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'ASIABENCHKEY',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_SESSION_TOKEN: 'bench-session-token',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  try {
    for (let i = 0; i < options.connections; i++) {
      const ws = new WebSocket(gateway.url, { perMessageDeflate: false });
      ws.on('message', () => received++);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      sockets.push(ws);
    }
    const command: PostsCommand = { cmd: 'posts', callbackUrl: gateway.callbackUrl, ids, ...options };
    const { samples } = await ask<{ samples: PostSample[] }>(child, command, 'posts');

    await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', () => resolve()));
    const endpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
    const { sample: query } = await ask<{ sample: QuerySample }>(child, { cmd: 'query', endpoint, ids: options.queryIds }, 'query');
    const { samples: gateSamples } = await ask<{ samples: GateSample[] }>(child, { cmd: 'gate', endpoint, frames: options.gateFrames, rounds: options.rounds }, 'gate');

    const expected = POST_CLIENTS.length * (options.warmup + options.posts * options.rounds);
    for (let i = 0; i < 100 && received < expected; i++) await new Promise((r) => setTimeout(r, 20));

    const of = (client: PostClient) => samples.filter((s) => s.client === client);
    const perPost = (s: PostSample) => s.cpuUs / s.posts;
    const figure = (client: PostClient) => ({
      cpuUsPerPost: round2(median(of(client).map(perPost))),
      roundsUsPerPost: of(client).map((s) => round2(perPost(s))),
      delivered: of(client).reduce((n, s) => n + s.delivered, 0),
      failed: of(client).reduce((n, s) => n + s.failed, 0),
    });
    const roundRatios = Array.from({ length: options.rounds }, (_, r) => {
      const [lean, sdk] = (['signed-post', 'sdk'] as const).map((c) => perPost(samples.find((s) => s.client === c && s.round === r)!));
      return round2(lean! / sdk!);
    });
    return {
      at: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
      options,
      clients: { 'signed-post': figure('signed-post'), sdk: figure('sdk'), unsigned: figure('unsigned') },
      ratio: round2(median(roundRatios)),
      roundRatios,
      received,
      query: { ...query, cpuUsPerId: round2(query.cpuUs / Math.max(1, query.ids)) },
      gate: gateFigures(gateSamples, options.rounds),
    };
  } finally {
    child.kill();
    for (const ws of sockets) ws.terminate();
    await gateway.stop();
    db.closeAllConnections?.();
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

function gateFigures(samples: GateSample[], rounds: number): PostCpuFigures['gate'] {
  const perFrame = (s: GateSample) => s.cpuUs / s.frames;
  const of = (client: GateClient) => samples.filter((s) => s.client === client);
  const clients = Object.fromEntries(GATE_CLIENTS.map((c) => [c, {
    cpuUsPerFrame: round2(median(of(c).map(perFrame))),
    roundsUsPerFrame: of(c).map((s) => round2(perFrame(s))),
  }])) as PostCpuFigures['gate']['clients'];
  const roundRatios = Array.from({ length: rounds }, (_, r) => {
    const [lean, sdk] = GATE_CLIENTS.map((c) => perFrame(samples.find((s) => s.client === c && s.round === r)!));
    return round2(lean! / sdk!);
  });
  return { clients, ratio: round2(median(roundRatios)), roundRatios };
}

/** The figures as printed lines. */
export function describePostCpu(f: PostCpuFigures): string[] {
  const o = f.options;
  const line = (name: string, c: PostCpuFigures['clients'][PostClient]) =>
    `${name.padEnd(12)} ${c.cpuUsPerPost.toFixed(1).padStart(12)} ${c.roundsUsPerPost.map((v) => v.toFixed(0)).join(' / ').padStart(24)} ${`${c.delivered}`.padStart(10)} ${`${c.failed}`.padStart(7)}`;
  return [
    `post CPU: ${o.rounds} rounds × ${o.posts} posts per client, ${o.inFlight} in flight, ${o.frameBytes}-byte frame, ${o.connections} live connections (${f.machine.cpu}, ${f.machine.cores} cores, Node ${f.machine.node})`,
    `client       CPU µs/post        rounds (µs/post)   delivered  failed`,
    line('signed-post', f.clients['signed-post']),
    line('sdk', f.clients.sdk),
    line('(unsigned)', f.clients.unsigned),
    `ratio signed-post / sdk: ${f.ratio} (rounds: ${f.roundRatios.join(', ')}); frames received by the sockets: ${f.received}`,
    `(unsigned: the same POST without a signature, a reference for the share of Node's HTTP client and the kernel's loopback TCP)`,
    `query: ${f.query.ids} ids in ${f.query.pages} page(s): ${(f.query.cpuUs / 1000).toFixed(1)} ms CPU (${f.query.cpuUsPerId} µs per id), ${f.query.wallMs.toFixed(1)} ms wall (dynalite)`,
    `frame gate (the rate-limit UpdateItem of every frame), ${o.rounds} rounds × ${o.gateFrames} frames: lean ${f.gate.clients.lean.cpuUsPerFrame} µs/frame ` +
      `(${f.gate.clients.lean.roundsUsPerFrame.map((v) => v.toFixed(0)).join(' / ')}), sdk ${f.gate.clients.sdk.cpuUsPerFrame} µs/frame ` +
      `(${f.gate.clients.sdk.roundsUsPerFrame.map((v) => v.toFixed(0)).join(' / ')}); ratio lean / sdk ${f.gate.ratio} (rounds: ${f.gate.roundRatios.join(', ')})`,
  ];
}
