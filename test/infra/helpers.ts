import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PushStackConfig } from '../../lib/config';
import { PushStack } from '../../lib/push-stack';

const ROOT = path.resolve(__dirname, '..', '..');

/** The feature flags of cdk.json, so tests synthesize what `cdk synth` synthesizes. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...cdkJson.context };
}

export interface BuildOptions {
  /** Configuration of the stack. */
  readonly config?: Partial<PushStackConfig>;
  /** Bundle the functions with esbuild (~1 s each); off, the assets are placeholders. Default false. */
  readonly bundle?: boolean;
  /** Extra context. */
  readonly context?: Record<string, unknown>;
}

/** An app with cdk.json's context, and a PushStack in it. */
export function buildStack(options: BuildOptions = {}): { app: App; stack: PushStack } {
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...options.context };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context });
  const stack = new PushStack(app, 'WebSocketPush', { config: options.config });
  return { app, stack };
}

/** The template of a PushStack built with `options`. */
export function synthTemplate(options: BuildOptions = {}): Template {
  return Template.fromStack(buildStack(options).stack);
}

/** The resources of one type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, any> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, any> }>;
}

/** Logical id of the function whose description starts with `prefix` (one must match). */
export function functionId(template: Template, prefix: string): string {
  const ids = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
    .filter(([, r]) => String(r.Properties.Description ?? '').startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one function described "${prefix}…", found ${ids.length}`);
  return ids[0];
}

/** The IAM statements attached to the role of a function, given the function's logical id. */
export function statementsOf(template: Template, fnId: string): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[fnId];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** Every action a function's role is allowed. */
export function actionsOf(template: Template, fnId: string): string[] {
  return statementsOf(template, fnId)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}
