/**
 * `npm run bench -- [--subscribers N] [--events N] [--payload-bytes N] [--latency-ms N] [--fault-rate R]
 *                   [--cold-start-runs N] [-c key=value]…`
 *
 * Starts the local cloud (the synthesized stack) on free ports, connects N subscribers from a separate
 * process, and measures, in the same run (ours and naive against the same sockets):
 * - ours: events published through EventBridge (AWS SDK) → push function → (fan-out queue → workers) → posts;
 * - naive: one Scan + unbounded Promise.all of PostToConnection on the SDK's default client (bench/naive.ts);
 * - limit: the same frame written straight to as many sockets by a bare ws server in this process (bench/raw-limit.ts:
 *   no gateway, no management API), the subscribers reconnected to it once the local cloud is stopped;
 * - cold start: each handler's bundle size and module-initialisation time, bundled SDK vs the runtime's.
 * Prints a table and writes bench/results/latest.json.
 *
 * `--post-cpu` and `--project-aws` run the measurement modes of bench/modes.ts instead.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PUSH_DETAIL_TYPE } from '../shared/events';
import { LOCAL_REGION } from '../local/aws-wire';
import { startLocalCloud, type LocalCloud } from '../local/local-cloud';
import { synth } from '../local/synth';
import { measureColdStart, type ColdStartFigure } from './cold-start';
import { startRawLimitServer, type RawLimitServer } from './raw-limit';
import { benchMode } from './modes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Options {
  subscribers: number;
  events: number;
  payloadBytes: number;
  latencyMs: number;
  faultRate: number;
  coldStartRuns: number;
  context: Record<string, string>;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { subscribers: 1000, events: 3, payloadBytes: 256, latencyMs: 0, faultRate: 0, coldStartRuns: 5, context: {}, timeoutMs: 60_000 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    const value = () => inline ?? argv[++i] ?? '';
    const num = (name: string, min: number, max: number) => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
      return n;
    };
    switch (flag) {
      case '--subscribers': o.subscribers = num(flag, 1, 100_000); break;
      case '--events': o.events = num(flag, 1, 1000); break;
      case '--payload-bytes': o.payloadBytes = num(flag, 0, 120_000); break;
      case '--latency-ms': o.latencyMs = num(flag, 0, 10_000); break;
      case '--fault-rate': o.faultRate = num(flag, 0, 1); break;
      case '--cold-start-runs': o.coldStartRuns = num(flag, 0, 100); break;
      case '--timeout-ms': o.timeoutMs = num(flag, 1000, 600_000); break;
      case '-c':
      case '--context': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq < 1) throw new Error(`${flag} needs KEY=VALUE`);
        o.context[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      default:
        throw new Error(`unknown flag ${argv[i]}; flags: --subscribers --events --payload-bytes --latency-ms --fault-rate --cold-start-runs --timeout-ms -c key=value`);
    }
  }
  return o;
}

/** A child process with request/answer over IPC. */
class Child {
  private readonly waiters: Array<{ type: string; resolve: (m: any) => void }> = [];
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: any) => {
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
    });
  }
  static start(file: string, fdLimit: number): Child {
    // The child gets its own descriptor limit (raised to the hard limit when the soft one is too low).
    return new Child(fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, WSP_FD_LIMIT: String(fdLimit) } }));
  }
  ask<T = any>(message: unknown, type: string): Promise<T> {
    return new Promise((resolve) => {
      this.waiters.push({ type, resolve });
      this.proc.send(message as never);
    });
  }
}

