#!/usr/bin/env node
/**
 * `websocket-push local` (`npm start` here): synthesizes the CDK app of the current folder and runs it
 * locally. See `--help` for the flags.
 */
import { relative } from 'node:path';
import { PACKAGE_ROOT } from '../lib/constructs/handler-bundle';
import { devIssuerContext, devIssuerDir, loadOrCreateDevIssuer } from './dev-issuer';
import { removeEndpointsFile, writeEndpointsFile } from './endpoints-file';
import { FlagError, parseFlags, USAGE, type LocalFlags } from './flags';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import { watchProject } from './project-watch';
import { requireCdkApp, synth } from './synth';
import { cachedAssembly } from './synth-cache';
import { PushError } from '../shared/errors';

/** The CDK project the local cloud runs: the current folder (its cdk.json). */
const PROJECT_DIR = process.cwd();

// The local cloud runs on Node 20+; the AWS SDK's notice about Node 22 is not news to its user.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${line}\n`);

function banner(cloud: LocalCloud, flags: LocalFlags, endpointsFile: string): string {
  return [
    '',
    'websocket-push local cloud is running',
    ...(cloud.webSocketUrl ? [
      `  WebSocket API   ${cloud.webSocketUrl}   (also on /)`,
      `  Management API  ${cloud.callbackUrl}/@connections/{id}`,
    ] : []),
    ...(cloud.appsync ? [
      `  GraphQL         ${cloud.appsync.graphqlUrl}   (AppSync; x-api-key: ${cloud.appsync.apiKey ?? '-'})`,
      `  Real-time       ${cloud.appsync.realtimeUrl}   (graphql-ws)`,
    ] : []),
    `  AWS endpoint    ${cloud.awsEndpoint}   (AWS_ENDPOINT_URL for the SDK and the CLI; DynamoDB, EventBridge, SQS)`,
    `  Page            ${cloud.pageUrl}`,
    `  Event buses     ${cloud.model.buses.join(', ') || '-'}`,
    `  Tables          ${cloud.model.tables.map((t) => t.name).join(', ') || '-'}   (${flags.persist ? `kept in ${flags.persist}` : 'in memory'})`,
    `  Console         ${cloud.consoleUrl}   (connections, channels, what happens, dead letters)`,
    `  Endpoints file  ${relative(PROJECT_DIR, endpointsFile)}`,
    '',
    // The npm scripts of this repository, not of the apps that install the package.
    ...(PROJECT_DIR === PACKAGE_ROOT ? [
      `Publish: npm run publish -- --channel scores --data '{"home":2,"away":1}'`,
      ...(cloud.webSocketUrl ? [`Token:   npm run token -- --user alice --channels 'private-team-*'   then ${cloud.webSocketUrl}?token=<JWT>`] : []),
    ] : []),
    'Stop: Ctrl-C',
    '',
  ].join('\n');
}

