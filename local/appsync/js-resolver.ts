import { randomUUID } from 'node:crypto';
import { createContext, Script } from 'node:vm';
import type { AppSyncResolverModel } from '../template/model';
import { ResolverError } from './errors';

/** What a resolver's handlers see as `ctx` (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-object-reference-js.html). */
export interface ResolverContext {
  arguments: Record<string, unknown>;
  args: Record<string, unknown>;
  identity: unknown;
  source: unknown;
  stash: Record<string, unknown>;
  request: { headers: Record<string, string> };
  info: { fieldName: string; parentTypeName: string; variables: Record<string, unknown> };
  result?: unknown;
  error?: { message: string; type?: string };
}

/** An `appendError` a resolver made: the field keeps its value and the error is listed. */
export interface AppendedError {
  message: string;
  errorType?: string;
  data?: unknown;
  errorInfo?: unknown;
}

/** `runtime.earlyReturn(obj)`: skip the data source and the response handler; `obj` is the result. */
class EarlyReturn {
  constructor(readonly value: unknown) {}
}

/** The APPSYNC_JS handlers of a resolver, compiled once. */
interface Handlers {
  request?: (ctx: unknown) => unknown;
  response?: (ctx: unknown) => unknown;
}

/** How long one handler may run (the sandbox has no I/O; a loop would hold the local cloud). */
const HANDLER_TIMEOUT_MS = 1000;

/**
 * Turns the resolver's module into a script: AppSync's JS runtime is an ES module importing its utilities from
 * `@aws-appsync/utils` (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-overview-js.html);
 * here `util` and `runtime` are globals of the sandbox, so those imports are dropped and `export` removed.
 * Other imports (`@aws-appsync/utils/dynamodb`…) are not available locally and are refused.
 */
function scriptOf(code: string, where: string): string {
  const other = /^\s*import\s[^;]*?from\s+['"](?!@aws-appsync\/utils['"])([^'"]+)['"]/m.exec(code);
  if (other) throw new ResolverError(`${where}: the resolver imports ${other[1]}, which the local AppSync does not provide (only util and runtime of @aws-appsync/utils).`, 'LocalNotSupported', null, null);
  // `export { a as request, response }` (how bundlers such as esbuild end a module): the names it exports.
  const exported = new Map<string, string>([['request', 'request'], ['response', 'response']]);
  const body = code
    .replace(/^\s*import\s[^;]*?from\s+['"]@aws-appsync\/utils['"];?/gm, '')
    .replace(/\bexport\s*\{([^}]*)\};?/g, (_all, list: string) => {
      for (const item of list.split(',').map((x) => x.trim()).filter(Boolean)) {
        const [local, as = local] = item.split(/\s+as\s+/);
        exported.set(as, local);
      }
      return '';
    })
    .replace(/\bexport\s+(?=(async\s+)?function\b|const\b|let\b|var\b)/g, '');
  const pick = (name: string) => `typeof ${exported.get(name)} === 'function' ? ${exported.get(name)} : undefined`;
  return `${body}\n;({ request: ${pick('request')}, response: ${pick('response')} })`;
}

/** The part of AppSync's `util` the local runtime provides (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html). */
function utilFor(appended: AppendedError[]) {
  return {
    error: (message: string, errorType?: string, data?: unknown, errorInfo?: unknown) => {
      throw new ResolverError(String(message), errorType, data ?? null, errorInfo ?? null);
    },
    appendError: (message: string, errorType?: string, data?: unknown, errorInfo?: unknown) => {
      appended.push({ message: String(message), errorType, data, errorInfo });
    },
    autoId: () => randomUUID(),
    isNull: (v: unknown) => v === null || v === undefined,
    isNullOrEmpty: (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0),
    time: {
      nowISO8601: () => new Date().toISOString(),
      nowEpochSeconds: () => Math.floor(Date.now() / 1000),
      nowEpochMilliSeconds: () => Date.now(),
    },
  };
}

/**
 * A unit resolver with the APPSYNC_JS runtime, run in `node:vm`: `request(ctx)` → the data source → `ctx.result`
 * → `response(ctx)`. Only the NONE data source runs locally: it returns the request's `payload`
 * (https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-none-js.html). A VTL resolver, a
 * pipeline resolver or another data source is not run: the field fails with a `LocalNotSupported` error that
 * says so (the rest of the API still runs).
 */
export class JsResolver {
  private handlers?: Handlers;
  private readonly appended: AppendedError[] = [];
  private readonly sandbox: object;

  constructor(private readonly model: AppSyncResolverModel, private readonly dataSourceType: string | undefined) {
    this.sandbox = createContext({
      util: utilFor(this.appended),
      runtime: { earlyReturn: (value: unknown) => { throw new EarlyReturn(value); } },
      console: { log: () => {}, error: () => {}, warn: () => {}, info: () => {}, debug: () => {} },
    });
  }

  private get where(): string {
    return `${this.model.typeName}.${this.model.fieldName}`;
  }

  private compiled(): Handlers {
    if (this.handlers) return this.handlers;
    const notRun = (why: string) => new ResolverError(`${this.where}: ${why}`, 'LocalNotSupported', null, null);
    if (this.model.kind !== 'UNIT') throw notRun('pipeline resolvers are not run by the local AppSync; use a unit resolver.');
    if (this.model.runtime !== 'APPSYNC_JS' || this.model.code === undefined) throw notRun('VTL resolvers (and APPSYNC_JS ones without inline Code) are not run by the local AppSync; use an APPSYNC_JS resolver with inline code.');
    if (this.dataSourceType !== 'NONE') throw notRun(`data sources of type ${this.dataSourceType ?? '(none)'} are not run by the local AppSync; only NONE is.`);
    try {
      this.handlers = new Script(scriptOf(this.model.code, this.where), { filename: `${this.model.logicalId}.js` }).runInContext(this.sandbox, { timeout: HANDLER_TIMEOUT_MS }) as Handlers;
    } catch (error) {
      if (error instanceof ResolverError) throw error;
      throw new ResolverError(`${this.where}: the resolver's code does not load: ${(error as Error).message}`, 'Code', null, null);
    }
    return this.handlers;
  }

  /** Runs the resolver; `appended` receives the `util.appendError`s. Throws a ResolverError for `util.error` or a failing handler. */
  resolve(ctx: ResolverContext, appended: AppendedError[]): unknown {
    const handlers = this.compiled();
    this.appended.length = 0;
    // The handlers get a copy in plain JSON: nothing of the host's objects leaks into the sandbox.
    const sandboxCtx = JSON.parse(JSON.stringify(ctx)) as ResolverContext;
    try {
      const request = handlers.request ? this.call(handlers.request, sandboxCtx) : {};
      sandboxCtx.result = (request as { payload?: unknown } | null)?.payload ?? null;
      return handlers.response ? this.call(handlers.response, sandboxCtx) : sandboxCtx.result;
    } catch (error) {
      if (error instanceof EarlyReturn) return error.value;
      throw error;
    } finally {
      appended.push(...this.appended);
    }
  }

  private call(handler: (ctx: unknown) => unknown, ctx: ResolverContext): unknown {
    try {
      const run = new Script('handler(ctx)');
      return run.runInContext(Object.assign(this.sandbox, { handler, ctx }), { timeout: HANDLER_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof ResolverError || error instanceof EarlyReturn) throw error;
      // An exception of the code itself: AppSync reports it as a Code error of the field.
      throw new ResolverError(`${this.where}: ${(error as Error)?.message ?? String(error)}`, 'Code', null, null);
    }
  }
}
