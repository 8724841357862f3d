import { mkdtempSync, mkdirSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LambdaRuntime, LambdaRuntimeError, type FunctionDefinition } from '../../../../local/lambda-runtime';
import { waitUntil } from '../../../support/wait-until';
import { cpuReport, projectedDurationMs } from '../../../../local/lambda-runtime/function-pool';

/** Writes a bundled-style asset folder (`index.js`, CommonJS) and returns its path. */
function asset(root: string, name: string, source: string, file = 'index.js'): string {
  const dir = path.join(root, `asset.${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), source);
  return dir;
}

describe('LambdaRuntime', () => {
  let root: string;
  let runtime: LambdaRuntime;
  let lines: string[];

  const fn = (name: string, source: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition => ({
    name,
    assetDir: asset(root, name, source),
    handler: 'index.handler',
    environment: {},
    timeoutSeconds: 5,
    ...extra,
  });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lambda-runtime-'));
    lines = [];
    runtime = new LambdaRuntime({ awsEndpointUrl: 'http://127.0.0.1:3999', log: (l) => lines.push(l) });
  });

  afterEach(async () => {
    await runtime.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives each function its own environment and leaves the host process.env untouched', async () => {
    const source = `exports.handler = async () => {
      process.env.MUTATED = 'yes';
      return { table: process.env.TABLE, other: process.env.OTHER ?? null, region: process.env.AWS_REGION,
        endpoint: process.env.AWS_ENDPOINT_URL, name: process.env.AWS_LAMBDA_FUNCTION_NAME,
        memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, key: process.env.AWS_ACCESS_KEY_ID,
        timeoutVar: process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? null, handlerVar: process.env._HANDLER };
    };`;
    runtime.register(fn('FnA', source, { environment: { TABLE: 'a-table' }, memoryMb: 256 }));
    runtime.register(fn('FnB', source, { environment: { TABLE: 'b-table', OTHER: 'only-b' } }));
    const before = { ...process.env };
    const [a, b] = await Promise.all([runtime.invoke('FnA', {}), runtime.invoke('FnB', {})]);
    expect(a).toMatchObject({
      ok: true,
      result: { table: 'a-table', other: null, region: 'us-east-1', endpoint: 'http://127.0.0.1:3999', name: 'FnA', memory: '256', timeoutVar: null, handlerVar: 'index.handler' },
    });
    expect(b).toMatchObject({ ok: true, result: { table: 'b-table', other: 'only-b', name: 'FnB', memory: '128' } });
    expect((a as { result: { key: string } }).result.key).toBeTruthy();
    expect(process.env).toEqual(before);
    expect(process.env.MUTATED).toBeUndefined();
  });

  it('keeps module state warm between invocations and passes a Lambda context', async () => {
    runtime.register(
      fn('Counter', `let n = 0; const loadedAt = Date.now();
        exports.handler = async (event, context) => ({ n: ++n, loadedAt, echo: event,
          ctx: { functionName: context.functionName, version: context.functionVersion, arn: context.invokedFunctionArn,
            memory: context.memoryLimitInMB, requestId: context.awsRequestId, group: context.logGroupName,
            stream: context.logStreamName, remaining: context.getRemainingTimeInMillis() } });`),
    );
    const first = await runtime.invoke('Counter', { hello: 'world' });
    const second = await runtime.invoke('Counter', { hello: 'again' });
    if (!first.ok || !second.ok) throw new Error('invocation failed');
    const r1 = first.result as { n: number; loadedAt: number; echo: unknown; ctx: Record<string, unknown> };
    const r2 = second.result as typeof r1;
    expect(r1.n).toBe(1);
    expect(r2.n).toBe(2);
    expect(r2.loadedAt).toBe(r1.loadedAt);
    expect(r2.echo).toEqual({ hello: 'again' });
    expect(r1.ctx).toMatchObject({
      functionName: 'Counter',
      version: '$LATEST',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:Counter',
      memory: '128',
      group: '/aws/lambda/Counter',
    });
    expect(r1.ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r1.ctx.requestId).not.toBe(r2.ctx.requestId);
    expect(r1.ctx.stream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(r1.ctx.remaining).toBeGreaterThan(4000);
    expect(r1.ctx.remaining).toBeLessThanOrEqual(5000);
    expect(runtime.environmentCount('Counter')).toBe(1);
  });

  it('supports callback-style handlers and context.succeed', async () => {
    runtime.register(fn('Callback', `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { got: event.x }), 10); };`));
    runtime.register(fn('CallbackError', `exports.handler = (event, context, callback) => callback(new TypeError('bad input'));`));
    await expect(runtime.invoke('Callback', { x: 7 })).resolves.toMatchObject({ ok: true, result: { got: 7 } });
    await expect(runtime.invoke('CallbackError', {})).resolves.toMatchObject({ ok: false, errorType: 'TypeError', errorMessage: 'bad input' });
  });

  it('runs overlapping invocations in parallel up to maxConcurrency, then queues', async () => {
    runtime.register(
      fn('Slow', `exports.handler = async () => { const start = Date.now(); await new Promise((r) => setTimeout(r, 300)); return { start, end: Date.now(), thread: require('worker_threads').threadId }; };`, {
        maxConcurrency: 2,
      }),
    );
    const results = await Promise.all([0, 1, 2].map(() => runtime.invoke('Slow', {})));
    const spans = results.map((r) => (r.ok ? (r.result as { start: number; end: number; thread: number }) : undefined)!);
    spans.sort((x, y) => x.start - y.start);
    // The first two overlapped (two environments), the third waited for one to be free.
    expect(spans[1].start).toBeLessThan(spans[0].end);
    expect(spans[2].start).toBeGreaterThanOrEqual(Math.min(spans[0].end, spans[1].end) - 5);
    expect(new Set(spans.map((s) => s.thread)).size).toBe(2);
    expect(runtime.environmentCount('Slow')).toBe(2);
  });

  it('times out with Sandbox.Timedout, then starts a fresh (cold) environment', async () => {
    runtime.register(
      fn('Sleepy', `let invocations = 0; exports.handler = async (event) => { invocations++; if (event.hang) await new Promise(() => setInterval(() => {}, 1000)); return { invocations }; };`, {
        timeoutSeconds: 0.5,
      }),
    );
    await expect(runtime.invoke('Sleepy', {})).resolves.toMatchObject({ ok: true, result: { invocations: 1 } });
    const timedOut = await runtime.invoke('Sleepy', { hang: true });
    expect(timedOut).toMatchObject({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.50 seconds' });
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(450);
    // Fresh environment: module state starts over.
    await expect(runtime.invoke('Sleepy', {})).resolves.toMatchObject({ ok: true, result: { invocations: 1 } });
  });

  it('reports a thrown error by its name and message, and stays warm', async () => {
    runtime.register(
      fn('Thrower', `class ConnectionGoneError extends Error { constructor(m) { super(m); this.name = 'ConnectionGoneError'; } }
        let n = 0; exports.handler = async (event) => { n++; if (event.fail) throw new ConnectionGoneError('gone: ' + event.fail); if (event.str) throw 'plain string'; return n; };`),
    );
    await expect(runtime.invoke('Thrower', { fail: 'abc' })).resolves.toMatchObject({ ok: false, errorType: 'ConnectionGoneError', errorMessage: 'gone: abc' });
    await expect(runtime.invoke('Thrower', { str: true })).resolves.toMatchObject({ ok: false, errorType: 'string', errorMessage: 'plain string' });
    await expect(runtime.invoke('Thrower', {})).resolves.toMatchObject({ ok: true, result: 3 });
  });

  it('reports a missing handler, a missing module and a syntax error as Lambda does', async () => {
    runtime.register(fn('NoExport', `exports.other = async () => 1;`));
    runtime.register({ ...fn('NoModule', `exports.handler = async () => 1;`), handler: 'missing.handler' });
    runtime.register(fn('BadSyntax', `exports.handler = async () => {`));
    await expect(runtime.invoke('NoExport', {})).resolves.toMatchObject({ ok: false, errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' });
    await expect(runtime.invoke('NoModule', {})).resolves.toMatchObject({ ok: false, errorType: 'Runtime.ImportModuleError' });
    await expect(runtime.invoke('BadSyntax', {})).resolves.toMatchObject({ ok: false, errorType: 'Runtime.UserCodeSyntaxError' });
  });

  it('survives process.exit, an uncaught async error and an unhandled rejection in the function', async () => {
    runtime.register(
      fn('Crashy', `exports.handler = async (event) => {
        if (event.mode === 'exit') process.exit(3);
        if (event.mode === 'uncaught') { setTimeout(() => { throw new RangeError('async boom'); }, 5); await new Promise((r) => setTimeout(r, 1000)); }
        if (event.mode === 'rejection') { Promise.reject(new Error('nobody listens')); await new Promise((r) => setTimeout(r, 1000)); }
        return 'fine';
      };`),
    );
    await expect(runtime.invoke('Crashy', { mode: 'exit' })).resolves.toMatchObject({ ok: false, errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: exit status 3' });
    await expect(runtime.invoke('Crashy', { mode: 'uncaught' })).resolves.toMatchObject({ ok: false, errorType: 'RangeError', errorMessage: 'async boom' });
    await expect(runtime.invoke('Crashy', { mode: 'rejection' })).resolves.toMatchObject({ ok: false, errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: nobody listens' });
    await expect(runtime.invoke('Crashy', {})).resolves.toMatchObject({ ok: true, result: 'fine' });
  });

  it("prefixes the function's stdout and stderr with its name and prints START/END/REPORT", async () => {
    runtime.register(fn('ConnectFunction', `exports.handler = async () => { console.log('hello from connect'); console.error('a warning\\nsecond line'); return null; };`));
    await runtime.invoke('ConnectFunction', {});
    // Worker stdio is asynchronous: wait for its last line (REPORT comes after the function's own output).
    await waitUntil(() => lines.some((l) => l.startsWith('[ConnectFunction] REPORT')) && lines.includes('[ConnectFunction] second line'), 'the worker output');
    expect(lines).toContain('[ConnectFunction] hello from connect');
    expect(lines).toContain('[ConnectFunction] a warning');
    expect(lines).toContain('[ConnectFunction] second line');
    expect(lines.some((l) => /^\[ConnectFunction\] START RequestId: [0-9a-f-]{36} Version: \$LATEST$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[ConnectFunction\] REPORT RequestId: .*Duration: [\d.]+ ms.*Init Duration/.test(l))).toBe(true);
  });

  it('reports each invocation\'s CPU time and its duration projected at the configured memory', async () => {
    runtime.register(fn('Busy', `exports.handler = async () => { const end = Date.now() + 60; let x = 0; while (Date.now() < end) x++; return x > 0; };`, { memoryMb: 128 }));
    runtime.register(fn('Idle', `exports.handler = async () => { await new Promise((r) => setTimeout(r, 60)); return true; };`, { memoryMb: 128 }));
    await runtime.invoke('Busy', {});
    await runtime.invoke('Idle', {});
    const report = (name: string) => lines.find((l) => l.startsWith(`[${name}] REPORT`))!;
    await waitUntil(() => report('Busy') !== undefined && report('Idle') !== undefined, 'both REPORT lines');
    const figures = (name: string) => {
      const m = /Duration: ([\d.]+) ms\t.*CPU Time: ([\d.]+) ms\tProjected Duration at 128 MB: ([\d.]+) ms/.exec(report(name));
      expect(m).not.toBeNull();
      return { duration: Number(m![1]), cpu: Number(m![2]), projected: Number(m![3]) };
    };
    const busy = figures('Busy');
    const idle = figures('Idle');
    // A busy loop runs on the CPU, a timer waits: the thread's own CPU time tells them apart.
    expect(busy.cpu).toBeGreaterThan(idle.cpu);
    expect(busy.cpu).toBeLessThanOrEqual(busy.duration);
    // The line rounds to 0.01 ms, which the 13.8× stretch at 128 MB makes up to 0.07 ms.
    expect(busy.projected).toBeCloseTo(projectedDurationMs(busy.duration, busy.cpu, 128), 0);
    expect(idle.projected).toBeCloseTo(projectedDurationMs(idle.duration, idle.cpu, 128), 0);
  });

  it('closes the file behind each environment\'s CPU clock once its worker has exited', async () => {
    // The files open in this process that are a thread's schedstat (Linux; elsewhere there are none). Node closes
    // a worker's files when it exits; the runtime must not keep one open past its environment either.
    const clocks = () => readdirSync('/proc/self/fd').filter((fd) => {
      try { return readlinkSync(`/proc/self/fd/${fd}`).endsWith('/schedstat'); } catch { return false; }
    }).length;
    const before = clocks();
    runtime.register(fn('Clocked', `exports.handler = async () => { await new Promise((r) => setTimeout(r, 30)); return 1; };`, { maxConcurrency: 4 }));
    await Promise.all([1, 2, 3].map(() => runtime.invoke('Clocked', {}))); // three environments, each with its clock
    expect(runtime.environmentCount('Clocked')).toBe(3);
    expect(clocks()).toBe(before + 3);
    await runtime.stop();
    await waitUntil(() => clocks() === before, 'every clock closed');
  });

  it('projects a duration by Lambda\'s CPU share of memory (a model)', () => {
    expect(projectedDurationMs(100, 40, 1769)).toBeCloseTo(100);
    expect(projectedDurationMs(100, 40, 3538)).toBeCloseTo(100);
    expect(projectedDurationMs(100, 40, 884.5)).toBeCloseTo(60 + 80);
    expect(projectedDurationMs(100, 0, 128)).toBeCloseTo(100);
    expect(cpuReport({ durationMs: 10 }, 128)).toBe('');
    expect(cpuReport({ durationMs: 10, cpuMs: 12 }, 1769)).toBe('\tCPU Time: 10.00 ms\tProjected Duration at 1769 MB: 10.00 ms');
  });

  it('round-trips results as JSON and resolves the runtime-provided AWS SDK', async () => {
    runtime.register(
      fn('Sdk', `const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
        exports.handler = async () => ({ when: new Date(0), nothing: undefined, client: typeof DynamoDBClient });`),
    );
    await expect(runtime.invoke('Sdk', {})).resolves.toMatchObject({ ok: true, result: { when: '1970-01-01T00:00:00.000Z', client: 'function' } });
  });

  it('provides the AWS SDK v3 packages (and @smithy) it installs to a function bundled without them, and only those', async () => {
    runtime.register(
      fn('External', `const { EventBridgeClient } = require('@aws-sdk/client-eventbridge');
        const { NodeHttpHandler } = require('@smithy/node-http-handler');
        exports.handler = async () => ({ client: typeof EventBridgeClient, handler: typeof NodeHttpHandler });`),
    );
    await expect(runtime.invoke('External', {})).resolves.toMatchObject({ ok: true, result: { client: 'function', handler: 'function' } });

    runtime.register(fn('MissingSdk', `require('@aws-sdk/client-not-a-service/dist-cjs'); exports.handler = async () => 1;`));
    const missing = await runtime.invoke('MissingSdk', {});
    expect(missing).toMatchObject({ ok: false, errorType: 'Runtime.ImportModuleError' });
    const message = (missing as { errorMessage: string }).errorMessage;
    expect(message).toContain("Cannot find module '@aws-sdk/client-not-a-service/dist-cjs'");
    expect(message).toContain('npm install @aws-sdk/client-not-a-service');
    expect(message).toContain('@aws-sdk/client-eventbridge');

    // Lambda's runtime provides the SDK, not the other packages installed beside the local cloud.
    runtime.register(fn('NotSdk', `require('jose'); exports.handler = async () => 1;`));
    await expect(runtime.invoke('NotSdk', {})).resolves.toMatchObject({ ok: false, errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining("Cannot find module 'jose'") });
  });

  it('rejects typed errors for an unknown function and after stop', async () => {
    await expect(runtime.invoke('Nope', {})).rejects.toMatchObject({ code: 'FunctionNotFound' });
    await expect(runtime.invoke('Nope', {})).rejects.toBeInstanceOf(LambdaRuntimeError);
    runtime.register(fn('Later', `exports.handler = async () => 1;`));
    expect(() => runtime.register(fn('Later', `exports.handler = async () => 1;`))).toThrow(expect.objectContaining({ code: 'FunctionAlreadyRegistered' }));
    await runtime.stop();
    await expect(runtime.invoke('Later', {})).rejects.toMatchObject({ code: 'RuntimeStopped' });
  });
});
