/**
 * The bench's measurement modes besides the end-to-end run of bench/run.ts:
 * - `npm run bench -- --post-cpu [--posts N] [--in-flight N] [--frame-bytes N] [--connections N] [--rounds N]`
 *   CPU per post, signed-post client vs SDK client (bench/post-cpu.ts) → bench/results/post-cpu.json;
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POST_CPU_OPTIONS, describePostCpu, measurePostCpu, type PostCpuOptions } from './post-cpu';

/** Reads `--flag N` / `--flag=N` pairs of `allowed` into numbers. */
export function numericFlags<K extends string>(argv: readonly string[], allowed: Record<K, string>): { values: Partial<Record<K, number>>; rest: string[] } {
  const values: Partial<Record<K, number>> = {};
  const rest: string[] = [];
  const byFlag = new Map(Object.entries(allowed).map(([k, flag]) => [flag as string, k as K]));
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    const key = byFlag.get(flag!);
    if (!key) {
      rest.push(argv[i]!);
      continue;
    }
    const text = inline ?? argv[++i] ?? '';
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} must be a number from 0, got "${text}"`);
    values[key] = value;
  }
  return { values, rest };
}

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
  return undefined;
}
