/**
 * The bench's measurement modes besides the end-to-end run of bench/run.ts:
 * - `npm run bench -- --post-cpu [--posts N] [--in-flight N] [--frame-bytes N] [--connections N] [--rounds N]`
 *   CPU per post, signed-post client vs SDK client (bench/post-cpu.ts) → bench/results/post-cpu.json;
 * - `npm run bench -- --project-aws [--inputs FILE] [--delivery-memory-mb N] [--delivery-concurrency N]
 *   [--fanout-threshold N] [--fanout-batch-size N] [--fanout-worker-concurrency N] [--trials N]`
 *   the AWS projection, a model (bench/aws-projection.ts), from inputs measured here (or those of an earlier
 *   projection, FILE) → bench/results/aws-projection.json;
 * - `npm run bench -- --talkback [--rounds N] [--count N]` the latency a forwarded client message adds, request →
 *   a responder's reply vs a ping, side by side (bench/talkback.ts) → bench/results/talkback.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { numericFlags } from './flags';
import { DEFAULT_POST_CPU_OPTIONS, describePostCpu, measurePostCpu, type PostCpuOptions } from './post-cpu';
import { projectAws } from './project-aws';
import { runTalkbackBench } from './talkback';

async function postCpu(argv: readonly string[]): Promise<void> {
  const { values: flags, rest } = numericFlags(argv, {
    posts: '--posts',
    inFlight: '--in-flight',
    frameBytes: '--frame-bytes',
    connections: '--connections',
    rounds: '--rounds',
  });
  if (rest.length) throw new Error(`unknown flag ${rest[0]}; flags: --posts --in-flight --frame-bytes --connections --rounds`);
  const options: PostCpuOptions = { ...DEFAULT_POST_CPU_OPTIONS, ...flags };
  const figures = await measurePostCpu(options);
  for (const line of describePostCpu(figures)) process.stdout.write(`${line}\n`);
  writeFileSync(join(__dirname, 'results', 'post-cpu.json'), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write('wrote bench/results/post-cpu.json\n');
}

/** The mode `argv` asks for, or undefined for bench/run.ts's own run. */
export function benchMode(argv: readonly string[]): (() => Promise<void>) | undefined {
  if (argv[0] === '--post-cpu') return () => postCpu(argv.slice(1));
  if (argv[0] === '--project-aws') return () => projectAws(argv.slice(1));
  if (argv[0] === '--talkback') return () => runTalkbackBench(argv.slice(1));
  return undefined;
}
