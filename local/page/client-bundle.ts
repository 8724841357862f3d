import { join } from 'node:path';
import { build, stop } from 'esbuild';

/** Entry of the browser/Node client (`client/src/index.ts`). */
export const CLIENT_ENTRY = join(__dirname, '..', '..', 'client', 'src', 'index.ts');

/**
 * Bundles the client as one ES module for browsers (no runtime dependency: it uses the global
 * `WebSocket`). Fast (tens of ms), so the local cloud builds it at start and serves it at `/client.js`.
 * esbuild's service process is stopped afterwards (about 13 MB that nothing else needs; a later build starts it again).
 */
export async function buildClientBundle(options: { minify?: boolean } = {}): Promise<string> {
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
