import { AwsServiceError } from '../aws-wire';

/**
 * SQS's JSON errors: `__type` is `com.amazonaws.sqs#<Shape>` and, because SQS is `awsQueryCompatible`, every error
 * also carries `x-amzn-query-error: <legacy code>;Sender`. Codes and statuses follow the service model shipped in
 * `@aws-sdk/client-sqs` (its `awsQueryError` traits); unmodelled ones (`InvalidParameterValue`, `MissingParameter`)
 * use their Query-API names.
 */
const SHAPES = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  InvalidParameterValue: ['InvalidParameterValue', 400],
  MissingParameter: ['MissingParameter', 400],
  InvalidAction: ['InvalidAction', 400],
} as const;

/** Error shapes this emulation answers. */
export type SqsErrorShape = keyof typeof SHAPES;

/** Builds the `AwsServiceError` SQS would answer for `shape`. */
export function sqsError(shape: SqsErrorShape, message: string): AwsServiceError {
  const [queryCode, status] = SHAPES[shape];
  return new AwsServiceError(`com.amazonaws.sqs#${shape}`, message, status, { queryError: `${queryCode};Sender` });
}

/** The legacy (Query API) code of a shape, as batch results' `Code` carry it. */
export function sqsQueryCode(shape: SqsErrorShape): string {
  return SHAPES[shape][0];
}
