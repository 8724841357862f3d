import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { TemplateError } from './template/errors';

/** The project root (where cdk.json is). */
export const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * Synthesizes the CDK app into `outDir` with the project's own CDK CLI (`cdk synth`), exactly as a deploy
 * would, so the local cloud runs what AWS would get. Offline: no credentials, no lookups.
 */
export async function synth(opts: {
  outDir: string;
  context?: Record<string, string>;
  /** Another app command than cdk.json's (e.g. a test's variant stack). */
  app?: string;
  log?: (line: string) => void;
}): Promise<void> {
  const args = ['synth', ...(opts.app ? ['--app', opts.app] : []), '--quiet', '--no-notices', '--no-version-reporting', '--output', opts.outDir];
  for (const [k, v] of Object.entries(opts.context ?? {})) args.push('--context', `${k}=${v}`);
  const cdk = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  const started = Date.now();
  opts.log?.(`synth     cdk ${args.join(' ')}`);
  const output: string[] = [];
  const code = await new Promise<number>((done, fail) => {
    const child = spawn(cdk, args, { cwd: PROJECT_ROOT, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
    child.stdout.on('data', (d) => output.push(String(d)));
    child.stderr.on('data', (d) => output.push(String(d)));
    child.on('error', fail);
    child.on('close', (c) => done(c ?? 1));
  });
  if (code !== 0) {
    const text = output.join('').split('\n').filter((l) => !l.startsWith('npm warn')).join('\n').trim();
    throw new TemplateError(`cdk synth failed (exit ${code}):\n${text}`);
  }
  opts.log?.(`synth     done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
