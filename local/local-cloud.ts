import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsEndpoint, type AwsEndpoint } from './aws-endpoint';
import { LocalDynamoDb } from './dynamodb';
import { deadLetterMessageAttributes, LocalEventBridge, TargetDeliveryError } from './eventbridge';
import { startGateway, type Gateway, type GatewayFaults, type GatewayLimits } from './gateway';
import { AsyncInvoker } from './lambda-async/async-invoker';
import { LambdaRuntime } from './lambda-runtime';
import { LocalSqs } from './sqs';
import { buildClientBundle } from './page/client-bundle';
import { synth } from './synth';
import { readStack } from './template/assembly';
import { TemplateError } from './template/errors';
import { buildModel, type FunctionModel, type StackModel } from './template/model';

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Gateway port (WebSocket API, management API, page); 0 picks a free one. @default 3001 */
  readonly port?: number;
  /** AWS endpoint port (DynamoDB, EventBridge, SQS); 0 picks a free one. @default 3002 */
  readonly awsPort?: number;
  /** An already synthesized cloud assembly to run. @default synthesize the app into a temporary folder */
  readonly cdkOut?: string;
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
  /** Also log every AWS API request and Lambda's START/END/REPORT lines. @default false */
  readonly verbose?: boolean;
  /** Where readable lines go. @default console.log */
  readonly log?: (line: string) => void;
  /** Fault injection in the gateway: management-API errors and latency, dropped `$disconnect`s. @default none */
  readonly faults?: GatewayFaults;
}

/** A running local cloud. */
export interface LocalCloud {
  /** `ws://host:port/<stage>` */
  readonly webSocketUrl: string;
  /** The management API endpoint, `http://host:port/<stage>`. */
  readonly callbackUrl: string;
  /** The AWS endpoint for `AWS_ENDPOINT_URL`, `http://host:port`. */
  readonly awsEndpoint: string;
  /** The scoreboard page. */
  readonly pageUrl: string;
  /** The stack's outputs, resolved to local values (table name, bus name, queue URLs…). */
  readonly outputs: Record<string, string>;
  readonly model: StackModel;
  /** Waits until the events published so far have been delivered or dead-lettered (tests). */
  idle(): Promise<void>;
  /**
   * BENCH-ONLY: writes a frame straight to the open sockets, with no management API (see
   * `Gateway.benchBroadcastRaw`): the ceiling `npm run bench` compares the push path with.
   */
  benchBroadcastRaw(payload: Buffer, connectionIds?: readonly string[]): number;
  stop(): Promise<void>;
}

const PAGE = join(__dirname, 'page', 'index.html');

/**
 * Runs the synthesized stack locally: every function, route, table, bus, rule and queue comes from the
 * template. Services start in a fixed order (DynamoDB, SQS and EventBridge behind the AWS endpoint, then the
 * gateway, then the functions with their resolved environment) and stop in the reverse one.
 */
