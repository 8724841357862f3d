/** IAM enforced locally: the functions' credentials, their roles' policies, and AWS's access-denied answers. */
export { endpointAuthorizer, LocalIam, managementAuthorizer, type AccessDenied } from './local-iam';
export { evaluate, matchesPattern, type Decision, type NamedPolicy, type PolicyStatement } from './policy';
export { accessKeyIdOf, functionAccessKeyId } from './credentials';
export { manageConnectionsPermission, requiredPermissions, type RequiredPermission } from './requests';
export { accessDeniedError, accessDeniedMessage, assumedRoleArn } from './access-denied';
