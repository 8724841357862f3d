/** A function to run, as the template declares it (`AWS::Lambda::Function` with its bundled asset). */
export interface FunctionDefinition {
  /** Function name (`FunctionName`, or the logical id when the template leaves it to CloudFormation). */
  readonly name: string;
  /** Folder of the bundled asset (e.g. `cdk.out/asset.<hash>`) containing the handler module (CommonJS `index.js`). */
  readonly assetDir: string;
  /** `Handler`, e.g. `index.handler` (`<path/module>.<export>`). */
  readonly handler: string;
  /** `Environment.Variables`. */
  readonly environment: Readonly<Record<string, string>>;
  /** `Timeout` in seconds. */
  readonly timeoutSeconds: number;
  /** `MemorySize`. @default 128 */
  readonly memoryMb?: number;
  /** Most execution environments (workers) at once; further invocations queue. @default 10 */
  readonly maxConcurrency?: number;
}

/** A function's asynchronous invocation settings (`AWS::Lambda::EventInvokeConfig`), and what names it. */
export interface AsyncFunctionConfig {
  readonly name: string;
  /** The unqualified function ARN (the on-failure record names `<arn>:$LATEST`). */
  readonly arn: string;
  /** `MaximumRetryAttempts`: retries after a function error (Lambda's default: 2). */
  readonly asyncRetries: number;
  /** `MaximumEventAgeInSeconds`: no retry starts after this age (Lambda's default: 6 hours). */
  readonly maxEventAgeSeconds: number;
  /** `DestinationConfig.OnFailure.Destination`: an SQS queue ARN. @default dropped */
  readonly onFailureArn?: string;
}

/** A function as the local Lambda service runs it: how to run it and how to invoke it asynchronously. */
export type LocalFunction = FunctionDefinition & AsyncFunctionConfig;

/** Outcome of one invocation. A function error is a value, never a rejection. */
export type InvokeResult =
  | { ok: true; result: unknown; durationMs: number }
  | { ok: false; errorType: string; errorMessage: string; trace?: string[]; durationMs: number };

/** The `context` fields passed into the worker (functions are added there). */
export interface InvokeContextData {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  /** Epoch ms at which the invocation times out. */
  deadline: number;
}
