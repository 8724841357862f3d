import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PUSH_DETAIL_TYPE } from '../../../shared/events';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { TestClient } from '../../support/ws-client';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('local cloud: connect, subscribe, publish through EventBridge, receive', () => {
  let cloud: TestCloud;
  let events: EventBridgeClient;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    clients.push(c);
    return c;
  };
  const publish = async (detail: unknown) => {
    const out = await events.send(new PutEventsCommand({
      Entries: [{ EventBusName: cloud.outputs.EventBusName, Source: 'test', DetailType: PUSH_DETAIL_TYPE, Detail: JSON.stringify(detail) }],
    }));
    expect(out.FailedEntryCount).toBe(0);
    return out.Entries![0].EventId!;
  };

  beforeAll(async () => {
    cloud = await startTestCloud();
    events = new EventBridgeClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials });
  }, 60_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    events?.destroy();
    await cloud?.stop();
  });

  it('delivers a channel event to its subscribers only, with the event id', async () => {
    const [a, b, other] = [await connect(), await connect(), await connect()];
    await a.subscribe('scores');
    await b.subscribe('scores');
    await other.subscribe('news');
    const id = await publish({ channel: 'scores', data: { home: 2, away: 1 } });
    for (const c of [a, b]) {
      expect(await c.next((m) => m.type === 'message')).toEqual({ type: 'message', channel: 'scores', id, data: { home: 2, away: 1 } });
    }
    await cloud.idle();
    expect(other.messages()).toEqual([]);
  });
});