export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const host = opts.host ?? '127.0.0.1';
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try { await stop(); } catch (err) { log(`local     stop failed: ${(err as Error).message}`); }
    }
    stops.length = 0;
  };

  try {
    let assemblyDir = opts.cdkOut;
    if (!assemblyDir) {
      const dir = mkdtempSync(join(tmpdir(), 'websocket-push-'));
      stops.push(() => rmSync(dir, { recursive: true, force: true }));
      await synth({ outDir: dir, context: opts.context, log });
      assemblyDir = dir;
    }
    const model = buildModel(readStack(assemblyDir, opts.stack), { gateway: 'http://pending', aws: 'http://pending' }, log);
    if (model.apis.length !== 1) {
      throw new TemplateError(`the stack has ${model.apis.length} WebSocket APIs (${model.apis.map((a) => a.logicalId).join(', ') || 'none'}); the local cloud runs exactly one.`);
    }
    const api = model.apis[0];
    const functionByArn = (arn: string): FunctionModel | undefined => model.functions.find((f) => f.arn === arn || `${f.arn}:$LATEST` === arn);
    const queueUrlOf = (arn: string) => sqs.queueUrl(arn.split(':').pop() ?? '');

    // 1. DynamoDB (dynalite) with the stack's tables.
    const dynamodb = new LocalDynamoDb({ path: opts.persist, ttlSweepIntervalMs: opts.ttlSweepIntervalMs, log: (l) => log(`dynamodb  ${l}`) });
    await dynamodb.start();
    stops.push(() => dynamodb.stop());
    for (const table of model.tables) {
      await dynamodb.createTable({
        ...(table.createInput as object),
        ...(table.ttlAttribute ? { TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } } : {}),
      } as Parameters<LocalDynamoDb['createTable']>[0]);
    }

    // 2. SQS with the stack's queues.
    const sqs = new LocalSqs({ log: (l) => log(`sqs       ${l}`) });
    await sqs.start();
    stops.push(() => sqs.stop());
    for (const q of model.queues) {
      sqs.addQueue({ name: q.name, visibilityTimeoutSeconds: q.visibilityTimeoutSeconds, redrivePolicy: q.redrivePolicy });
    }

    // 3. Lambda: the runtime and asynchronous invocation (how EventBridge invokes functions).
    const runtime = new LambdaRuntime({ log, reportLines: opts.verbose ?? false });
    stops.push(() => runtime.stop());
    const asyncInvoker = new AsyncInvoker({
      invoke: (name, event) => runtime.invoke(name, event),
      sendToQueue: async (arn, body) => { await sqs.handle('SendMessage', { QueueUrl: queueUrlOf(arn), MessageBody: body }); },
      log,
      retryDelayMs: opts.asyncRetryDelayMs,
    });
    stops.push(() => asyncInvoker.stop());

    // 4. EventBridge with the stack's buses and rules.
    const eventBridge = new LocalEventBridge({
      deliver: async (arn, payload) => {
        const fn = functionByArn(arn);
        if (!fn) throw new TargetDeliveryError('ResourceNotFoundException', `Target ${arn} is not a function of the local stack`, false);
        asyncInvoker.invokeAsync(fn, payload);
      },
      sendToDeadLetter: async (dlqArn, event, reason) => {
        await sqs.handle('SendMessage', {
          QueueUrl: queueUrlOf(dlqArn),
          MessageBody: JSON.stringify(event),
          MessageAttributes: deadLetterMessageAttributes(reason),
        });
      },
      log,
      retryBaseDelayMs: opts.eventBridgeRetryBaseDelayMs,
    });
    stops.push(() => eventBridge.stop());
    for (const bus of model.buses) eventBridge.addBus(bus);
    for (const rule of model.rules) eventBridge.addRule(rule);

    // 5. The AWS endpoint in front of them.
    const aws: AwsEndpoint = await startAwsEndpoint({ host, port: opts.awsPort ?? 3002, services: [eventBridge, sqs], dynamodb,
      // Successful requests are routine (the services log what matters), and so are DynamoDB's 400s: the
      // handlers' conditional writes fail by design, and a real failure is logged by the function itself.
      log: (l) => { if (opts.verbose || !/^(\S+ 2\d\d|DynamoDB_20120810\.\w+ 400) /.test(l)) log(`aws       ${l}`); },
    });
    stops.push(() => aws.stop());
    runtime.setAwsEndpointUrl(aws.url);

    // 6. The gateway: routes and authorizer from the template, the page on `/`.
    // A function error as API Gateway sees it: its type and its message (an authorizer's "Unauthorized" is a 401).
    const integration = (name: string) => async (event: unknown) => {
      const r = await runtime.invoke(name, event);
      if (!r.ok) throw Object.assign(new Error(r.errorMessage), { name: r.errorType });
      return r.result;
    };
    const connectRoute = api.routes.find((r) => r.routeKey === '$connect');
    const page = readFileSync(PAGE, 'utf8').replace('</head>', `<meta name="ws-stage" content="${api.stage}">\n</head>`);
    const clientJs = await buildClientBundle(); // the page's client, served as an ES module at /client.js
    const gateway: Gateway = await startGateway({
      host,
      port: opts.port ?? 3001,
      stage: api.stage,
      apiId: api.apiId,
      routeSelectionExpression: api.routeSelectionExpression,
      routes: Object.fromEntries(api.routes.map((r) => [r.routeKey, { invoke: integration(r.functionName), returnResponse: r.returnResponse, name: r.functionName }])),
      authorizer: connectRoute?.authorizer && {
        identitySources: connectRoute.authorizer.identitySources,
        invoke: integration(connectRoute.authorizer.functionName),
        name: connectRoute.authorizer.functionName,
      },
      limits: Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined)),
      faults: opts.faults,
      requestHandler: (req, res) => {
        if (req.method === 'GET' && /^\/client\.js(\?.*)?$/.test(req.url ?? '')) {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
          res.end(clientJs);
          return true;
        }
        if (req.method !== 'GET' || !/^\/(index\.html)?(\?.*)?$/.test(req.url ?? '')) return false;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(page);
        return true;
      },
      log,
    });
    // Stopped first: its $disconnect calls still need the functions and the table.
    const gatewayBase = `http://${host}:${gateway.port}`;

    // 7. The functions, with their environment resolved to the local URLs.
    model.resolver.setUrls({ gateway: gatewayBase, aws: aws.url });
    for (const fn of model.functions) {
      runtime.register({
        name: fn.name,
        assetDir: fn.assetDir,
        handler: fn.handler,
        // The functions run on this machine's Node (20+), not Lambda's 24: silence the SDK's notice about it.
        environment: { ...model.environment(fn), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeoutSeconds: fn.timeoutSeconds,
        memoryMb: fn.memoryMb,
      });
    }
    for (const m of model.eventSourceMappings) {
      sqs.attachConsumer({
        queueArn: m.queueArn,
        batchSize: m.batchSize,
        maxBatchingWindowSeconds: m.maxBatchingWindowSeconds,
        reportBatchItemFailures: m.reportBatchItemFailures,
        ...(m.maxConcurrency !== undefined ? { maxConcurrency: m.maxConcurrency } : {}),
        invoke: (event) => runtime.invoke(m.functionName, event),
      });
    }
    stops.push(() => gateway.stop());

    return {
      webSocketUrl: gateway.url,
      callbackUrl: gateway.callbackUrl,
      awsEndpoint: aws.url,
      pageUrl: `${gatewayBase}/`,
      outputs: model.outputs(),
      model,
      idle: async () => {
        await eventBridge.idle();
        await asyncInvoker.drain();
      },
      benchBroadcastRaw: (payload, ids) => gateway.benchBroadcastRaw(payload, ids),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
