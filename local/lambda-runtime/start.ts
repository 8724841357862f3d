import type { CloudEventSink } from '../console/event-hub';
import type { SqsConsumerOptions, SqsEventSourceMapping } from '../sqs/event-source-mapping';
import type { RunningSqs } from '../sqs/start';
import type { LocalService } from '../service/local-service';
import { AsyncInvoker } from './async-invoker';
import { FunctionOutput } from './function-output';
import { LambdaRuntime } from './lambda-runtime';
import type { AsyncFunctionConfig, InvokeResult, LocalFunction } from './types';

/** An event source mapping (`AWS::Lambda::EventSourceMapping`) on one of the stack's queues. */
export interface EventSourceMappingDefinition extends Omit<SqsConsumerOptions, 'invoke'> {
  readonly functionName: string;
}

/** What Lambda needs besides the model. */
export interface LambdaDeps {
  /** The AWS endpoint's URL, every function's `AWS_ENDPOINT_URL`. */
  readonly awsEndpointUrl: string;
  /** The queues event source mappings poll and on-failure destinations receive. */
  readonly sqs: Pick<RunningSqs, 'api' | 'sendMessage'>;
  /** Print Lambda's `START` / `END` / `REPORT` lines. */
  readonly reportLines: boolean;
  /** Delay before asynchronous retries. @default 1 and 2 minutes, as Lambda */
  readonly asyncRetryDelayMs?: (attempt: number) => number;
  /** Where function errors are reported, with the function's latest lines (the console). @default none */
  readonly events?: CloudEventSink;
  /** Told of every line a function writes (without the `[FunctionName] ` prefix). @default nothing */
  readonly onFunctionLine?: (functionName: string, text: string) => void;
  readonly log: (line: string) => void;
}

/** The running Lambda service. */
export interface RunningLambda extends LocalService {
  /** Synchronous invocation (`RequestResponse`), by function name. */
  invoke(name: string, event: unknown): Promise<InvokeResult>;
  /** The function an ARN names (qualified with `:$LATEST` or not), if it is one of the stack's. */
  functionByArn(arn: string): LocalFunction | undefined;
  /** Asynchronous invocation (`Event`): accepted at once, retried, then sent to the on-failure destination. */
  invokeAsync(fn: AsyncFunctionConfig, event: unknown): void;
  /** Waits until every accepted asynchronous event has finished. */
  drain(): Promise<void>;
}

/**
 * Starts Lambda: the stack's functions (warm worker threads with their resolved environment), asynchronous
 * invocation, and the event source mappings (`AWS::Lambda::EventSourceMapping`: Lambda's pollers on SQS).
 */
export async function startLambda(model: { readonly functions: readonly LocalFunction[]; readonly eventSourceMappings: readonly EventSourceMappingDefinition[] }, deps: LambdaDeps): Promise<RunningLambda> {
  const output = new FunctionOutput(deps.log, deps.onFunctionLine);
  const runtime = new LambdaRuntime({ awsEndpointUrl: deps.awsEndpointUrl, log: output.line, reportLines: deps.reportLines });
  const invoke = async (name: string, event: unknown): Promise<InvokeResult> => {
    const result = await runtime.invoke(name, event);
    if (!result.ok && result.errorType !== 'Runtime.Stopped') {
      deps.events?.publish('function-error', `${name} failed: ${result.errorType}: ${result.errorMessage}`, {
        functionName: name, errorType: result.errorType, errorMessage: result.errorMessage, lines: output.latest(name),
      });
    }
    return result;
  };
  for (const fn of model.functions) {
    runtime.register({
      name: fn.name,
      assetDir: fn.assetDir,
      handler: fn.handler,
      // The functions run on this machine's Node (20+), not Lambda's 24: silence the SDK's notice about it.
      environment: { ...fn.environment, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
    });
  }
  const asyncInvoker = new AsyncInvoker({
    invoke,
    sendToQueue: (arn, body) => deps.sqs.sendMessage(arn, body),
    log: deps.log,
    retryDelayMs: deps.asyncRetryDelayMs,
  });
  const mappings: SqsEventSourceMapping[] = model.eventSourceMappings.map((m) => deps.sqs.api.attachConsumer({
    queueArn: m.queueArn,
    batchSize: m.batchSize,
    maxBatchingWindowSeconds: m.maxBatchingWindowSeconds,
    reportBatchItemFailures: m.reportBatchItemFailures,
    ...(m.maxConcurrency !== undefined ? { maxConcurrency: m.maxConcurrency } : {}),
    invoke: (event) => invoke(m.functionName, event),
  }));
  return {
    urls: {},
    invoke,
    functionByArn: (arn) => model.functions.find((f) => f.arn === arn || `${f.arn}:$LATEST` === arn),
    invokeAsync: (fn, event) => asyncInvoker.invokeAsync(fn, event),
    drain: () => asyncInvoker.drain(),
    // The runtime first: invocations in flight end at once (Runtime.Stopped), so the pollers stop without waiting.
    stop: async () => {
      asyncInvoker.stop();
      await runtime.stop();
      await Promise.all(mappings.map((m) => m.stop()));
    },
  };
}
