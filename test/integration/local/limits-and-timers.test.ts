import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { waitUntil } from '../../support/wait-until';
import { TestClient } from '../../support/ws-client';

/** API Gateway's limits and timers, run by the local cloud with the timers scaled down. */
describe('local cloud: API Gateway limits and timers', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ limits: { idleTimeoutMs: 400, maxConnectionMs: 1500 } });
  }, 90_000);
  afterAll(() => cloud?.stop());

  it('closes a connection that sends a frame over 32 KB with 1009', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    c.send(JSON.stringify({ action: 'ping', pad: 'x'.repeat(33 * 1024) }));
    expect(await c.closed()).toBe(1009);
  });

  it('closes an idle connection with 1001, and keeps one that talks', async () => {
    const idle = await TestClient.connect(cloud.webSocketUrl);
    const chatty = await TestClient.connect(cloud.webSocketUrl);
    const timer = setInterval(() => chatty.send({ action: 'ping' }), 150);
    try {
      expect(await idle.closed(3000)).toBe(1001);
      expect(chatty.closeCode).toBeUndefined();
    } finally {
      clearInterval(timer);
    }
    // ...until the lifetime limit closes it too.
    const lifetime = setInterval(() => chatty.send({ action: 'ping' }), 150);
    try {
      expect(await chatty.closed(4000)).toBe(1001);
    } finally {
      clearInterval(lifetime);
    }
  });

  it('runs $disconnect for a connection the gateway closed', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    await c.subscribe('timers');
    await c.closed(3000);
    await waitUntil(() => cloud.lines.some((l) => /disconnect .* 1001/.test(l)), 'the gateway to log the disconnect');
    expect(cloud.lines.some((l) => /disconnect .* 1001/.test(l))).toBe(true);
  });
});
