import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { DynamoDbJsonClient } from './adapters/dynamodb-json-client';
import { SignedPostPublisher } from './adapters/signed-post-publisher';
import { readAwsRequestConfig } from './config';

/*
 * The SDK clients, created once per container on first use. Endpoints are never hard-coded: the SDK
 * itself honours AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_DYNAMODB / _SQS / _EVENTBRIDGE) from the environment, which is
 * how the local cloud and the tests point them at local services. The management API is the one
 * exception: its endpoint is the stage's CALLBACK_URL, given by the stack. Every post (pushes and presence
 * announcements) goes through the signed-post publisher instead of the SDK's management-API client, and each
 * frame's rate-limit call through the lean DynamoDB client (CPU per call: `npm run bench -- --post-cpu`).
 */

let documentClient: DynamoDBDocumentClient | undefined;
let dynamoDbJsonClient: DynamoDbJsonClient | undefined;
let sqsClient: SQSClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;
const signedPublishers = new Map<string, SignedPostPublisher>();

/** The DynamoDB document client (undefined attributes are dropped). */
export function getDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** The SQS client. */
export function getSqsClient(): SQSClient {
  sqsClient ??= new SQSClient({});
  return sqsClient;
}

/** The EventBridge client. */
export function getEventBridgeClient(): EventBridgeClient {
  eventBridgeClient ??= new EventBridgeClient({});
  return eventBridgeClient;
}

/**
 * The hot path's publisher of a stage: posts signed with SigV4 (`SignedRequester`) over `maxSockets` keep-alive
 * sockets, with the SDK's credential chain (on Lambda, the execution role's credentials in the environment)
 * and the region Lambda sets in `AWS_REGION`.
 */
export function getSignedPostPublisher(endpoint: string, maxSockets: number): SignedPostPublisher {
  const key = `${endpoint} ${maxSockets}`;
  let publisher = signedPublishers.get(key);
  if (!publisher) {
    publisher = new SignedPostPublisher({ endpoint, region: readAwsRequestConfig().region, credentials: defaultProvider(), maxSockets });
    signedPublishers.set(key, publisher);
  }
  return publisher;
}

/**
 * The lean DynamoDB client of the per-frame call (the rate limit): requests signed with SigV4 (`SignedRequester`),
 * with the SDK's credential chain, to the endpoint the SDK would use.
 */
export function getDynamoDbJsonClient(): DynamoDbJsonClient {
  if (!dynamoDbJsonClient) {
    const c = readAwsRequestConfig();
    dynamoDbJsonClient = new DynamoDbJsonClient({ endpoint: c.dynamodbEndpoint, region: c.region, credentials: defaultProvider() });
  }
  return dynamoDbJsonClient;
}
