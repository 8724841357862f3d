import type { NamedPolicy, PolicyStatement } from '../../iam/policy';
import type { TemplateReader } from '../template-reader';

/** Resource types this reader reads. */
export const IAM_RESOURCE_TYPES = ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'] as const;

/** A role of the stack with the identity-based policies the template gives it, resolved to local ARNs. */
export interface RoleModel {
  logicalId: string;
  /** The role name (`RoleName`, or the logical id). */
  name: string;
  arn: string;
  /** Inline `Policies`, and every `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` whose `Roles` name it. */
  policies: NamedPolicy[];
  /** `ManagedPolicyArns` (AWS managed policies, such as Lambda's basic execution role): not evaluated locally. */
  managedPolicyArns: string[];
}

const statementsOf = (document: unknown): PolicyStatement[] => {
  const s = (document as { Statement?: unknown } | undefined)?.Statement;
  return (Array.isArray(s) ? s : s ? [s] : []) as PolicyStatement[];
};

/** The stack's roles with their policies. */
export function readRoles(t: TemplateReader): RoleModel[] {
  const attached = [...t.resources('AWS::IAM::Policy'), ...t.resources('AWS::IAM::ManagedPolicy')].map(([id, res]) => {
    const p = t.props(id, res);
    return { name: String(p.PolicyName ?? p.ManagedPolicyName ?? id), roles: (p.Roles ?? []) as string[], statements: statementsOf(p.PolicyDocument) };
  });
  return t.resources('AWS::IAM::Role').map(([id, res]) => {
    const p = t.props(id, res);
    const name = t.resolver.physicalName(id);
    const inline = ((p.Policies ?? []) as { PolicyName?: string; PolicyDocument?: unknown }[])
      .map((x) => ({ name: String(x.PolicyName ?? id), statements: statementsOf(x.PolicyDocument) }));
    return {
      logicalId: id,
      name,
      arn: t.resolver.arn(id),
      policies: [...inline, ...attached.filter((a) => a.roles.includes(name)).map((a) => ({ name: a.name, statements: a.statements }))],
      managedPolicyArns: ((p.ManagedPolicyArns ?? []) as unknown[]).map(String),
    };
  });
}
