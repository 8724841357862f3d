import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealtimeTimers, RunningAppSync } from './appsync';
import { startAwsEndpoint } from './aws-endpoint';
import { CloudEventHub } from './console/event-hub';
import { functionReport } from './console/function-reports';
import { deadLetterQueuesOf, startConsole } from './console/start';
import { DEFAULT_PORTS } from './http/default-ports';
import { startDynamoDb } from './dynamodb';
import { DYNAMODB_TARGET_PREFIX } from '../shared/dynamodb-wire';
import { startEventBridge } from './eventbridge';
import { startWebSocketApi, type GatewayFaults, type GatewayLimits } from './gateway';
import { bindPort, type BoundPort } from './http/bound-port';
import { endpointAuthorizer, LocalIam, managementAuthorizer } from './iam';
import { startLambda } from './lambda-runtime';
import { pageHandler } from './page/page-handler';
import { prefixed } from './service/local-service';
import { startSqs } from './sqs';
import { synth } from './synth';
import { readStack } from './template/assembly';
import { TemplateError } from './template/errors';
import type { JwksSource } from '../shared/auth';
import { buildModel, type StackModel, type WebSocketApiModel } from './template/model';

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Gateway port (WebSocket API, management API, page); 0 picks a free one. @default 3001 */
  readonly port?: number;
  /** AWS endpoint port (DynamoDB, EventBridge, SQS); 0 picks a free one. @default 3002 */
  readonly awsPort?: number;
  /** AppSync port (GraphQL and real-time), bound only when the stack has a GraphQL API; 0 picks a free one. @default 3003 */
  readonly appsyncPort?: number;
  /** AppSync's real-time timers (`ka` interval, `connectionTimeoutMs`), scaled for tests. */
  readonly appsyncTimers?: Partial<RealtimeTimers>;
  /** An already synthesized cloud assembly to run. @default synthesize the app into a temporary folder */
  readonly cdkOut?: string;
  /** The CDK app to synthesize: the folder of its `cdk.json`. @default this package's own folder */
  readonly projectDir?: string;
  /** Context for the synth (`-c key=value`). */
  readonly context?: Record<string, string>;
  /** Stack to run when the assembly holds several. */
  readonly stack?: string;
  /** Keep the tables in this folder across restarts. @default in memory */
  readonly persist?: string;
  /** API Gateway's limits and timers, scaled for tests. */
  readonly limits?: Partial<GatewayLimits>;
  /** Delay before Lambda's asynchronous retries. @default 1 and 2 minutes, as Lambda */
  readonly asyncRetryDelayMs?: (attempt: number) => number;
  /** EventBridge's first retry delay (ms). @default 1000 */
  readonly eventBridgeRetryBaseDelayMs?: number;
  /** How often expired items are deleted (TTL). @default 10000 */
  readonly ttlSweepIntervalMs?: number;
  /** Also log every frame's route, every AWS API request and Lambda's START/END/REPORT lines. @default false */
  readonly verbose?: boolean;
  /** Where readable lines go. @default console.log */
  readonly log?: (line: string) => void;
  /** Fault injection in the gateway: management-API errors and latency, dropped `$disconnect`s. @default none */
  readonly faults?: GatewayFaults;
  /**
   * Enforce the functions' roles: a call a function's role does not allow is answered with AWS's
   * AccessDeniedException (DynamoDB, EventBridge, SQS, the management API). Other callers are not restricted.
   * @default true
   */
  readonly iam?: boolean;
}

/** A running local cloud. */
export interface LocalCloud {
  /** `ws://host:port/<stage>`; empty when the stack has no WebSocket API (the AppSync transport). */
  readonly webSocketUrl: string;
  /** The management API endpoint, `http://host:port/<stage>`; empty without a WebSocket API. */
  readonly callbackUrl: string;
  /** The local AppSync, when the stack has a GraphQL API: its URLs and its API key's value. */
  readonly appsync?: { readonly graphqlUrl: string; readonly realtimeUrl: string; readonly apiKey?: string };
  /** The AWS endpoint for `AWS_ENDPOINT_URL`, `http://host:port`. */
  readonly awsEndpoint: string;
  /** The scoreboard page. */
  readonly pageUrl: string;
  /** The local console: connections, channels, what happens, dead letters. */
  readonly consoleUrl: string;
  /** What the services report (the console's stream). */
  readonly events: CloudEventHub;
  /** The stack's outputs, resolved to local values (table name, bus name, queue URLs…). */
  readonly outputs: Record<string, string>;
  readonly model: StackModel;
  /** Waits until the events published so far have been delivered or dead-lettered (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** What was started, stopped last first; a failed stop is logged and the others still run. */
class StopList {
  private readonly stops: (() => Promise<void> | void)[] = [];
  constructor(private readonly log: (line: string) => void) {}

