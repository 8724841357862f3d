/**
 * IAM identity-based policy evaluation, as AWS describes it for a single account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit `Deny` wins, else an `Allow` allows, else the request is implicitly denied.
 * Permissions boundaries, session policies, SCPs and resource-based policies are not part of it.
 */

/** One statement of a policy document, its intrinsics already resolved. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, unknown>;
}

/** A named policy: an `AWS::IAM::Policy`, or one of a role's inline `Policies`. */
export interface NamedPolicy {
  readonly name: string;
  readonly statements: readonly PolicyStatement[];
}

/** The outcome of evaluating one request. */
export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'explicit-deny' | 'no-allow' };

/**
 * A statement with a `Condition` is not evaluated locally (its keys come from the request context that the
 * local cloud does not model). It is told once through this callback, then applied as if the condition held
 * for an `Allow` and as if it did not for a `Deny`: the local cloud errs towards allowing, and says so.
 */
export type ConditionReporter = (policy: string, statement: PolicyStatement) => void;

const asList = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/**
 * Whether `value` matches an IAM pattern with `*` (any run of characters) and `?` (one character).
 * Actions compare case-insensitively, resource ARNs case-sensitively.
 */
export function matchesPattern(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let compiled = compiledPatterns.get(key);
  if (!compiled) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    compiled = new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
    if (compiledPatterns.size >= COMPILED_PATTERNS_KEPT) compiledPatterns.clear();
    compiledPatterns.set(key, compiled);
  }
  return compiled.test(value);
}

/**
 * Each pattern compiled once: a function's every call is checked against all of its role's statements. The
 * authorizer's policies can name per-connection resources, hence the bound.
 */
const compiledPatterns = new Map<string, RegExp>();
const COMPILED_PATTERNS_KEPT = 1000;

function statementApplies(s: PolicyStatement, action: string, resource: string): boolean {
  const actionMatch = s.NotAction !== undefined
    ? !asList(s.NotAction).some((p) => matchesPattern(p, action, true))
    : asList(s.Action).some((p) => matchesPattern(p, action, true));
  if (!actionMatch) return false;
  return s.NotResource !== undefined
    ? !asList(s.NotResource).some((p) => matchesPattern(p, resource, false))
    : asList(s.Resource).some((p) => matchesPattern(p, resource, false));
}

/** Evaluates `action` on `resource` against every policy of a principal. */
export function evaluate(policies: readonly NamedPolicy[], action: string, resource: string, onCondition: ConditionReporter = () => {}): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const s of policy.statements) {
      if (!statementApplies(s, action, resource)) continue;
      const conditional = s.Condition !== undefined && Object.keys(s.Condition).length > 0;
      if (conditional) onCondition(policy.name, s);
      if (s.Effect === 'Deny' && !conditional) return { allowed: false, reason: 'explicit-deny' };
      if (s.Effect === 'Allow') allowed = true;
    }
  }
  return allowed ? { allowed: true } : { allowed: false, reason: 'no-allow' };
}
