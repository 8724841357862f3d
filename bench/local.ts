/**
 * `npm run bench -- --local [--ping-count N] [--push-count N] [--steady-connections N]`: the local cloud as a developer meets it. Runs
 * `npm start`'s process (`node --require tsx/cjs local/cli.ts`, without the npm wrapper) on free ports and measures:
 * - cold start: no cached assembly (the cache's folders are removed first) → both ports answer;
 * - cached start: the same again, nothing changed;
 * - idle RSS of the process tree, 2 s after the cached start;
 * - a `{"action":"ping"}` round trip: p50/p99 of N after 20 warm-ups;
 * - the same once V8 has optimized the path: 10 more connections (`--steady-connections`) of 20 + 200 pings
 *   each; the p50 of each connection (how the round trip falls as the JIT warms up), the median of the last
 *   three's, and the last one's p99;
 * - single-subscriber push latency: PutEvents (AWS SDK) → the message at a subscribed client, p50/p99;
 * - the ping's floor (`bench/ping-floor.ts`), measured the same two ways right after: the path's hand-offs alone,
 *   and with dynalite's rate-limit UpdateItem; the ping minus the floor is the local cloud's own code.
 * Prints the figures with the machine's load average and writes bench/results/local.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import WebSocket from 'ws';
import { PUSH_DETAIL_TYPE } from '../shared/events';
import { LOCAL_REGION } from '../local/aws-wire';
import { PACKAGE_ROOT as PROJECT_ROOT } from '../lib/constructs/handler-bundle';
import { SYNTH_CACHE_FOLDER } from '../local/synth-cache';
import { DEFAULT_MAX_MESSAGES_PER_MINUTE } from '../shared/limits';
import { numericFlags } from './flags';
import { FLOOR_MODES, type FloorMode } from './ping-floor';

const WARM_UPS = 20;

interface LocalFigures {
  measuredAt: string;
  loadAverage: number[];
  coldStartMs: number;
  cachedStartMs: number;
  idleRssMb: { total: number; processes: { pid: number; command: string; rssMb: number }[] };
  pingMs: { count: number; p50: number; p99: number };
  /**
   * p50 of each later connection's pings, their last three's median (`jitWarmP50`: the round trip once V8 has
   * optimized it, less sensitive to one slow moment of the machine than one connection), and the last one's figures.
   */
  steadyPingMs: { p50ByConnection: number[]; jitWarmP50: number; last: { count: number; p50: number; p99: number } };
  pushMs: { count: number; p50: number; p99: number };
  /** The same pings through `bench/ping-floor.ts`: after the warm-ups, and once JIT-warm (as `steadyPingMs.jitWarmP50`). */
  floorPingMs: Record<FloorMode, { p50: number; p99: number; jitWarmP50: number }>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether an HTTP server answers on the port (any status), within 200 ms. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 200 }, (res) => { res.resume(); resolve(true); });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

interface Started { child: ChildProcess; ms: number; ports: { gateway: number; aws: number } }

