import { LAMBDA_MB_PER_VCPU } from '../../shared/limits';
import { randomUUID } from 'node:crypto';
import { localArn } from '../aws-wire';
import type { EnvironmentOptions } from './environment';
import { ExecutionEnvironment, type RunResult } from './execution-environment';
import type { FunctionDefinition, InvokeResult } from './types';

interface Pending {
  event: unknown;
  resolve: (r: InvokeResult) => void;
}

/**
 * The execution environments of one function: reuses an idle (warm) one, starts a new one while fewer than
 * `maxConcurrency` exist, otherwise queues the invocation until one is free.
 */
export class FunctionPool {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(
    readonly fn: FunctionDefinition,
    private readonly envOptions: EnvironmentOptions,
    private readonly log: (line: string) => void,
    private readonly reportLines: boolean,
  ) {}

  /** Execution environments alive now (busy or idle). */
  get size(): number {
    return this.all.size;
  }

  invoke(event: unknown): Promise<InvokeResult> {
    return new Promise((resolve) => {
      this.queue.push({ event, resolve });
      this.pump();
    });
  }

  /** Terminates every environment; queued invocations are answered with `stoppedResult`. */
  async close(stoppedResult: () => InvokeResult): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(stoppedResult());
    await Promise.all([...this.all].map((e) => e.terminate()));
  }

  private pump(): void {
    while (this.queue.length && !this.closed) {
      let env = this.idle.pop();
      while (env && !env.alive) env = this.idle.pop();
      if (!env) {
        if (this.all.size >= Math.max(1, this.fn.maxConcurrency ?? 10)) return;
        env = this.spawn();
      }
      const job = this.queue.shift()!;
      void this.runOn(env, job);
    }
  }

  private spawn(): ExecutionEnvironment {
    const env = new ExecutionEnvironment(this.fn, this.envOptions, this.log);
    this.all.add(env);
    env.onceExited(() => {
      this.all.delete(env);
      const i = this.idle.indexOf(env);
      if (i >= 0) this.idle.splice(i, 1);
      this.pump();
    });
    return env;
  }

  private async runOn(env: ExecutionEnvironment, job: Pending): Promise<void> {
    const requestId = randomUUID();
    const memory = this.fn.memoryMb ?? 128;
    if (this.reportLines) this.log(`[${this.fn.name}] START RequestId: ${requestId} Version: $LATEST`);
    const result: RunResult = await env.run(job.event, {
      functionName: this.fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: localArn('lambda', `function:${this.fn.name}`),
      memoryLimitInMB: String(memory),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${this.fn.name}`,
    });
    if (this.reportLines) {
      if (!result.ok && result.errorType === 'Sandbox.Timedout') {
        this.log(`[${this.fn.name}] ${new Date().toISOString()} ${requestId} ${result.errorMessage}`);
      }
      const init = result.initDurationMs !== undefined ? `\tInit Duration: ${result.initDurationMs.toFixed(2)} ms` : '';
      this.log(`[${this.fn.name}] END RequestId: ${requestId}`);
      this.log(
        `[${this.fn.name}] REPORT RequestId: ${requestId}\tDuration: ${result.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(result.durationMs)} ms\tMemory Size: ${memory} MB${init}${cpuReport(result, memory)}` +
          (result.ok ? '' : `\tStatus: error\tErrorType: ${result.errorType}`),
      );
    }
    const { initDurationMs: _init, cpuMs: _cpu, ...answer } = result;
    job.resolve(answer as InvokeResult);
    if (env.alive && !this.closed) this.idle.push(env);
    this.pump();
  }
}

/**
 * The REPORT line's local additions: the invocation's CPU time here, and the duration a model projects on
 * Lambda at the function's memory. Lambda gives a function CPU in proportion to its memory, one vCPU at
 * 1,769 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html), while this runtime gives
 * each function a whole core: the CPU part of the duration stretches by 1,769 / memory, the waiting does not.
 */
export function cpuReport(result: { durationMs: number; cpuMs?: number }, memoryMb: number): string {
  if (result.cpuMs === undefined || !Number.isFinite(result.cpuMs)) return '';
  const cpu = Math.max(0, Math.min(result.cpuMs, result.durationMs));
  return `\tCPU Time: ${cpu.toFixed(2)} ms\tProjected Duration at ${memoryMb} MB: ${projectedDurationMs(result.durationMs, cpu, memoryMb).toFixed(2)} ms`;
}

/** A model: the wall time of an invocation that ran `cpuMs` of `durationMs` on CPU, at `memoryMb` on Lambda. */
export function projectedDurationMs(durationMs: number, cpuMs: number, memoryMb: number): number {
  const share = Math.min(1, memoryMb / LAMBDA_MB_PER_VCPU);
  return durationMs - cpuMs + cpuMs / share;
}
