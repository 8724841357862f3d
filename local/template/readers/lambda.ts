import { join } from 'node:path';
import { TemplateError } from '../errors';
import type { TemplateReader } from '../template-reader';
import type { QueueModel } from './sqs';

/** Resource types this reader reads. */
export const LAMBDA_RESOURCE_TYPES = ['AWS::Lambda::Function', 'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::EventSourceMapping'] as const;

/** A Lambda function the local runtime can run: its bundled asset folder, handler and settings. */
export interface FunctionModel {
  logicalId: string;
  name: string;
  arn: string;
  assetDir: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** `Environment.Variables`, resolved to local names and URLs. */
  environment: Record<string, string>;
  /** Asynchronous invocation settings (`AWS::Lambda::EventInvokeConfig`). */
  asyncRetries: number;
  maxEventAgeSeconds: number;
  onFailureArn?: string;
  /** `Role`: the ARN of the execution role, whose policies the local AWS endpoint enforces. */
  roleArn?: string;
}

export interface EventSourceMappingModel {
  logicalId: string;
  queueArn: string;
  functionName: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** `ScalingConfig.MaximumConcurrency`: most concurrent invocations. @default Lambda's (unset) */
  maxConcurrency?: number;
}

/** The stack's functions, with their asynchronous invocation settings. */
export function readFunctions(t: TemplateReader): FunctionModel[] {
  const invokeConfigs = t.resources('AWS::Lambda::EventInvokeConfig').map(([id, res]) => t.props(id, res));
  return t.resources('AWS::Lambda::Function').map(([id, res]) => {
    const p = res.Properties ?? {};
    const runtime = String(p.Runtime ?? '');
    if (!/^nodejs\d+\.x$/.test(runtime)) {
      throw new TemplateError(`runtime "${runtime}" cannot run locally; the local cloud runs Node.js functions (nodejs*.x).`, id);
    }
    const assetPath = res.Metadata?.['aws:asset:path'];
    if (!assetPath || res.Metadata?.['aws:asset:property'] !== 'Code') {
      throw new TemplateError(
        'its code is not a local asset (no aws:asset:path metadata). Build it from a local entry (NodejsFunction or Code.fromAsset) so the local cloud can run it.',
        id,
      );
    }
    const name = t.resolver.physicalName(id);
    const cfg = invokeConfigs.find((c) => c.FunctionName === name);
    return {
      logicalId: id,
      name,
      arn: t.resolver.arn(id),
      assetDir: join(t.stack.assemblyDir, assetPath),
      handler: String(p.Handler ?? 'index.handler'),
      runtime,
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMb: Number(p.MemorySize ?? 128),
      environment: environmentOf(t, id, p.Environment?.Variables ?? {}),
      asyncRetries: cfg?.MaximumRetryAttempts ?? 2,
      maxEventAgeSeconds: cfg?.MaximumEventAgeInSeconds ?? 21600,
      onFailureArn: cfg?.DestinationConfig?.OnFailure?.Destination,
      ...(p.Role !== undefined ? { roleArn: String(t.resolver.resolve(p.Role, id)) } : {}),
    };
  });
}

/** Variables with intrinsics resolved; a value that is not a string is passed as its JSON. */
function environmentOf(t: TemplateReader, logicalId: string, variables: unknown): Record<string, string> {
  const env = t.resolver.resolve(variables, logicalId) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** The function a template value points at: its ARN, an integration URI naming its ARN, or its name. */
export function functionByRef(functions: readonly FunctionModel[], ref: unknown, where: string): FunctionModel {
  const text = String(ref);
  const fn = functions.find((f) => text === f.arn || text.includes(`/functions/${f.arn}/invocations`) || text === f.name);
  if (!fn) throw new TemplateError(`it points at "${text}", which is not a function of this stack.`, where);
  return fn;
}

/** The event source mappings; only the stack's own SQS queues can be event sources locally. */
export function readEventSourceMappings(t: TemplateReader, functions: readonly FunctionModel[], queues: readonly QueueModel[]): EventSourceMappingModel[] {
  return t.resources('AWS::Lambda::EventSourceMapping').map(([id, res]) => {
    const p = t.props(id, res);
    const queueArn = String(p.EventSourceArn ?? '');
    if (!queues.some((q) => q.arn === queueArn)) {
      throw new TemplateError(`event source ${queueArn} is not a queue of this stack; only SQS event sources run locally.`, id);
    }
    return {
      logicalId: id,
      queueArn,
      functionName: functionByRef(functions, p.FunctionName, id).name,
      batchSize: Number(p.BatchSize ?? 10),
      maxBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: ((p.FunctionResponseTypes ?? []) as string[]).includes('ReportBatchItemFailures'),
      ...(p.ScalingConfig?.MaximumConcurrency !== undefined ? { maxConcurrency: Number(p.ScalingConfig.MaximumConcurrency) } : {}),
    };
  });
}
