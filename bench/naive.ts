/**
 * The naive peer, as the AWS sample pushes: ONE unpaginated Scan of the connections table, then an unbounded
 * Promise.all of PostToConnection on the SDK's default management-API client (default agent, default
 * retries). Runs as its own process (like a Lambda would), against the same local table, gateway and
 * subscribers as the push path. IPC:
 *   parent → {cmd:'push', eventId, data, callbackUrl, awsEndpoint, table}
 *   child  → {type:'pushed', eventId, scanned, posted, failed}
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION } from '../local/aws-wire';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let dynamo: DynamoDBClient | undefined;
let api: ApiGatewayManagementApiClient | undefined;

process.on('message', async (m: { cmd: string; eventId: string; data: unknown; callbackUrl: string; awsEndpoint: string; table: string }) => {
  if (m.cmd !== 'push') return;
  dynamo ??= new DynamoDBClient({ endpoint: m.awsEndpoint, region: LOCAL_REGION, credentials });
  api ??= new ApiGatewayManagementApiClient({ endpoint: m.callbackUrl, region: LOCAL_REGION, credentials });
  const scan = await dynamo.send(new ScanCommand({ TableName: m.table }));
  const ids = (scan.Items ?? []).filter((i) => i.sk?.S === 'meta').map((i) => i.connectionId!.S!);
  const data = Buffer.from(JSON.stringify({ type: 'message', id: m.eventId, data: m.data }));
  let failed = 0;
  await Promise.all(
    ids.map((id) => api!.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })).catch(() => void failed++)),
  );
  process.send?.({ type: 'pushed', eventId: m.eventId, scanned: ids.length, posted: ids.length - failed, failed });
});
process.on('disconnect', () => process.exit(0));