/** Parses the flags; a bad flag exits with the usage. */
function flagsOrExit(): LocalFlags {
  try {
    return parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`local cloud: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

/**
 * The synth's context. The stack runs as synthesized, so trusting the development issuer is configuration of
 * the synth: its public JWKS goes inline as context (it does not depend on the AWS endpoint's port).
 */
async function synthContext(flags: LocalFlags): Promise<Record<string, string>> {
  const useDevIssuer = !flags.noDevIssuer && !flags.cdkOut && flags.context.authIssuer === undefined;
  if (!useDevIssuer) return flags.context;
  const dir = devIssuerDir(PROJECT_DIR);
  log(`local     trusting the development issuer (keys in ${relative(PROJECT_DIR, dir)}; as context, for apps that read it); anonymous connections allowed on public channels`);
  return { ...devIssuerContext(await loadOrCreateDevIssuer(dir)), ...flags.context };
}

async function start(flags: LocalFlags, context: Record<string, string>): Promise<LocalCloud> {
  // The assembly is reused while its inputs are unchanged (local/synth-cache.ts).
  const cdkOut = flags.cdkOut ?? await cachedAssembly({ projectDir: PROJECT_DIR, context }, (outDir) => synth({ outDir, projectDir: PROJECT_DIR, context, log }), log);
  return startLocalCloud({
    host: flags.host,
    port: flags.port,
    awsPort: flags.awsPort,
    appsyncPort: flags.appsyncPort,
    cdkOut,
    projectDir: PROJECT_DIR,
    context,
    stack: flags.stack,
    persist: flags.persist,
    verbose: flags.verbose,
    iam: !flags.noIam,
    faults: flags.faults,
    limits: { idleTimeoutMs: flags.idleTimeoutMs, maxConnectionMs: flags.maxConnectionMs },
    log,
  });
}

/** Announces a started cloud: the banner, and the endpoints file for scripts. */
function announce(cloud: LocalCloud, flags: LocalFlags): void {
  const file = writeEndpointsFile(PROJECT_DIR, cloud);
  process.stdout.write(banner(cloud, flags, file));
}

/** The running cloud, replaced on every reload. */
interface Session {
  cloud?: LocalCloud;
  stopping: boolean;
}

function onSignals(session: Session): void {
  const shutdown = async (signal: string) => {
    if (session.stopping) process.exit(1);
    session.stopping = true;
    log(`local     ${signal}: stopping (Ctrl-C again to force)`);
    removeEndpointsFile(PROJECT_DIR);
    await session.cloud?.stop();
    log('local     stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** `--watch`: re-synthesizes and restarts on a change of the app's sources (debounced), on the same ports. */
function watchSources(session: Session, restart: () => Promise<LocalCloud>, flags: LocalFlags): void {
  if (flags.cdkOut) log('local     --watch re-synthesizes the app; with --cdk-out it watches nothing');
  let timer: NodeJS.Timeout | undefined;
  let reloading = false;
  const reload = async () => {
    if (reloading || session.stopping) return;
    reloading = true;
    log('local     source changed: re-synthesizing');
    try {
      removeEndpointsFile(PROJECT_DIR);
      await session.cloud?.stop();
      session.cloud = undefined;
      session.cloud = await restart();
      announce(session.cloud, flags);
    } catch (err) {
      log(`local     reload failed: ${(err as Error).message}`);
    } finally {
      reloading = false;
    }
  };
  const watched = watchProject(PROJECT_DIR, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), 300);
  });
  log(`local     watching ${['the top-level files', ...watched.folders].join(', ')} (cdk.json's watch.include and watch.exclude)`);
}

async function main(): Promise<void> {
  const flags = flagsOrExit();
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!flags.cdkOut) requireCdkApp(PROJECT_DIR); // before the development key is written into a folder that is no app
  const context = await synthContext(flags);
  const session: Session = { stopping: false };
  try {
    session.cloud = await start(flags, context);
    announce(session.cloud, flags);
    // A reload keeps the ports, even those picked freely (port 0), so clients can reconnect to the same URL.
    flags.port = Number(new URL(session.cloud.pageUrl).port);
    flags.awsPort = Number(new URL(session.cloud.awsEndpoint).port);
    if (session.cloud.appsync) flags.appsyncPort = Number(new URL(session.cloud.appsync.graphqlUrl).port);
  } catch (err) {
    if (!flags.watch) throw err;
    // With --watch, a stack that does not synthesize yet is waited for: fix it and save.
    log(`local     ${(err as Error).message}`);
    log('local     waiting for a change to retry');
  }
  onSignals(session);
  process.on('exit', () => removeEndpointsFile(PROJECT_DIR));
  if (flags.watch) watchSources(session, () => start(flags, context), flags);
}

main().catch((err: unknown) => {
  const e = err as Error;
  const known = err instanceof PushError || err instanceof FlagError;
  process.stderr.write(`local cloud: ${known ? e.message : e.stack ?? String(e)}\n`);
  if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write('A port is taken: stop what uses it, or pick others with --port, --aws-port and --appsync-port (0 picks free ones).\n');
  }
  process.exit(1);
});
