import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../lib/constructs/handler-bundle';

/** Entry of the browser/Node client (`client/src/index.ts`). */
export const CLIENT_ENTRY = join(PACKAGE_ROOT, 'client', 'src', 'index.ts');
/** The client bundled when the package was built (`websocket-push/client`'s ES module). */
export const PREBUILT_CLIENT = join(PACKAGE_ROOT, 'dist', 'client', 'index.mjs');

/**
 * Bundles the client as one ES module for browsers (no runtime dependency: it uses the global
 * `WebSocket`). Fast (tens of ms), so the local cloud run from the sources builds it at start. esbuild's
 * service process is stopped afterwards (about 13 MB that nothing else needs; a later build starts it again).
 */
export async function buildClientBundle(options: { minify?: boolean } = {}): Promise<string> {
  // Required lazily: esbuild is a development dependency, not installed with the package.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build, stop } = require('esbuild') as typeof import('esbuild');
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? false,
    write: false,
    logLevel: 'silent',
  });
  await stop();
  return result.outputFiles[0]!.text;
}

/** The client the page serves: the prebuilt bundle when running compiled from the package, else built now. */
export async function clientBundle(): Promise<string> {
  if (__filename.endsWith('.js') && existsSync(PREBUILT_CLIENT)) return readFileSync(PREBUILT_CLIENT, 'utf8');
  return buildClientBundle();
}
