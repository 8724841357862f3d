import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateError } from './errors';

/** A CloudFormation template as CDK writes it. */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
  Parameters?: Record<string, unknown>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DependsOn?: string | string[];
}

/** One stack of a cloud assembly: its name, template and the assembly folder (assets are relative to it). */
export interface StackArtifact {
  stackName: string;
  template: CfnTemplate;
  assemblyDir: string;
}

/**
 * Reads the stack's template from a cloud assembly (`cdk.out`). With no `stackName`, the assembly must hold
 * exactly one stack.
 */
export function readStack(assemblyDir: string, stackName?: string): StackArtifact {
  const manifestPath = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new TemplateError(`no cloud assembly at ${assemblyDir} (manifest.json is missing). Run \`npx cdk synth\` first.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string }; displayName?: string }>;
  };
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const chosen = stackName ? stacks.filter(([id]) => id === stackName) : stacks;
  if (chosen.length !== 1) {
    const names = stacks.map(([id]) => id).join(', ') || 'none';
    throw new TemplateError(
      stackName
        ? `stack "${stackName}" is not in ${assemblyDir} (stacks: ${names}).`
        : `${assemblyDir} holds ${stacks.length} stacks (${names}); name the one to run with --stack.`,
    );
  }
  const [id, artifact] = chosen[0];
  const templateFile = artifact.properties?.templateFile;
  if (!templateFile) throw new TemplateError(`stack "${id}" has no templateFile in manifest.json.`);
  const template = JSON.parse(readFileSync(join(assemblyDir, templateFile), 'utf8')) as CfnTemplate;
  if (!template.Resources) throw new TemplateError(`stack "${id}": the template has no Resources.`);
  return { stackName: id, template, assemblyDir };
}