  add<T extends { stop(): Promise<void> | void }>(started: T): T {
    this.stops.push(() => started.stop());
    return started;
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) {
      try { await stop(); } catch (err) { this.log(`local     stop failed: ${(err as Error).message}`); }
    }
  }
}

/**
 * Runs the synthesized stack locally: every function, route, table, bus, rule and queue comes from the
 * template. The two ports are bound first, so the model resolves to the real URLs; then the services start
 * in a fixed order — DynamoDB, SQS, Lambda, EventBridge, the AWS endpoint in front of them, the gateway —
 * and stop in the reverse one (the gateway first: its `$disconnect` calls still need the functions and the table).
 */
export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const host = opts.host ?? '127.0.0.1';
  const running = new StopList(log);
  try {
    const assemblyDir = opts.cdkOut ?? (await synthesizeToTemporaryFolder(opts, running, log));
    const stack = readStack(assemblyDir, opts.stack);
    const hasGraphqlApi = Object.values(stack.template.Resources).some((r) => r.Type === 'AWS::AppSync::GraphQLApi');
    const ports = {
      gateway: await bindPortFor(running, host, opts.port ?? DEFAULT_PORTS.gateway),
      aws: await bindPortFor(running, host, opts.awsPort ?? DEFAULT_PORTS.aws),
      appsync: hasGraphqlApi ? await bindPortFor(running, host, opts.appsyncPort ?? DEFAULT_PORTS.appsync) : undefined,
    };
    const model = buildModel(stack, { gateway: ports.gateway.url, aws: ports.aws.url, appsync: ports.appsync?.url }, log);
    const api = theApi(model);

    const step = async <T>(name: string, start: () => Promise<T>): Promise<T> => {
      const began = Date.now();
      const started = await start();
      log(`local     ${name} up in ${Date.now() - began} ms`);
      return started;
    };
    const events = new CloudEventHub();
    const onFunctionLine = (fn: string, text: string) => {
      const report = functionReport(fn, text);
      if (report) events.publish(report.kind, report.text, report.data);
    };

    const dynamodb = running.add(await step('dynamodb', () => startDynamoDb(model, { persist: opts.persist, ttlSweepIntervalMs: opts.ttlSweepIntervalMs, log: prefixed(log, 'dynamodb  ') })));
    const sqs = running.add(await step('sqs', () => startSqs(model, { endpointUrl: ports.aws.url, deadLetterQueues: deadLetterQueuesOf(model), events, log: prefixed(log, 'sqs       ') })));
    const lambda = running.add(await step('lambda', () => startLambda(model, { awsEndpointUrl: ports.aws.url, sqs, reportLines: opts.verbose ?? false, asyncRetryDelayMs: opts.asyncRetryDelayMs, events, onFunctionLine, log })));
    const iam = (opts.iam ?? true) ? new LocalIam(model, prefixed(log, 'iam       '), events) : undefined;
    // Loaded only for a stack with a GraphQL API: `graphql` and the real-time server cost memory nobody else needs.
    // A require, not `import()`: `npm start` runs the sources through tsx's CommonJS hook alone (no ESM loader
    // thread, ~40 MB less), which does not resolve a dynamic import of a .ts file.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const appsync: RunningAppSync | undefined = ports.appsync && running.add((await step('appsync', async () => (require('./appsync') as typeof import('./appsync')).startAppSync(model, {
      port: ports.appsync!, iam, jwks: oidcKeysOf(opts.context), timers: opts.appsyncTimers, events, log: prefixed(log, 'appsync   '),
    })))!);
    const eventBridge = running.add(await step('eventbridge', () => startEventBridge(model, { lambda, sqs, appsync, retryBaseDelayMs: opts.eventBridgeRetryBaseDelayMs, events, log })));
    const aws = running.add(await step('aws endpoint', () => startAwsEndpoint({
      port: ports.aws, services: [eventBridge.api, sqs.api], dynamodb: dynamodb.api, log: awsLog(opts, log), authorize: iam && endpointAuthorizer(iam),
    })));
    let gateway: Awaited<ReturnType<typeof startWebSocketApi>> | undefined;
    const localConsole = running.add(startConsole(model, {
      gatewayUrl: ports.gateway.url,
      stage: api?.stage ?? '',
      hub: events,
      connections: () => gateway?.list() ?? [],
      dynamodbEndpoint: dynamodb.api.internalEndpoint,
      sqs,
      putEvents: (input) => eventBridge.api.handle('PutEvents', input),
    }));
    const page = await step('page', () => pageHandler(api?.stage ?? '', appsync && { realtimeUrl: appsync.urls.realtime, apiKey: appsync.apiKey }));
    if (!api) {
      // No WebSocket API (the AppSync transport): the gateway's port still serves the page and the console.
      ports.gateway.server.on('request', (req, res) => {
        if (!localConsole.handleRequest(req, res) && !page(req, res)) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Not found: the stack has no WebSocket API; the page is on / and the console on /_console.\n');
        }
      });
      ports.gateway.server.on('upgrade', (req, socket, head) => {
        if (!localConsole.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
    }
    gateway = api && running.add(await step('gateway', () => startWebSocketApi(api, {
      port: ports.gateway,
      lambda,
      limits: opts.limits,
      faults: opts.faults,
      requestHandler: (req, res) => localConsole.handleRequest(req, res) || page(req, res),
      upgradeHandler: localConsole.handleUpgrade,
      authorizeManagement: iam && managementAuthorizer(iam, api.apiId, api.stage),
      events,
      log,
      // Every frame's route is routine, as successful AWS requests are (the console shows each frame).
      logFrames: opts.verbose ?? false,
    })));

    return {
      webSocketUrl: gateway?.urls.webSocket ?? '',
      callbackUrl: gateway?.urls.callback ?? '',
      ...(appsync ? { appsync: { graphqlUrl: appsync.urls.graphql, realtimeUrl: appsync.urls.realtime, apiKey: appsync.apiKey } } : {}),
      awsEndpoint: aws.urls.aws,
      pageUrl: `${ports.gateway.url}/`,
      consoleUrl: localConsole.urls.console,
      events,
      outputs: model.outputs,
      model,
      idle: async () => {
        await eventBridge.idle();
        await lambda.drain();
      },
      stop: () => running.stopAll(),
    };
  } catch (err) {
    await running.stopAll();
    throw err;
  }
}

