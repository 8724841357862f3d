/**
 * Writes the browser client bundle: `client/dist/websocket-push-client.js` (ESM, no dependency) and a
 * minified `websocket-push-client.min.js`. Usage: `tsx scripts/build-client.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientBundle } from '../local/page/client-bundle';

async function main(): Promise<void> {
  const dir = join(__dirname, '..', 'client', 'dist');
  mkdirSync(dir, { recursive: true });
  for (const [file, minify] of [['websocket-push-client.js', false], ['websocket-push-client.min.js', true]] as const) {
    const code = await buildClientBundle({ minify });
    writeFileSync(join(dir, file), code);
    console.log(`wrote client/dist/${file} (${Buffer.byteLength(code)} bytes)`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
