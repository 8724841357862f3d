import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { functionEnvironment, type EnvironmentOptions } from './environment';
import { pipeLines } from './log-lines';
import { providedSdk } from './provided-sdk';
import type { FunctionDefinition, InvokeContextData, InvokeResult } from './types';
import { WORKER_SOURCE } from './worker-source';

/** The AWS SDK every function's worker falls back to, read once. */
const PROVIDED_SDK = providedSdk();

type WorkerReply =
  | { type: 'result'; id: number; ok: true; result: unknown; initDurationMs?: number; cpuMs?: number }
  | { type: 'result'; id: number; ok: false; errorType: string; errorMessage: string; trace?: string[]; fatal?: boolean; initDurationMs?: number; cpuMs?: number }
  | { type: 'crash'; id?: number; errorType: string; errorMessage: string };

/** Result of one run in an execution environment, with what the REPORT line needs. */
export type RunResult = InvokeResult & { initDurationMs?: number; cpuMs?: number };

/**
 * One Lambda execution environment: a worker thread with the function's own `process.env`, the handler module
 * loaded once (warm), one invocation at a time. It dies on a timeout (terminated by the host), on a crash of the
 * function (uncaught exception, unhandled rejection, `process.exit`) or on an init failure.
 */
export class ExecutionEnvironment {
  readonly logStreamName: string;
  private readonly worker: Worker;
  private nextId = 1;
  private current?: { id: number; started: number; resolve: (r: RunResult) => void; timer: NodeJS.Timeout; crash?: { errorType: string; errorMessage: string } };
  private exited = false;
  private terminating = false;
  private readonly exitListeners: Array<() => void> = [];

  constructor(
    private readonly fn: FunctionDefinition,
    envOptions: EnvironmentOptions,
    log: (line: string) => void,
  ) {
    const d = new Date();
    const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
    this.logStreamName = `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: functionEnvironment(fn, this.logStreamName, envOptions),
      workerData: { assetDir: fn.assetDir, handler: fn.handler, sdk: PROVIDED_SDK },
      stdout: true,
      stderr: true,
      execArgv: [],
    });
    pipeLines(this.worker.stdout, `[${fn.name}] `, log);
    pipeLines(this.worker.stderr, `[${fn.name}] `, log);
    this.worker.on('message', (msg: WorkerReply) => this.onMessage(msg));
    this.worker.on('error', (err: Error) => {
      if (this.current) this.current.crash ??= { errorType: err.name || 'Error', errorMessage: err.message };
    });
    this.worker.on('exit', (code) => this.onExit(code));
  }

  /** False once the worker is gone (it is then dropped from the pool). */
  get alive(): boolean {
    return !this.exited && !this.terminating;
  }

  /** Calls `listener` once the worker has exited. */
  onceExited(listener: () => void): void {
    if (this.exited) listener();
    else this.exitListeners.push(listener);
  }

  /** Runs one invocation; resolves with the function's result or error, never rejects. */
  run(event: unknown, context: Omit<InvokeContextData, 'deadline' | 'logStreamName'>): Promise<RunResult> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      const started = performance.now();
      const timeoutMs = this.fn.timeoutSeconds * 1000;
      const timer = setTimeout(() => {
        if (this.current?.id !== id) return;
        this.current = undefined;
        resolve({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          durationMs: performance.now() - started,
        });
        void this.terminate();
      }, timeoutMs);
      this.current = { id, started, resolve, timer };
      const data: InvokeContextData = { ...context, logStreamName: this.logStreamName, deadline: Date.now() + timeoutMs };
      this.worker.postMessage({ type: 'invoke', id, event, context: data });
    });
  }

  /** Kills the worker (timeout, stop). */
  async terminate(): Promise<void> {
    if (this.exited) return;
    this.terminating = true;
    await this.worker.terminate();
  }

  private onMessage(msg: WorkerReply): void {
    const current = this.current;
    if (!current) return;
    if (msg.type === 'crash') {
      current.crash = { errorType: msg.errorType, errorMessage: msg.errorMessage };
      return; // the worker exits right after; onExit answers
    }
    if (msg.id !== current.id) return;
    clearTimeout(current.timer);
    this.current = undefined;
    const durationMs = performance.now() - current.started;
    if (msg.ok) {
      current.resolve({ ok: true, result: msg.result, durationMs, initDurationMs: msg.initDurationMs, cpuMs: msg.cpuMs });
    } else {
      current.resolve({ ok: false, errorType: msg.errorType, errorMessage: msg.errorMessage, trace: msg.trace, durationMs, initDurationMs: msg.initDurationMs, cpuMs: msg.cpuMs });
      if (msg.fatal) void this.terminate(); // init failed: the next invocation starts a fresh environment
    }
  }

  private onExit(code: number): void {
    this.exited = true;
    const current = this.current;
    this.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      const durationMs = performance.now() - current.started;
      const crash = current.crash ?? {
        errorType: 'Runtime.ExitError',
        errorMessage: code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${code}`,
      };
      current.resolve({ ok: false, ...crash, durationMs });
    }
    for (const l of this.exitListeners.splice(0)) l();
  }
}
