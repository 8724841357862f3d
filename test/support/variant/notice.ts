import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';

const client = new ApiGatewayManagementApiClient({ endpoint: process.env.CALLBACK_URL });

/** The variant stack's `Notice` rule target: posts the notice to the connection the event names. */
export const handler = async (event: { id: string; detail: { connectionId: string; level: string; text: string } }) => {
  await client.send(new PostToConnectionCommand({
    ConnectionId: event.detail.connectionId,
    Data: JSON.stringify({ type: 'notice', id: event.id, level: event.detail.level, text: event.detail.text }),
  }));
};
