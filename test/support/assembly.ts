import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth } from '../../local/synth';

/**
 * Synthesizes the app (with `context`, and optionally another CDK app entry) once per test run and returns
 * the cloud assembly's folder. Test files running in parallel share it; a concurrent synth of the same
 * variant writes its own folder and the first rename wins.
 */
export async function synthesized(opts: { context?: Record<string, string>; app?: string } = {}): Promise<string> {
  const runDir = process.env.WSP_TEST_RUN_DIR ?? mkdtempSync(join(tmpdir(), 'websocket-push-test-'));
  const key = createHash('sha256').update(JSON.stringify([opts.app ?? '', Object.entries(opts.context ?? {}).sort()])).digest('hex').slice(0, 12);
  const dir = join(runDir, `cdk.out.${key}`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const tmp = mkdtempSync(join(runDir, 'synth-'));
  await synth({ outDir: tmp, context: opts.context, app: opts.app });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another worker got there first
  }
  return dir;
}
