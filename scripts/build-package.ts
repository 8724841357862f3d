/**
 * Builds what the package ships, into `dist/` (`npm run build:package`; also `prepare`, so that
 * `npm install <git url>` builds it):
 * - the construct, the publisher, the local cloud and the client's types, compiled by `tsc` (CommonJS + .d.ts);
 * - every Lambda handler, bundled as `dist/handlers/<name>/index.js`, so a consumer deploys them without
 *   this repository's sources or a bundler;
 * - the client as one ES module with no dependency, `dist/client/index.mjs` (`websocket-push/client`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleHandler, HANDLERS_DIR, PACKAGE_ROOT, PREBUILT_HANDLERS_DIR } from '../lib/constructs/handler-bundle';
import { buildClientBundle } from '../local/page/client-bundle';

const DIST = join(PACKAGE_ROOT, 'dist');

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(PACKAGE_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  cpSync(join(PACKAGE_ROOT, 'local', 'page', 'index.html'), join(DIST, 'local', 'page', 'index.html'));
  for (const file of ['console.html', 'console.js']) cpSync(join(PACKAGE_ROOT, 'local', 'console', file), join(DIST, 'local', 'console', file));
  const handlers = readdirSync(HANDLERS_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
  for (const name of handlers) bundleHandler(name, join(PREBUILT_HANDLERS_DIR, name));
  mkdirSync(join(DIST, 'client'), { recursive: true });
  writeFileSync(join(DIST, 'client', 'index.mjs'), await buildClientBundle());
  console.log(`build:package: dist/ with ${handlers.length} handlers (${handlers.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
