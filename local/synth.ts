import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lib/constructs/handler-bundle';
import { PushError } from '../shared/errors';
import { TemplateError } from './template/errors';

/** The project cannot be synthesized: no `cdk.json` in it, or no CDK CLI to run it with. */
export class SynthError extends PushError {
  constructor(code: 'NoCdkApp' | 'NoCdkCli', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Throws a SynthError unless `projectDir` holds a CDK app (its `cdk.json`). */
export function requireCdkApp(projectDir: string): void {
  if (!existsSync(join(projectDir, 'cdk.json'))) {
    throw new SynthError('NoCdkApp', `no cdk.json in ${projectDir}: run websocket-push local in the folder of a CDK app, or give an already synthesized assembly with --cdk-out DIR.`);
  }
}

/**
 * The CDK CLI that synthesizes `projectDir`: the project's own (`node_modules/.bin/cdk`), else the one
 * installed beside this package, if any. Returned as the script node runs.
 */
export function findCdkCli(projectDir: string): string {
  const own = join(projectDir, 'node_modules', '.bin', 'cdk');
  if (existsSync(own)) return realpathSync(own);
  try {
    return join(require.resolve('aws-cdk/package.json', { paths: [PACKAGE_ROOT] }), '..', 'bin', 'cdk');
  } catch (error) {
    throw new SynthError('NoCdkCli', `no CDK CLI in ${projectDir}: install it with \`npm install --save-dev aws-cdk\`, or run an already synthesized assembly with --cdk-out DIR.`, { cause: error });
  }
}

/**
 * Synthesizes the CDK app of `projectDir` (its `cdk.json`) into `outDir` with the project's own CDK CLI
 * (`cdk synth`), exactly as a deploy would, so the local cloud runs what AWS would get. Offline: no
 * credentials, no lookups.
 */
export async function synth(opts: {
  outDir: string;
  /** The CDK project: the folder of its `cdk.json`. @default this package's own folder */
  projectDir?: string;
  context?: Record<string, string>;
  /** Another app command than cdk.json's (e.g. a test's variant stack). */
  app?: string;
  log?: (line: string) => void;
}): Promise<void> {
  const projectDir = opts.projectDir ?? PACKAGE_ROOT;
  if (!opts.app) requireCdkApp(projectDir);
  const cdk = findCdkCli(projectDir);
  const args = ['synth', ...(opts.app ? ['--app', opts.app] : []), '--quiet', '--no-notices', '--no-version-reporting', '--output', opts.outDir];
  for (const [k, v] of Object.entries(opts.context ?? {})) args.push('--context', `${k}=${v}`);
  const started = Date.now();
  opts.log?.(`synth     cdk ${args.join(' ')}   (in ${projectDir})`);
  const output: string[] = [];
  const code = await new Promise<number>((done, fail) => {
    const child = spawn(process.execPath, [cdk, ...args], { cwd: projectDir, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
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
