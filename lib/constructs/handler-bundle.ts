import { existsSync } from 'node:fs';
import * as path from 'node:path';

const UP_TWO = path.resolve(__dirname, '..', '..');
/** Root of the repository, or of the installed package (where this file is compiled to `dist/lib/constructs/`). */
export const PACKAGE_ROOT = path.basename(UP_TWO) === 'dist' && __filename.endsWith('.js') ? path.dirname(UP_TWO) : UP_TWO;
/** Folder of the handlers' sources, one file per route or trigger, each exporting `handler`. */
export const HANDLERS_DIR = path.join(PACKAGE_ROOT, 'lambdas', 'handlers');
/** Folder of the handlers bundled at package build time: `dist/handlers/<name>/index.js`. */
export const PREBUILT_HANDLERS_DIR = path.join(PACKAGE_ROOT, 'dist', 'handlers');

/**
 * How every handler is bundled, at synth time from the sources or once when the package is built: one
 * CommonJS file for Node 22+ (the oldest runtime the code supports; the functions run on nodejs24.x),
 * minified, with source maps but not the sources, and the AWS SDK v3 included, so that the SDK version the
 * tests ran is the one deployed.
 */
export const HANDLER_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'silent',
} as const;

/** Bundles the handler `name` (`lambdas/handlers/<name>.ts`) into `outDir/index.js`, synchronously. */
export function bundleHandler(name: string, outDir: string): void {
  // Required lazily: an installed package deploys its prebuilt handlers and needs no esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({ ...HANDLER_BUNDLE_OPTIONS, entryPoints: [path.join(HANDLERS_DIR, `${name}.ts`)], outfile: path.join(outDir, 'index.js') });
}

/**
 * The prebuilt bundle of handler `name` when this code runs compiled from the package (`dist/`), else
 * undefined: from the sources (tests, `cdk synth` here) the handlers are bundled at synth time, so a change
 * to them is always what gets synthesized.
 */
export function prebuiltHandler(name: string): string | undefined {
  if (!__filename.endsWith('.js')) return undefined;
  const dir = path.join(PREBUILT_HANDLERS_DIR, name);
  return existsSync(path.join(dir, 'index.js')) ? dir : undefined;
}
