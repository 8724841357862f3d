import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { AwsJsonService, AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION } from '../../../../local/aws-wire';
import { LocalEventBridge } from '../../../../local/eventbridge/event-bridge';

/**
 * A tiny stand-in for the real router: reads `X-Amz-Target` and the JSON body, calls `handle`, and answers
 * as AWS JSON 1.1 does (errors: status 400, `{"__type", "message"}`, `x-amzn-ErrorType`).
 */
function serve(service: AwsJsonService): Promise<Server> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const [prefix, operation] = String(req.headers['x-amz-target'] ?? '').split('.');
      if (prefix !== service.targetPrefix) throw new AwsServiceError('UnknownOperationException', `Unknown target ${prefix}`);
      const text = Buffer.concat(chunks).toString('utf8');
      reply(200, await service.handle(operation, text ? JSON.parse(text) : {}));
    } catch (error) {
      const e = error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailure', String(error), 500);
      reply(e.statusCode, { __type: e.type, message: e.message }, { 'x-amzn-ErrorType': e.type });
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('LocalEventBridge through the AWS SDK', () => {
  const delivered: Array<{ arn: string; payload: any }> = [];
  const eb = new LocalEventBridge({
    deliver: async (arn, payload) => { delivered.push({ arn, payload }); },
    sendToDeadLetter: async () => {},
    log: () => {},
  });
  const FN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:PushFunction`;
  let server: Server;
  let client: EventBridgeClient;

  beforeAll(async () => {
    eb.addBus('websocket-push');
    eb.addRule({ name: 'PushRule', busName: 'websocket-push', eventPattern: { 'detail-type': ['WebSocketPush'] }, targets: [{ id: 'push', arn: FN }] });
    server = await serve(eb);
    const { port } = server.address() as AddressInfo;
    client = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await eb.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('PutEvents: accepts, reports per-entry errors, and delivers the matching event', async () => {
    const time = new Date('2026-03-04T05:06:07.890Z');
    const out = await client.send(new PutEventsCommand({
      Entries: [
        { EventBusName: 'websocket-push', Source: 'app.test', DetailType: 'WebSocketPush', Detail: JSON.stringify({ channel: 'scores', data: 1 }), Time: time },
        { EventBusName: 'websocket-push', Source: 'app.test', DetailType: 'WebSocketPush', Detail: 'not json' },
      ],
    }));
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0].EventId).toBeDefined();
    expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    await eb.idle();
    expect(delivered).toHaveLength(1);
    expect(delivered[0].arn).toBe(FN);
    expect(delivered[0].payload).toMatchObject({ id: out.Entries?.[0].EventId, time: '2026-03-04T05:06:07Z', detail: { channel: 'scores', data: 1 } });
  });

  it('PutEvents with more than 10 entries fails with a ValidationException the SDK understands', async () => {
    const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
  });

  it('TestEventPattern: returns Result and raises InvalidEventPatternException', async () => {
    const event = JSON.stringify({
      id: '1', account: LOCAL_ACCOUNT, source: 'app.test', time: '2026-01-01T00:00:00Z', region: LOCAL_REGION,
      resources: [], 'detail-type': 'WebSocketPush', detail: { n: 7 },
    });
    const yes = await client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[{"numeric":[">",5]}]}}', Event: event }));
    expect(yes.Result).toBe(true);
    const no = await client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[{"numeric":["<",5]}]}}', Event: event }));
    expect(no.Result).toBe(false);
    await expect(client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[{"wildcard":"a**"}]}}', Event: event })))
      .rejects.toMatchObject({ name: 'InvalidEventPatternException', message: expect.stringMatching(/^Event pattern is not valid\. Reason: Consecutive wildcard characters at pos 2\n/) });
  });

  it('lets the SDK inspect rules and targets', async () => {
    const rules = await client.send(new ListRulesCommand({ EventBusName: 'websocket-push' }));
    expect(rules.Rules?.map((r) => r.Name)).toEqual(['PushRule']);
    const rule = await client.send(new DescribeRuleCommand({ Name: 'PushRule', EventBusName: 'websocket-push' }));
    expect(rule.State).toBe('ENABLED');
    const targets = await client.send(new ListTargetsByRuleCommand({ Rule: 'PushRule', EventBusName: 'websocket-push' }));
    expect(targets.Targets?.[0]).toMatchObject({ Id: 'push', Arn: FN, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } });
    await expect(client.send(new DescribeRuleCommand({ Name: 'Missing', EventBusName: 'websocket-push' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
