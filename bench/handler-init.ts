import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { HANDLER_BUNDLE_OPTIONS, PACKAGE_ROOT as PROJECT_ROOT } from '../lib/constructs/handler-bundle';

/** Module initialisation of one bundled handler in a fresh Node process, median of the runs. */
export interface HandlerInitFigure {
  readonly handler: string;
  /** CPU time (user + system) of `require`-ing the bundle. */
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly runs: number;
}

const SCRIPT =
  'const c=process.cpuUsage(),t=process.hrtime.bigint();require(process.argv[1]);const u=process.cpuUsage(c);' +
  'process.stdout.write(JSON.stringify({cpuMs:(u.user+u.system)/1000,wallMs:Number(process.hrtime.bigint()-t)/1e6}))';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Bundles each handler of lambdas/handlers as the stack does (esbuild, minified, CommonJS, the SDK
 * included: lib/constructs/node-function.ts) and measures its module initialisation — what a cold start
 * runs before the first invocation, besides the runtime's own start.
 */
export async function measureHandlerInit(handlers: readonly string[], runs = 5): Promise<HandlerInitFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wsp-bench-init-'));
  try {
    const figures: HandlerInitFigure[] = [];
    for (const handler of handlers) {
      const outfile = join(dir, `${handler}.js`);
      await build({
        entryPoints: [join(PROJECT_ROOT, 'lambdas', 'handlers', `${handler}.ts`)],
        // As the stack bundles them (lib/constructs/handler-bundle.ts), without the source map.
        ...HANDLER_BUNDLE_OPTIONS,
        sourcemap: false,
        outfile,
      });
      const samples = Array.from({ length: runs }, () =>
        JSON.parse(
          execFileSync(process.execPath, ['-e', SCRIPT, outfile], {
            env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
            encoding: 'utf8',
          }),
        ) as { cpuMs: number; wallMs: number },
      );
      figures.push({
        handler,
        cpuMs: Math.round(median(samples.map((s) => s.cpuMs)) * 10) / 10,
        wallMs: Math.round(median(samples.map((s) => s.wallMs)) * 10) / 10,
        runs,
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
