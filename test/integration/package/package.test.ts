/**
 * The package as a team installs it: `npm pack`, a fresh CDK app (test/fixtures/consumer-app) installs the
 * tarball, type-checks against its `exports`, and runs `websocket-push local`; a client from
 * `websocket-push/client` receives what the app's own function published with `websocket-push/publisher`.
 * The npm cache serves every dependency (`--prefer-offline`), at the versions installed here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import WebSocket from 'ws';
import type * as ClientModule from '../../../client/src';
import type { LocalEndpoints } from '../../../local/endpoints-file';

const REPO = resolve(__dirname, '..', '..', '..');
const FIXTURE = join(REPO, 'test', 'fixtures', 'consumer-app');
/** What the consumer app installs beside the tarball, at the versions of this repository's node_modules. */
const CONSUMER_DEPENDENCIES = ['aws-cdk-lib', 'constructs', 'aws-cdk', 'esbuild', 'tsx', 'typescript'];
const MINUTE = 60_000;
/** Bounds of the waits: a phase that takes longer fails with the cloud's output. */
const CLOUD_START_BOUND_MS = 3 * MINUTE;
const POLL_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.on('data', (d) => out.push(String(d)));
    child.stderr.on('data', (d) => err.push(String(d)));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out.join('')) : fail(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${out.join('')}${err.join('')}`))));
  });
}

const phases: string[] = [];
/** Runs one phase and records how long it took (printed at the end). */
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  phases.push(`${name.padEnd(38)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

interface PackResult {
  filename: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

describe('the npm package in a fresh CDK app', () => {
  const packDir = mkdtempSync(join(tmpdir(), 'websocket-push-pack-'));
  const appDir = mkdtempSync(join(tmpdir(), 'websocket-push-consumer-'));
  let pack: PackResult;
  let cloud: ChildProcess | undefined;
  let cloudExit: Promise<void> = Promise.resolve();
  const cloudOutput: string[] = [];
  let client: ClientModule.PushClient | undefined;
  let passed = false;

  beforeAll(async () => {
    // `npm pack` runs `prepare`, which builds dist/.
    const json = await phase('npm pack (with the prepare build)', () => run('npm', ['pack', '--json', '--pack-destination', packDir], REPO));
    // The prepare build's own lines come first on stdout; npm's JSON report starts at a line of its own.
    pack = (JSON.parse(json.slice(json.search(/^\[/m))) as PackResult[])[0];
  }, 4 * MINUTE);

  afterAll(async () => {
    client?.close();
    if (cloud?.pid !== undefined && cloud.exitCode === null) {
      process.kill(-cloud.pid, 'SIGTERM'); // its own process group: the CLI and what it started
      await cloudExit;
    }
    rmSync(packDir, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
    if (phases.length > 0) console.log(`packaging test phases:\n  ${phases.join('\n  ')}`);
    if (!passed && cloudOutput.length > 0) console.log(`websocket-push local said:\n${cloudOutput.join('')}`);
  }, MINUTE);

  it('holds the compiled package and the prebuilt handlers, and no sources or tests', () => {
    const paths = pack.files.map((f) => f.path);
    console.log(`tarball ${pack.filename}: ${(pack.size / 1024 / 1024).toFixed(2)} MB, ${pack.entryCount} files`);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('lambdas/') || p.startsWith('test/') || p.includes('/test/'))).toEqual([]);
    const handlers = readdirSync(join(REPO, 'lambdas', 'handlers')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(handlers.length).toBeGreaterThan(0);
    for (const name of handlers) expect(paths).toContain(`dist/handlers/${name}/index.js`);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/local/cli.js', 'dist/lib/index.d.ts', 'dist/client/index.mjs', 'dist/publisher/index.d.ts', 'dist/local/page/index.html']));
  });

  it("installs, type-checks, runs `websocket-push local`, and a client receives what the app's own function publishes", async () => {
    await phase('consumer app: npm install', async () => {
      cpSync(FIXTURE, appDir, { recursive: true });
      const version = (name: string) => (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      const dependencies: Record<string, string> = { 'websocket-push': `file:${join(packDir, pack.filename)}` };
      for (const name of CONSUMER_DEPENDENCIES) dependencies[name] = version(name);
      writeFileSync(join(appDir, 'package.json'), `${JSON.stringify({ name: 'shop', version: '0.0.0', private: true, dependencies }, null, 2)}\n`);
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], appDir);
    });
    // The app's tsconfig resolves `websocket-push`, `/publisher` through the package's `exports` (node16).
    await phase('consumer app: tsc', () => run(join(appDir, 'node_modules', '.bin', 'tsc'), ['-p', appDir], appDir));

    const endpointsFile = join(appDir, '.local-state', 'endpoints.json');
    const endpoints = await phase('websocket-push local: synth + start', async () => {
      cloud = spawn(join(appDir, 'node_modules', '.bin', 'websocket-push'), ['local', '--port', '0', '--aws-port', '0'], { cwd: appDir, detached: true, env: process.env });
      cloud.stdout!.on('data', (d) => cloudOutput.push(String(d)));
      cloud.stderr!.on('data', (d) => cloudOutput.push(String(d)));
      cloudExit = new Promise((done) => cloud!.on('exit', () => done()));
      for (let waited = 0; !existsSync(endpointsFile); waited += POLL_MS) {
        if (cloud.exitCode !== null || waited > CLOUD_START_BOUND_MS) {
          throw new Error(`the local cloud did not write ${endpointsFile} (exit ${cloud.exitCode}):\n${cloudOutput.join('')}`);
        }
        await sleep(POLL_MS);
      }
      return JSON.parse(readFileSync(endpointsFile, 'utf8')) as LocalEndpoints;
    });
    expect(endpoints).toMatchObject({ status: 'running', stackName: 'Shop', webSocketApis: [{ stage: 'live' }] });
    expect(endpoints.eventBuses).toHaveLength(1);
    expect(endpoints.outputs).toEqual({ Shop: expect.any(Object) });

    const received = await phase('subscribe, PutEvents, push received', async () => {
      const { PushClient } = createRequire(join(appDir, 'package.json'))('websocket-push/client') as typeof ClientModule;
      const c = new PushClient({ url: endpoints.webSocketApis[0].url, WebSocket: WebSocket as unknown as ClientModule.WebSocketConstructor });
      client = c;
      const subscribed = new Promise<void>((done) => c.on('subscribed', () => done()));
      const message = new Promise<ClientModule.ChannelMessage>((done) => c.subscribe('orders', done));
      await subscribed;
      const events = new EventBridgeClient({
        endpoint: endpoints.awsEndpoint,
        region: endpoints.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const put = await events.send(new PutEventsCommand({
        Entries: [{ EventBusName: endpoints.eventBuses[0], Source: 'shop.orders', DetailType: 'OrderShipped', Detail: JSON.stringify({ orderId: 'o-1', status: 'shipped' }) }],
      }));
      expect(put.FailedEntryCount).toBe(0);
      return message;
    });
    expect(received).toMatchObject({ channel: 'orders', data: { orderId: 'o-1', status: 'shipped' }, replayed: false });
    passed = true;
  }, 5 * MINUTE);
});
