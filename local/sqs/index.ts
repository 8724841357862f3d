export { LocalSqs, type LocalSqsOptions, type QueueDefinition } from './local-sqs';
export { queueArn, queueNameOf, queueUrl } from './addresses';
export {
  SqsEventSourceMapping,
  partialFailures,
  type SqsConsumerOptions,
  type SqsEvent,
  type SqsEventRecord,
  type ConsumerInvokeResult,
} from './event-source-mapping';
export { md5OfMessageBody, md5OfMessageAttributes, type SqsMessageAttributeValue } from './md5';
export { sqsError, type SqsErrorShape } from './errors';
export { startSqs, type RunningSqs, type SqsDeps } from './start';
