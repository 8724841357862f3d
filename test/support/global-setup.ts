import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One folder per `jest` run for synthesized assemblies (see `test/support/assembly.ts`). */
export default function globalSetup(): void {
  process.env.WSP_TEST_RUN_DIR = mkdtempSync(join(tmpdir(), 'websocket-push-test-'));
}
