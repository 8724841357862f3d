import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

const dynamodb = new DynamoDBClient({});
const events = new EventBridgeClient({});
const management = new ApiGatewayManagementApiClient({ endpoint: process.env.CALLBACK_URL });

/** The calls the probe can make: its role is granted PutEvents on the push bus only. */
const calls: Record<string, (connectionId: string) => Promise<unknown>> = {
  scan: () => dynamodb.send(new ScanCommand({ TableName: process.env.TABLE_NAME, Limit: 1 })),
  'put-events': () => events.send(new PutEventsCommand({ Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'probe', DetailType: 'Probe', Detail: '{}' }] })),
  'put-events-default-bus': () => events.send(new PutEventsCommand({ Entries: [{ Source: 'probe', DetailType: 'Probe', Detail: '{}' }] })),
  post: (connectionId) => management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"type":"self"}' })),
};

/** The variant stack's `probe` route: makes the AWS call the frame names and answers how it went. */
export const handler = async (event: { body?: string; requestContext: { connectionId: string } }) => {
  const { call } = JSON.parse(event.body ?? '{}') as { call: string };
  try {
    await calls[call](event.requestContext.connectionId);
    return { statusCode: 200, body: JSON.stringify({ type: 'probe', call, ok: true }) };
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { statusCode: 200, body: JSON.stringify({ type: 'probe', call, ok: false, name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }) };
  }
};
