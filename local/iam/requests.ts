import { localArn } from '../aws-wire';
import { DYNAMODB_TARGET_PREFIX } from '../../shared/dynamodb-wire';

/** One permission a request needs: an IAM action on a resource ARN. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
}

type Input = Record<string, any>;

/** A table reference (a name or a table ARN) as an ARN, with its index when the request names one. */
function tableArn(ref: unknown, index?: unknown): string {
  const text = String(ref ?? '');
  const arn = text.startsWith('arn:') ? text : localArn('dynamodb', `table/${text}`);
  return index ? `${arn}/index/${String(index)}` : arn;
}

/** The transaction item kinds and the action each needs (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html). */
const TRANSACT_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

function dynamodb(operation: string, input: Input): RequiredPermission[] {
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys(input.RequestItems ?? {}).map((t) => ({ action: `dynamodb:${operation}`, resource: tableArn(t) }));
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return ((input.TransactItems ?? []) as Input[]).flatMap((item) =>
      Object.entries(item).filter(([kind]) => kind in TRANSACT_ACTIONS)
        .map(([kind, x]) => ({ action: `dynamodb:${TRANSACT_ACTIONS[kind]}`, resource: tableArn((x as Input).TableName) })));
  }
  const resource = input.TableName !== undefined ? tableArn(input.TableName, input.IndexName) : input.ResourceArn !== undefined ? String(input.ResourceArn) : '*';
  return [{ action: `dynamodb:${operation}`, resource }];
}

function events(operation: string, input: Input): RequiredPermission[] {
  if (operation === 'PutEvents') {
    const buses = new Set(((input.Entries ?? []) as Input[]).map((e) => String(e.EventBusName ?? 'default')).map((bus) => (bus.startsWith('arn:') ? bus : localArn('events', `event-bus/${bus}`))));
    return [...buses].map((resource) => ({ action: 'events:PutEvents', resource }));
  }
  return [{ action: `events:${operation}`, resource: '*' }];
}

/** SQS's batch operations need the permission of the single one (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html). */
const SQS_BATCH = /^(SendMessage|DeleteMessage|ChangeMessageVisibility)Batch$/;

function sqs(operation: string, input: Input): RequiredPermission[] {
  const name = input.QueueUrl !== undefined ? String(input.QueueUrl).split('/').pop() : input.QueueName;
  return [{ action: `sqs:${operation.replace(SQS_BATCH, '$1')}`, resource: name !== undefined ? localArn('sqs', String(name)) : '*' }];
}

/** The permissions a request to the AWS endpoint needs, by its `X-Amz-Target` prefix; `[]` for a service IAM does not guard here. */
export function requiredPermissions(targetPrefix: string, operation: string, input: Input): RequiredPermission[] {
  switch (targetPrefix) {
    case DYNAMODB_TARGET_PREFIX: return dynamodb(operation, input);
    case 'AWSEvents': return events(operation, input);
    case 'AmazonSQS': return sqs(operation, input);
    default: return [];
  }
}

/** `execute-api:ManageConnections` on `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/@connections/<id>`. */
export function manageConnectionsPermission(apiId: string, stage: string, method: string, connectionId: string): RequiredPermission {
  return { action: 'execute-api:ManageConnections', resource: localArn('execute-api', `${apiId}/${stage}/${method}/@connections/${connectionId}`) };
}
