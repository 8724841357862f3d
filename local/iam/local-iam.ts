import type { AwsRequest } from '../aws-endpoint';
import type { CloudEventSink } from '../console/event-hub';
import type { AwsServiceError } from '../aws-wire';
import type { ManagementAuthorizer } from '../gateway/types';
import type { FunctionModel, RoleModel } from '../template/model';
import { accessDeniedError, accessDeniedMessage, assumedRoleArn } from './access-denied';
import { accessKeyIdOf, functionAccessKeyId } from './credentials';
import { evaluate, type NamedPolicy, type PolicyStatement } from './policy';
import { manageConnectionsPermission, requiredPermissions, type RequiredPermission } from './requests';

/** A function as a caller of AWS: its access key id, the session ARN it calls as, and its role's policies. */
interface FunctionPrincipal {
  /** The function's name. */
  readonly name: string;
  readonly arn: string;
  readonly policies: readonly NamedPolicy[];
}

/** A denied request: AWS's message, to answer with the service's error. */
export interface AccessDenied {
  readonly message: string;
}

/**
 * IAM for the local cloud: each function calls with its own access key id (`functionAccessKeyId`), mapped
 * here to its execution role's identity-based policies from the template. A caller whose key is not a
 * function's (tests, the CLI, `npm run publish`) is not restricted, like an administrator.
 */
export class LocalIam {
  private readonly principals = new Map<string, FunctionPrincipal>();
  private readonly roles = new Map<string, readonly NamedPolicy[]>();
  private readonly reported = new Set<string>();

  constructor(
    model: { readonly functions: readonly Pick<FunctionModel, 'name' | 'roleArn'>[]; readonly roles: readonly RoleModel[] },
    private readonly log: (line: string) => void,
    private readonly events?: CloudEventSink,
  ) {
    for (const role of model.roles) this.roles.set(role.arn, role.policies);
    for (const fn of model.functions) {
      const role = model.roles.find((r) => r.arn === fn.roleArn);
      if (!role) {
        if (fn.roleArn) log(`${fn.name}'s role ${fn.roleArn} is not a role of this stack: its calls are not checked`);
        continue;
      }
      this.principals.set(functionAccessKeyId(fn.name), { name: fn.name, arn: assumedRoleArn(role.name, fn.name), policies: role.policies });
    }
  }

  /** `undefined` when the caller may make every one of `permissions`, else why the first one is denied. */
  check(accessKeyId: string | undefined, permissions: readonly RequiredPermission[]): AccessDenied | undefined {
    const principal = accessKeyId === undefined ? undefined : this.principals.get(accessKeyId);
    if (!principal) return undefined;
    for (const permission of permissions) {
      const decision = evaluate(principal.policies, permission.action, permission.resource, (policy, s) => this.reportCondition(policy, s));
      if (!decision.allowed) {
        const message = accessDeniedMessage(principal.arn, permission, decision.reason);
        this.log(`denied: ${message}`);
        this.events?.publish('iam-denied', `${principal.name}: ${permission.action} on ${permission.resource} denied`, { function: principal.name, action: permission.action, resource: permission.resource, message });
        return { message };
      }
    }
    return undefined;
  }

  /**
   * `undefined` when a role of the stack may make every one of `permissions` (a service calling as the role it
   * was given: EventBridge as a rule target's `RoleArn`), else why the first one is denied. A role that is not
   * the stack's is denied: the local cloud cannot know its policies.
   */
  checkRole(roleArn: string, permissions: readonly RequiredPermission[]): AccessDenied | undefined {
    const policies = this.roles.get(roleArn);
    const caller = `arn:aws:sts::${roleArn.split(':')[4]}:assumed-role/${roleArn.replace(/^.*:role\//, '')}/local`;
    for (const permission of permissions) {
      const decision = policies ? evaluate(policies, permission.action, permission.resource, (policy, s) => this.reportCondition(policy, s)) : { allowed: false as const, reason: 'no-allow' as const };
      if (!decision.allowed) {
        const message = accessDeniedMessage(caller, permission, decision.reason);
        this.log(`denied: ${message}`);
        this.events?.publish('iam-denied', `${roleArn.replace(/^.*:role\//, '')}: ${permission.action} on ${permission.resource} denied`, { role: roleArn, action: permission.action, resource: permission.resource, message });
        return { message };
      }
    }
    return undefined;
  }

  private reportCondition(policy: string, statement: PolicyStatement): void {
    const key = `${policy} ${JSON.stringify(statement)}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const effect = statement.Effect === 'Allow' ? 'allows as if the condition held' : 'does not deny';
    this.log(`the Condition ${JSON.stringify(statement.Condition)} of a statement of ${policy}${statement.Sid ? ` (${statement.Sid})` : ''} is not evaluated locally; the statement ${effect}`);
  }
}

/** The AWS endpoint's `authorize`: a function's request its role does not allow is answered with the service's AccessDeniedException. */
export function endpointAuthorizer(iam: LocalIam): (request: AwsRequest) => AwsServiceError | undefined {
  return (request) => {
    const denied = iam.check(accessKeyIdOf(request.authorization), requiredPermissions(request.targetPrefix, request.operation, request.input));
    return denied && accessDeniedError(request.targetPrefix, denied.message);
  };
}

/** The management API's `authorize`: `execute-api:ManageConnections` on `<api>/<stage>/<METHOD>/@connections/<id>`. */
export function managementAuthorizer(iam: LocalIam, apiId: string, stage: string): ManagementAuthorizer {
  return (request) => iam.check(accessKeyIdOf(request.authorization), [manageConnectionsPermission(apiId, stage, request.method, request.connectionId)])?.message;
}