interface RunFigures {
  delivered: number;
  expected: number;
  msgsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Events whose every subscriber received them. */
  complete: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

/** Waits until `id` reached `expected` receivers (or stops progressing), then returns its receive times. */
async function collect(subs: Child, id: string, expected: number, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stalledSince = Date.now();
  for (;;) {
    const { counts } = await subs.ask<{ counts: Record<string, number> }>({ cmd: 'counts' }, 'counts');
    const n = counts[id] ?? 0;
    if (n >= expected || Date.now() > deadline) break;
    if (n !== last) {
      last = n;
      stalledSince = Date.now();
    } else if (n > 0 && Date.now() - stalledSince > 10_000) {
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return (await subs.ask<{ times: number[] }>({ cmd: 'times', id }, 'times')).times;
}

function summarize(samples: Array<{ t0: number; times: number[] }>, expected: number): RunFigures {
  const latencies: number[] = [];
  let delivered = 0;
  let busyMs = 0;
  let complete = 0;
  for (const s of samples) {
    delivered += s.times.length;
    if (s.times.length >= expected) complete++;
    for (const t of s.times) latencies.push(t - s.t0);
    if (s.times.length) busyMs += Math.max(...s.times) - s.t0;
  }
  latencies.sort((a, b) => a - b);
  return {
    delivered,
    expected: expected * samples.length,
    msgsPerSec: busyMs > 0 ? Math.round((delivered / busyMs) * 1000) : 0,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
    complete,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
const now = () => performance.timeOrigin + performance.now();

function payloadData(bytes: number, n: number): { n: number; pad: string } {
  return { n, pad: 'x'.repeat(Math.max(0, bytes)) };
}

function fdLimits(): { soft: number; hard: number } {
  const read = (flag: string) => {
    const text = execSync(`ulimit ${flag}`, { shell: '/bin/sh', encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Infinity : Number(text);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

async function main(): Promise<void> {
  if (process.argv.includes('--local')) {
    await (await import('./local')).runLocalBench(process.argv.slice(2));
    return;
  }
  const o = parseArgs(process.argv.slice(2));
  const limits = fdLimits();
  // Each process holds one end of every socket, plus the management API's keep-alive sockets and the rest.
  const need = o.subscribers + 2048;
  if (limits.soft < need) {
    throw new Error(
      `${o.subscribers} subscribers need about ${need} file descriptors per process, but ulimit -n is ${limits.soft} ` +
        `(hard ${limits.hard}). Raise it first, e.g. \`ulimit -n ${Math.min(limits.hard, need * 2)}\`, then run the bench again.`,
    );
  }
  const log: string[] = [];
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'wsp-bench-'));
  let cloud: LocalCloud | undefined;
  let subs: Child | undefined;
  let naive: Child | undefined;
  let raw: RawLimitServer | undefined;
  // Errors are recorded while the cloud is measured, not while it stops (its last $disconnects end with it).
  let recording = true;
  try {
    say(`bench: ${o.subscribers} subscribers, ${o.events} events of ${o.payloadBytes} B, ${o.latencyMs} ms per management call, fault rate ${o.faultRate}`);
    await synth({ outDir: dir, context: o.context });
    cloud = await startLocalCloud({
      port: 0,
      awsPort: 0,
      cdkOut: dir,
      limits: { idleTimeoutMs: 60 * 60 * 1000, stopTimeoutMs: 500 },
      faults: { postLatencyMs: o.latencyMs, throttleRate: o.faultRate / 2, errorRate: o.faultRate / 2 },
      // Quiet: per-post lines would cost more than the posts. Errors and the functions' warnings stay.
      log: (line) => {
        if (recording && /"level":"ERROR"|Sandbox\.|Runtime\.|failed:|failed \(|timed out/.test(line)) log.push(line);
      },
    });
    const c = cloud;
    subs = Child.start(join(__dirname, 'subscribers.ts'), limits.soft);
    const t = Date.now();
    const connected = await subs.ask<{ count: number; failed: number }>({ cmd: 'connect', url: c.webSocketUrl, count: o.subscribers }, 'connected');
    say(`connected ${connected.count} subscribers in ${((Date.now() - t) / 1000).toFixed(1)} s (${connected.failed} failed)`);
    const expected = connected.count;
    const events = new EventBridgeClient({ endpoint: c.awsEndpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

    // Warm-up (not measured): first invocations start the execution environments.
    const warm = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: c.outputs.EventBusName, Source: 'bench', DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify({ broadcast: true, data: 'warm-up' }) }] }));
    await collect(subs, warm.Entries![0]!.EventId!, expected, o.timeoutMs);
    await c.idle();

    // 1. Ours.
    const ours: Array<{ t0: number; times: number[] }> = [];
    for (let i = 0; i < o.events; i++) {
      const t0 = now();
      const out = await events.send(new PutEventsCommand({
        Entries: [{ EventBusName: c.outputs.EventBusName, Source: 'bench', DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify({ broadcast: true, data: payloadData(o.payloadBytes, i) }) }],
      }));
      ours.push({ t0, times: await collect(subs, out.Entries![0]!.EventId!, expected, o.timeoutMs) });
      await c.idle();
    }
    events.destroy();
    const oursFig = summarize(ours, expected);
    say(`ours   done: ${oursFig.delivered}/${oursFig.expected}`);

    // 2. The naive peer, in its own process.
    naive = Child.start(join(__dirname, 'naive.ts'), limits.soft);
    const naiveRuns: Array<{ t0: number; times: number[] }> = [];
    let naiveScanned = 0;
    for (let i = 0; i < o.events; i++) {
      const eventId = `naive-${i}-${Date.now()}`;
      const t0 = now();
      const pushed = naive.ask<{ scanned: number }>({
        cmd: 'push', eventId, data: payloadData(o.payloadBytes, i), callbackUrl: c.callbackUrl, awsEndpoint: c.awsEndpoint, table: c.outputs.ConnectionsTableName,
      }, 'pushed');
      const times = await collect(subs, eventId, expected, o.timeoutMs);
      naiveScanned = (await pushed).scanned;
      naiveRuns.push({ t0, times });
    }
    const naiveFig = summarize(naiveRuns, expected);
    say(`naive  done: ${naiveFig.delivered}/${naiveFig.expected} (its one Scan saw ${naiveScanned} connections)`);

    // 3. The limit: the same frames written straight to as many sockets, with the local cloud stopped (so it
    // takes no CPU and its sockets are closed: the descriptors needed stay those of one set of subscribers).
    naive.proc.kill();
    naive = undefined;
    recording = false;
    await c.stop();
    await subs.ask({ cmd: 'disconnect' }, 'disconnected');
    raw = await startRawLimitServer();
    const reconnected = await subs.ask<{ count: number; failed: number }>({ cmd: 'connect', url: raw.url, count: expected }, 'connected');
    say(`limit  ${reconnected.count} subscribers reconnected to a bare ws server (${reconnected.failed} failed)`);
    const limitRuns: Array<{ t0: number; times: number[] }> = [];
    for (let i = 0; i < o.events; i++) {
      const eventId = `limit-${i}-${Date.now()}`;
      const frame = Buffer.from(JSON.stringify({ type: 'message', id: eventId, data: payloadData(o.payloadBytes, i) }));
      const t0 = now();
      raw.broadcast(frame);
      limitRuns.push({ t0, times: await collect(subs, eventId, reconnected.count, o.timeoutMs) });
    }
    const limitFig = summarize(limitRuns, reconnected.count);
    say(`limit  done: ${limitFig.delivered}/${limitFig.expected}`);

    // 4. Cold start.
    const coldStart: ColdStartFigure[] = o.coldStartRuns > 0 ? await measureColdStart(c.model, o.coldStartRuns) : [];

    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
    const result = {
      at: new Date().toISOString(),
      options: { subscribers: o.subscribers, events: o.events, payloadBytes: o.payloadBytes, latencyMs: o.latencyMs, faultRate: o.faultRate, context: o.context },
      delivered: oursFig.delivered,
      expected: oursFig.expected,
      msgsPerSec: oursFig.msgsPerSec,
      p50Ms: oursFig.p50Ms,
      p99Ms: oursFig.p99Ms,
      maxMs: oursFig.maxMs,
      vsNaive: ratio(oursFig.msgsPerSec, naiveFig.msgsPerSec),
      vsLimit: ratio(oursFig.msgsPerSec, limitFig.msgsPerSec),
      ours: oursFig,
      naive: { ...naiveFig, scanned: naiveScanned },
      limit: limitFig,
      coldStart,
      errors: log.slice(0, 20),
    };
    writeFileSync(join(__dirname, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

    const row = (name: string, f: RunFigures) =>
      `${name.padEnd(6)} ${`${f.delivered}/${f.expected}`.padStart(13)} ${String(f.msgsPerSec).padStart(9)} ${String(f.p50Ms).padStart(8)} ${String(f.p99Ms).padStart(8)} ${String(f.maxMs).padStart(8)}`;
    say('');
    say(`path   ${'delivered'.padStart(13)} ${'msgs/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
    say(row('ours', oursFig));
    say(row('naive', naiveFig));
    say(row('limit', limitFig));
    say(`ours / naive: ${result.vsNaive}x   ours / limit: ${result.vsLimit}x`);
    if (coldStart.length) {
      say('');
      say(`handler        bundled KB  init ms   runtime-SDK KB  init ms`);
      for (const f of coldStart) {
        say(`${f.handler.padEnd(14)} ${(f.bundledBytes / 1024).toFixed(0).padStart(10)} ${f.bundledInitMs.toFixed(1).padStart(8)} ${(f.externalSdkBytes / 1024).toFixed(0).padStart(16)} ${f.externalSdkInitMs.toFixed(1).padStart(8)}`);
      }
    }
    if (log.length) say(`\n${log.length} error line(s) from the local cloud; first: ${log[0]}`);
    say('\nwrote bench/results/latest.json');
  } finally {
    if (naive) naive.proc.kill();
    if (subs) {
      await Promise.race([subs.ask({ cmd: 'close' }, 'closed'), new Promise((r) => setTimeout(r, 2000))]);
      subs.proc.kill();
    }
    await raw?.stop();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

(benchMode(process.argv.slice(2)) ?? main)().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
