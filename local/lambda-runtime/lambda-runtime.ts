import { localArn } from '../aws-wire';
import { LambdaRuntimeError } from './errors';
import { FunctionPool } from './function-pool';
import type { FunctionDefinition, InvokeResult } from './types';

/** Options of `LambdaRuntime`. */
export interface LambdaRuntimeOptions {
  /** The local AWS endpoint, given to every function as `AWS_ENDPOINT_URL`. @default none (the SDK's own endpoints) */
  readonly awsEndpointUrl?: string;
  /** Where a function's output and the runtime's lines go, already prefixed with `[FunctionName] `. @default console.log */
  readonly log?: (line: string) => void;
  /** Print Lambda's `START` / `END` / `REPORT RequestId` lines. @default true */
  readonly reportLines?: boolean;
  /** Folders on the functions' `NODE_PATH` before their own (as Lambda layers'). @default none */
  readonly nodePath?: readonly string[];
}

/**
 * Runs the stack's functions locally, each in its own worker thread(s) with its own environment, warm between
 * invocations, with Lambda's timeout, concurrency and error reporting.
 */
export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly log: (line: string) => void;
  private readonly nodePath: readonly string[];
  private stopped = false;

  constructor(private readonly options: LambdaRuntimeOptions = {}) {
    // eslint-disable-next-line no-console
    this.log = options.log ?? ((line) => console.log(line));
    this.nodePath = options.nodePath ?? [];
  }

  /** Declares a function. Its first invocation starts its first (cold) execution environment. */
  register(fn: FunctionDefinition): void {
    if (this.stopped) throw new LambdaRuntimeError('RuntimeStopped', 'The Lambda runtime is stopped');
    if (this.pools.has(fn.name)) throw new LambdaRuntimeError('FunctionAlreadyRegistered', `Function ${fn.name} is already registered`);
    if (!fn.name || !/^[A-Za-z0-9_-]{1,140}$/.test(fn.name)) {
      throw new LambdaRuntimeError('InvalidFunctionConfig', `Invalid function name '${fn.name}' (letters, digits, - and _)`);
    }
    if (!(fn.timeoutSeconds > 0)) throw new LambdaRuntimeError('InvalidFunctionConfig', `Function ${fn.name}: timeoutSeconds must be positive`);
    this.pools.set(
      fn.name,
      new FunctionPool(fn, { awsEndpointUrl: this.options.awsEndpointUrl, nodePath: this.nodePath }, this.log, this.options.reportLines ?? true),
    );
  }

  /** Names of the registered functions. */
  functionNames(): string[] {
    return [...this.pools.keys()];
  }

  /** Execution environments alive now for a function (0 before its first invocation). */
  environmentCount(name: string): number {
    return this.pool(name).size;
  }

  /**
   * Invokes a function synchronously (`RequestResponse`). Resolves with its result, or with its error as Lambda
   * reports it (`errorType`, `errorMessage`); rejects only for an unknown function or a stopped runtime.
   */
  invoke(name: string, event: unknown): Promise<InvokeResult> {
    if (this.stopped) return Promise.reject(new LambdaRuntimeError('RuntimeStopped', 'The Lambda runtime is stopped'));
    let payload: unknown;
    try {
      payload = event === undefined ? null : JSON.parse(JSON.stringify(event));
    } catch (err) {
      return Promise.reject(new LambdaRuntimeError('InvalidFunctionConfig', `The event for ${name} is not JSON-serializable`, { cause: err }));
    }
    try {
      return this.pool(name).invoke(payload);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Terminates every execution environment; queued invocations end with `Runtime.Stopped`. */
  async stop(): Promise<void> {
    this.stopped = true;
    const stopped = (): InvokeResult => ({ ok: false, errorType: 'Runtime.Stopped', errorMessage: 'The local Lambda runtime was stopped', durationMs: 0 });
    await Promise.all([...this.pools.values()].map((p) => p.close(stopped)));
  }

  private pool(name: string): FunctionPool {
    const pool = this.pools.get(name);
    if (!pool) throw new LambdaRuntimeError('FunctionNotFound', `Function not found: ${localArn('lambda', `function:${name}`)}`);
    return pool;
  }
}