async function synthesizeToTemporaryFolder(opts: LocalCloudOptions, running: StopList, log: (line: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'websocket-push-'));
  running.add({ stop: () => rmSync(dir, { recursive: true, force: true }) });
  await synth({ outDir: dir, projectDir: opts.projectDir, context: opts.context, log });
  return dir;
}

/** Binds a port that is closed with the rest (its service closes it too, once it answers on it). */
async function bindPortFor(running: StopList, host: string, port: number): Promise<BoundPort> {
  const bound = await bindPort(host, port);
  running.add({ stop: () => bound.close() });
  return bound;
}

/** The stack's WebSocket API: exactly one, or none when the stack has a GraphQL API instead (the AppSync transport). */
function theApi(model: StackModel): WebSocketApiModel | undefined {
  if (model.apis.length === 0 && model.graphqlApis.length > 0) return undefined;
  if (model.apis.length !== 1) {
    throw new TemplateError(`the stack has ${model.apis.length} WebSocket APIs (${model.apis.map((a) => a.logicalId).join(', ') || 'none'}) and no GraphQL API; the local cloud runs exactly one WebSocket API, or an AppSync GraphQL API.`);
  }
  return model.apis[0];
}

/**
 * The OIDC issuer's keys the stack was synthesized with (`authIssuer` with `authJwks` or `authJwksUrl`, as the
 * development issuer gives them): the local AppSync verifies tokens with them instead of fetching the
 * issuer's discovery document (the development issuer has none).
 */
function oidcKeysOf(context: Record<string, string> | undefined): Record<string, JwksSource> | undefined {
  const issuer = context?.authIssuer;
  if (!issuer) return undefined;
  if (context.authJwks) {
    try {
      return { [issuer]: JSON.parse(context.authJwks) as JwksSource };
    } catch {
      return undefined; // the synth refused it already
    }
  }
  return context.authJwksUrl ? { [issuer]: { url: context.authJwksUrl } } : undefined;
}

/**
 * Successful requests are routine (the services log what matters), and so are DynamoDB's 400s: the handlers'
 * conditional writes fail by design, and a real failure is logged by the function itself.
 */
function awsLog(opts: LocalCloudOptions, log: (line: string) => void): (line: string) => void {
  const routine = new RegExp(`^(\\S+ 2\\d\\d|${DYNAMODB_TARGET_PREFIX}\\.\\w+ 400) `);
  return (line) => {
    if (opts.verbose || !routine.test(line)) log(`aws       ${line}`);
  };
}
