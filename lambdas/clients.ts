import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createManagementApiClient } from './adapters/management-api-publisher';

/*
 * The SDK clients, created once per container on first use. Endpoints are never hard-coded: the SDK
 * itself honours AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_DYNAMODB / _SQS) from the environment, which is
 * how the local cloud and the tests point them at local services. The management API is the one
 * exception: its endpoint is the stage's CALLBACK_URL, given by the stack.
 */

let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;
const managementClients = new Map<string, ApiGatewayManagementApiClient>();

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

/** The management-API client of a stage, with `maxSockets` keep-alive sockets. */
export function getManagementApiClient(endpoint: string, maxSockets: number): ApiGatewayManagementApiClient {
  const key = `${endpoint} ${maxSockets}`;
  let client = managementClients.get(key);
  if (!client) {
    client = createManagementApiClient({ endpoint, maxSockets });
    managementClients.set(key, client);
  }
  return client;
}