async function startCloud(): Promise<Started> {
  const ports = { gateway: await freePort(), aws: await freePort() };
  const began = performance.now();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_ROOT, 'local', 'cli.ts'), '--port', String(ports.gateway), '--aws-port', String(ports.aws)], {
    cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the local cloud exited (${code}):\n${output.join('')}`))));
  const ready = (async () => {
    while (!((await answers(ports.gateway)) && (await answers(ports.aws)))) await new Promise((r) => setTimeout(r, 20));
  })();
  await Promise.race([ready, exited]);
  return { child, ms: performance.now() - began, ports };
}

async function stopCloud(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The process and its descendants (from /proc), with their RSS. */
function treeRss(rootPid: number): LocalFigures['idleRssMb'] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  const processes = tree.map((pid) => {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 80);
    return { pid, command, rssMb: Math.round(rssKb / 102.4) / 10 };
  });
  return { total: Math.round(processes.reduce((n, p) => n + p.rssMb, 0) * 10) / 10, processes };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function percentile(sorted: number[], p: number): number {
  return round2(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!);
}

function summary(samples: number[]): { count: number; p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: samples.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function connect(port: number): Promise<{ ws: WebSocket; next: (match: (m: any) => boolean) => Promise<void> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  let waiter: { match: (m: any) => boolean; resolve: () => void } | undefined;
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (waiter?.match(msg)) { const w = waiter; waiter = undefined; w.resolve(); }
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return { ws, next: (match) => new Promise<void>((resolve) => { waiter = { match, resolve }; }) };
}

async function pingRoundTrips(port: number, count: number): Promise<number[]> {
  const client = await connect(port);
  const samples: number[] = [];
  for (let i = 0; i < WARM_UPS + count; i++) {
    const began = performance.now();
    const pong = client.next((m) => m.type === 'pong');
    client.ws.send('{"action":"ping"}');
    await pong;
    if (i >= WARM_UPS) samples.push(performance.now() - began);
  }
  client.ws.close();
  return samples;
}

/**
 * Ping round trips on `connections` more connections, one after another (each within its rate limit): V8
 * optimizes the path as it runs, so the p50 falls from one connection to the next until it levels off.
 */
async function steadyPings(port: number, connections: number, count: number): Promise<LocalFigures['steadyPingMs']> {
  const p50ByConnection: number[] = [];
  let last = { count: 0, p50: 0, p99: 0 };
  for (let c = 0; c < connections; c++) {
    last = summary(await pingRoundTrips(port, count));
    p50ByConnection.push(last.p50);
  }
  const lastThree = p50ByConnection.slice(-3).sort((a, b) => a - b);
  return { p50ByConnection, jitWarmP50: lastThree[Math.floor(lastThree.length / 2)]!, last };
}

/** The ping floor of `mode` (on a port it picks), then its pings measured as the local cloud's are. */
async function floorPings(mode: FloorMode, count: number, connections: number): Promise<LocalFigures['floorPingMs'][FloorMode]> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_ROOT, 'bench', 'ping-floor.ts'), '0', mode], {
    cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await floorReady(child, mode);
    const first = summary(await pingRoundTrips(port, count));
    const steady = await steadyPings(port, connections, count);
    return { p50: first.p50, p99: first.p99, jitWarmP50: steady.jitWarmP50 };
  } finally {
    await stopCloud(child);
  }
}

/** The port a started `bench/ping-floor.ts` prints in its `ready <port>` line. */
export function floorReady(child: ChildProcess, mode: FloorMode): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (d) => {
      output += String(d);
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench/ping-floor.ts ${mode} exited (${code})`)));
  });
}

