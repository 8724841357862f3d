import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LOCAL_REGION } from '../local/aws-wire';
import type { StackModel } from '../local/template/model';
import { HANDLER_BUNDLE_OPTIONS, PACKAGE_ROOT as PROJECT_ROOT } from '../lib/constructs/handler-bundle';

/** Cold-start figures of one handler: bundle size and module-initialisation time, bundled SDK vs the runtime's. */
export interface ColdStartFigure {
  handler: string;
  bundledBytes: number;
  bundledInitMs: number;
  externalSdkBytes: number;
  externalSdkInitMs: number;
}

const HANDLER_OF: Array<[RegExp, string]> = [
  [/Fanout.*Worker|FanoutWorker/i, 'fanout-worker'],
  [/Disconnect/i, 'disconnect'],
  [/Connect/i, 'connect'],
  [/Default/i, 'default'],
  [/Authori[sz]er/i, 'authorizer'],
  [/Push/i, 'push'],
];

/** Median time (ms) to `require` a module in a fresh Node process, over `runs` processes. */
function initMs(file: string, runs: number, nodePath?: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, ...(nodePath ? { NODE_PATH: nodePath } : {}), AWS_REGION: LOCAL_REGION },
      encoding: 'utf8',
    });
    samples.push(Number(out));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/**
 * For every function of the synthesized stack: the size of its asset's `index.js` and its initialisation
 * time (median of `runs` fresh processes), then the same handler rebuilt with esbuild marking `@aws-sdk/*`
 * external (as if using the SDK the Lambda runtime provides, resolved from node_modules here).
 */
export async function measureColdStart(model: StackModel, runs = 5): Promise<ColdStartFigure[]> {
  const out = mkdtempSync(join(tmpdir(), 'wsp-bench-cold-'));
  const figures: ColdStartFigure[] = [];
  try {
    for (const fn of model.functions) {
      const handler = HANDLER_OF.find(([re]) => re.test(fn.logicalId))?.[1];
      if (!handler) continue;
      const bundled = join(fn.assetDir, 'index.js');
      const external = join(out, `${handler}.js`);
      await build({
        entryPoints: [join(PROJECT_ROOT, 'lambdas', 'handlers', `${handler}.ts`)],
        // As the stack bundles them (lib/constructs/handler-bundle.ts), without the source map.
        ...HANDLER_BUNDLE_OPTIONS,
        sourcemap: false,
        external: ['@aws-sdk/*'],
        outfile: external,
      });
      figures.push({
        handler,
        bundledBytes: statSync(bundled).size,
        bundledInitMs: initMs(bundled, runs),
        externalSdkBytes: statSync(external).size,
        externalSdkInitMs: initMs(external, runs, join(PROJECT_ROOT, 'node_modules')),
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return figures.sort((a, b) => a.handler.localeCompare(b.handler));
}
