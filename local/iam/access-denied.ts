import { AwsServiceError, LOCAL_ACCOUNT } from '../aws-wire';
import { DYNAMODB_TARGET_PREFIX } from '../../shared/dynamodb-wire';
import type { Decision } from './policy';
import type { RequiredPermission } from './requests';

/** The ARN a function's calls are made as: its execution role's session, named after the function (as Lambda names it). */
export function assumedRoleArn(roleName: string, functionName: string): string {
  return `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${roleName}/${functionName}`;
}

/**
 * AWS's sentence for a denied request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html): the caller, the action,
 * the resource and why (no `Allow`, or an explicit `Deny`). SQS spells the action in lower case
 * (`sqs:sendmessage`), as its answers do.
 */
export function accessDeniedMessage(caller: string, permission: RequiredPermission, reason: Extract<Decision, { allowed: false }>['reason']): string {
  const action = permission.action.startsWith('sqs:') ? permission.action.toLowerCase() : permission.action;
  const why = reason === 'explicit-deny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  return `User: ${caller} is not authorized to perform: ${action} on resource: ${permission.resource} ${why}`;
}

/**
 * The error each service answers a denied request with:
 * DynamoDB (JSON 1.0) `com.amazon.coral.service#AccessDeniedException` with `Message`, HTTP 400;
 * EventBridge `AccessDeniedException`, HTTP 400;
 * SQS (JSON, query compatible) `AccessDenied` in `x-amzn-query-error`, HTTP 403, as its query protocol answers it.
 */
export function accessDeniedError(targetPrefix: string, message: string): AwsServiceError {
  switch (targetPrefix) {
    case DYNAMODB_TARGET_PREFIX:
      return new AwsServiceError('com.amazon.coral.service#AccessDeniedException', message, 400, { messageField: 'Message' });
    case 'AmazonSQS':
      return new AwsServiceError('com.amazon.coral.service#AccessDeniedException', message, 403, { queryError: 'AccessDenied;Sender' });
    default:
      return new AwsServiceError('AccessDeniedException', message, 400);
  }
}
