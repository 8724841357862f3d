import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PushPublisher } from '../../../publisher';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { TestClient } from '../../support/ws-client';

/** The publisher helper against the local cloud's real EventBridge, rule and push function. */
describe('publisher against the local cloud', () => {
  let cloud: TestCloud;
  let publisher: PushPublisher;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    cloud = await startTestCloud();
    const client = new EventBridgeClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    publisher = new PushPublisher({ client, eventBusName: cloud.outputs.EventBusName, source: 'test.publisher' });
  }, 90_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await cloud?.stop();
  });

  it('reaches a subscriber with the event id it returned', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    clients.push(c);
    await c.subscribe('pub-scores');
    const id = await publisher.toChannel('pub-scores', { home: 3 });
    expect(await c.next((m) => m.type === 'message' && m.id === id)).toMatchObject({ channel: 'pub-scores', data: { home: 3 } });
  });

  it('delivers every entry of a batch of 25 (three PutEvents calls)', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    clients.push(c);
    await c.subscribe('pub-batch');
    const results = await publisher.publishAll(Array.from({ length: 25 }, (_, i) => ({ channel: 'pub-batch', data: i })));
    expect(results.every((r) => r.ok)).toBe(true);
    await cloud.idle();
    const ids = results.map((r) => (r.ok ? r.eventId : ''));
    await c.next(() => c.messages().length >= 25, 10_000).catch(() => undefined);
    expect(new Set(c.messages().map((m) => m.id))).toEqual(new Set(ids));
  });
});
