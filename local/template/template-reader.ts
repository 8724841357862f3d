import type { CfnResource, StackArtifact } from './assembly';
import { IntrinsicResolver, type LocalUrls } from './intrinsics';

/** What every resource reader gets: the stack, and its resources with intrinsics resolved to local values. */
export interface TemplateReader {
  readonly stack: StackArtifact;
  readonly resolver: IntrinsicResolver;
  /** The template's resources of one type, as `[logicalId, resource]`. */
  resources(type: string): [string, CfnResource][];
  /** A resource's `Properties` with every intrinsic resolved. */
  props(logicalId: string, res: CfnResource): Record<string, any>;
}

/** A reader of `stack` whose intrinsics resolve to `urls` (the ports are bound before the template is read). */
export function templateReader(stack: StackArtifact, urls: LocalUrls): TemplateReader {
  const resolver = new IntrinsicResolver(stack.template, stack.stackName, urls);
  return {
    stack,
    resolver,
    resources: (type) => Object.entries(stack.template.Resources).filter(([, res]) => res.Type === type),
    props: (id, res) => resolver.resolve(res.Properties ?? {}, id) as Record<string, any>,
  };
}
