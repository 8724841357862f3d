/**
 * `npm run bench -- --project-aws`: measures the model's inputs on this machine (CPU per post of both
 * clients and per registry id: bench/post-cpu.ts; handler initialisation: bench/handler-init.ts), or takes
 * them from an earlier projection with `--inputs FILE`, projects them to AWS (bench/aws-projection.ts, a
 * model) and writes bench/results/aws-projection.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../lib/config';
import { DEFAULT_BROADCAST_SHARDS } from '../shared/limits';
import { AWS_ASSUMPTIONS } from './aws-assumptions';
import { DEFAULT_PROJECTION_OPTIONS, project, type DesignSettings, type MeasuredInputs, type Projection } from './aws-projection';
import { measureHandlerInit } from './handler-init';
import { numericFlags } from './flags';
import { DEFAULT_POST_CPU_OPTIONS, describePostCpu, measurePostCpu } from './post-cpu';

/** This design's settings as the stack deploys them by default. */
export function defaultDesignSettings(): DesignSettings {
  const config = DEFAULT_CONFIG;
  return {
    deliveryMemoryMb: config.deliveryMemorySize,
    deliveryConcurrency: config.deliveryConcurrency,
    fanoutThreshold: config.fanoutThreshold,
    fanoutBatchSize: config.fanoutBatchSize,
    fanoutWorkerConcurrency: config.fanoutWorkerConcurrency,
    broadcastShards: config.broadcastShards ?? DEFAULT_BROADCAST_SHARDS,
    frameBytes: DEFAULT_POST_CPU_OPTIONS.frameBytes,
  };
}

async function measureInputs(say: (line: string) => void): Promise<MeasuredInputs> {
  const posts = await measurePostCpu(DEFAULT_POST_CPU_OPTIONS);
  for (const line of describePostCpu(posts)) say(line);
  writeFileSync(join(__dirname, 'results', 'post-cpu.json'), `${JSON.stringify(posts, null, 2)}\n`);
  const init = await measureHandlerInit(['push', 'fanout-worker'], 5);
  for (const f of init) say(`init ${f.handler}: ${f.cpuMs} ms CPU, ${f.wallMs} ms wall (median of ${f.runs} fresh processes)`);
  const cpuOf = (handler: string) => init.find((f) => f.handler === handler)!.cpuMs;
  return {
    cpuPerPostUs: { signedPost: posts.clients['signed-post'].cpuUsPerPost, sdk: posts.clients.sdk.cpuUsPerPost },
    queryCpuPerIdUs: posts.query.cpuUsPerId,
    handlerInitCpuMs: { push: cpuOf('push'), fanoutWorker: cpuOf('fanout-worker') },
    machine: `${posts.machine.cpu}, ${posts.machine.cores} cores, Node ${posts.machine.node}`,
    measuredAt: posts.at,
  };
}

const ms = (v: number | null) => (v === null ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`);

/** The projection's rows and goals as printed lines. */
export function describeProjection(p: Projection): string[] {
  const lines = [
    p.model,
    `design                            audience   subscribers       p50        p99   $/M deliveries  reached`,
  ];
  for (const r of p.rows) {
    lines.push(
      `${r.design.padEnd(33)} ${r.audience.padEnd(10)} ${r.subscribers.toLocaleString('en-US').padStart(11)} ${ms(r.p50Ms).padStart(9)} ${ms(r.p99Ms).padStart(10)} ${r.costPerMillionUsd.toFixed(4).padStart(15)} ${r.reached.toFixed(3).padStart(8)}${r.note ? `  (${r.note})` : ''}`,
    );
  }
  lines.push('', `suggested: ${p.suggestion.derivation.text}`, '');
  for (const g of p.goals) lines.push(`${g.met ? 'MET    ' : 'NOT MET'} ${g.design}: ${g.goal} — ${g.detail}`);
  return lines;
}

/** The `--project-aws` mode. */
export async function projectAws(argv: readonly string[]): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const inputsAt = argv.indexOf('--inputs');
  const rest = inputsAt >= 0 ? [...argv.slice(0, inputsAt), ...argv.slice(inputsAt + 2)] : [...argv];
  const { values, rest: unknown } = numericFlags(rest, {
    deliveryMemoryMb: '--delivery-memory-mb',
    deliveryConcurrency: '--delivery-concurrency',
    fanoutThreshold: '--fanout-threshold',
    fanoutBatchSize: '--fanout-batch-size',
    fanoutWorkerConcurrency: '--fanout-worker-concurrency',
    trials: '--trials',
  });
  if (unknown.length) {
    throw new Error(
      `unknown flag ${unknown[0]}; flags: --inputs FILE --delivery-memory-mb --delivery-concurrency --fanout-threshold --fanout-batch-size --fanout-worker-concurrency --trials`,
    );
  }
  const { trials, ...overrides } = values;
  const measured: MeasuredInputs =
    inputsAt >= 0
      ? (JSON.parse(readFileSync(argv[inputsAt + 1] ?? '', 'utf8')) as Projection).measured
      : await measureInputs(say);
  const settings: DesignSettings = { ...defaultDesignSettings(), ...overrides };
  const projection = project(settings, measured, AWS_ASSUMPTIONS, { ...DEFAULT_PROJECTION_OPTIONS, ...(trials ? { trials } : {}) });
  say('');
  for (const line of describeProjection(projection)) say(line);
  writeFileSync(join(__dirname, 'results', 'aws-projection.json'), `${JSON.stringify(projection, null, 2)}\n`);
  say('\nwrote bench/results/aws-projection.json');
}