async function pushLatencies(ports: Started['ports'], count: number): Promise<number[]> {
  const client = await connect(ports.gateway);
  const subscribed = client.next((m) => m.type === 'subscribed');
  client.ws.send('{"action":"subscribe","channel":"bench"}');
  await subscribed;
  const events = new EventBridgeClient({ region: LOCAL_REGION, endpoint: `http://127.0.0.1:${ports.aws}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const samples: number[] = [];
  for (let i = 0; i < WARM_UPS / 4 + count; i++) {
    const began = performance.now();
    const received = client.next((m) => m.type === 'message' && m.data?.i === i);
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'websocket-push', Source: 'bench', DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify({ channel: 'bench', data: { i } }) }] }));
    await received;
    if (i >= WARM_UPS / 4) samples.push(performance.now() - began);
  }
  events.destroy();
  client.ws.close();
  return samples;
}

/** Runs the local bench; see the file's comment. */
export async function runLocalBench(argv: string[]): Promise<void> {
  const { values, rest } = numericFlags(argv.filter((a) => a !== '--local'), {
    pings: '--ping-count',
    pushes: '--push-count',
    steadyConnections: '--steady-connections',
  });
  if (rest.length) throw new Error(`unknown flag ${rest[0]}; flags of --local: --ping-count N --push-count N --steady-connections N`);
  const pings = values.pings ?? 200;
  // Every frame counts against the connection's rate limit (npm start runs the default configuration).
  if (!(Number.isInteger(pings) && pings >= 1 && pings + WARM_UPS <= DEFAULT_MAX_MESSAGES_PER_MINUTE)) {
    throw new Error(`--ping-count must be from 1 to ${DEFAULT_MAX_MESSAGES_PER_MINUTE - WARM_UPS}: with the ${WARM_UPS} warm-ups, one connection may send ${DEFAULT_MAX_MESSAGES_PER_MINUTE} frames a minute (maxMessagesPerMinute)`);
  }
  const pushes = values.pushes ?? 50;
  const steadyConnections = values.steadyConnections ?? 10;
  if (!Number.isInteger(pushes) || pushes < 1) throw new Error(`--push-count must be a whole number from 1, got ${pushes}`);
  if (!Number.isInteger(steadyConnections) || steadyConnections < 3) {
    throw new Error(`--steady-connections must be a whole number from 3 (the JIT-warm figure is the median of the last three), got ${steadyConnections}`);
  }
  const cacheDir = join(PROJECT_ROOT, SYNTH_CACHE_FOLDER);
  // A fresh clone has no cache folder yet: the cold start makes it.
  const entries = existsSync(cacheDir) ? readdirSync(cacheDir, { withFileTypes: true }) : [];
  for (const name of entries.filter((e) => e.name.startsWith('cdk.out-'))) {
    rmSync(join(cacheDir, name.name), { recursive: true, force: true });
  }
  const cold = await startCloud();
  await stopCloud(cold.child);
  const cached = await startCloud();
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idleRssMb = treeRss(cached.child.pid!);
    const pingMs = summary(await pingRoundTrips(cached.ports.gateway, pings));
    const pushMs = summary(await pushLatencies(cached.ports, pushes));
    const steadyPingMs = await steadyPings(cached.ports.gateway, steadyConnections, pings);
    await stopCloud(cached.child);
    const floorPingMs = {} as LocalFigures['floorPingMs'];
    for (const mode of FLOOR_MODES) floorPingMs[mode] = await floorPings(mode, pings, steadyConnections);
    const figures: LocalFigures = {
      measuredAt: new Date().toISOString(),
      loadAverage: loadavg().map(round2),
      coldStartMs: Math.round(cold.ms),
      cachedStartMs: Math.round(cached.ms),
      idleRssMb,
      pingMs,
      steadyPingMs,
      pushMs,
      floorPingMs,
    };
    const floor = floorPingMs.dynalite;
    process.stdout.write([
      `local cloud (load average ${figures.loadAverage.join(' ')})`,
      `  cold start     ${figures.coldStartMs} ms   (synth, bundling, services; both ports answer)`,
      `  cached start   ${figures.cachedStartMs} ms`,
      `  idle RSS       ${idleRssMb.total} MB   (${idleRssMb.processes.map((p) => `${p.rssMb} MB ${p.command.split(' ').slice(0, 3).join(' ')}`).join('; ')})`,
      `  ping RTT       p50 ${pingMs.p50} ms   p99 ${pingMs.p99} ms   (${pingMs.count} after ${WARM_UPS} warm-ups)`,
      `  push latency   p50 ${pushMs.p50} ms   p99 ${pushMs.p99} ms   (${pushMs.count}, one subscriber, PutEvents → message)`,
      `  ping, JIT warm p50 ${steadyPingMs.jitWarmP50} ms   (the median p50 of the last 3 of ${steadyPingMs.p50ByConnection.length} more connections; their p50s: ${steadyPingMs.p50ByConnection.join(' ')}; the last one's p99 ${steadyPingMs.last.p99} ms)`,
      `  ping floor     hand-offs alone p50 ${floorPingMs['hand-offs'].p50} ms (JIT warm ${floorPingMs['hand-offs'].jitWarmP50});  with dynalite's UpdateItem p50 ${floor.p50} ms (JIT warm ${floor.jitWarmP50})   (bench/ping-floor.ts)`,
      `  ping above the floor  ${round2(pingMs.p50 - floor.p50)} ms (×${round2(pingMs.p50 / floor.p50)});  JIT warm ${round2(steadyPingMs.jitWarmP50 - floor.jitWarmP50)} ms (×${round2(steadyPingMs.jitWarmP50 / floor.jitWarmP50)})   (the local cloud's own code)`,
      '',
    ].join('\n'));
    mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(PROJECT_ROOT, 'bench', 'results', 'local.json'), `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    await stopCloud(cached.child);
  }
}
