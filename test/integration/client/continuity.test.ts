import WebSocket from 'ws';
import { PushClient, type ChannelMessage, type ConnectionState, type PushClientOptions, type WebSocketConstructor } from '../../../client/src';
import { CloudDriver, oneTo } from '../../support/continuity';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { waitUntil } from '../../support/wait-until';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PushClient over `ws` that records what it delivers, its states, gaps and the pongs its heartbeats got. */
function recordingClient(cloud: TestCloud, channel: string, options: Partial<PushClientOptions> = {}) {
  const received: ChannelMessage[] = [];
  const states: ConnectionState[] = [];
  const gaps: Array<{ from: number; to: number }> = [];
  let pongs = 0;
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.on('message', (data) => {
        if (/^\{"type":"pong"/.test(String(data))) pongs++;
      });
    }
  }
  const client = new PushClient({
    url: cloud.webSocketUrl,
    WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
    backoff: { initialDelayMs: 50, maxDelayMs: 300 },
    holeTimeoutMs: 300,
    catchUpDelayMs: 300,
    ...options,
  });
  client.on('state', (s) => states.push(s));
  client.on('gap', (g) => gaps.push({ from: g.from, to: g.to }));
  let confirmed = 0;
  client.on('subscribed', () => confirmed++);
  client.subscribe(channel, (m) => received.push(m));
  return { client, received, states, gaps, confirmedCount: () => confirmed, pongCount: () => pongs };
}

/** Publishes `n` events on `channel`, one every `everyMs`, running `during(i)` before event i. */
async function publishSeries(driver: CloudDriver, channel: string, n: number, everyMs: number, during: (i: number) => Promise<void> | void = () => undefined) {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    await during(i);
    ids.push(await driver.publish(channel, { i }));
    await sleep(everyMs);
  }
  return ids;
}

function expectExactlyOnceInOrder(received: ChannelMessage[], ids: string[]) {
  expect(received.map((m) => m.seq)).toEqual(oneTo(ids.length));
  expect(new Set(received.map((m) => m.id))).toEqual(new Set(ids));
}

type Recording = ReturnType<typeof recordingClient>;

/**
 * Opens a recording client on `channel` (added to `clients`, to close after the tests), waits for its
 * subscription, publishes `n` events one every `everyMs` (running `during(i, r)` before event i), waits
 * until they all arrived and expects each exactly once, in order. Returns the recording for more checks.
 */
async function expectSeriesDelivered(
  { cloud, driver, clients }: { cloud: TestCloud; driver: CloudDriver; clients: PushClient[] },
  channel: string,
  series: { n: number; everyMs: number; during?: (i: number, r: Recording) => Promise<void> | void; client?: Partial<PushClientOptions> },
): Promise<Recording> {
  const r = recordingClient(cloud, channel, series.client);
  clients.push(r.client);
  await waitUntil(() => r.confirmedCount() > 0, 'the subscription');
  const ids = await publishSeries(driver, channel, series.n, series.everyMs, (i) => series.during?.(i, r));
  await waitUntil(() => r.received.length >= ids.length, `${series.n} messages (got ${r.received.length})`);
  await cloud.idle();
  expectExactlyOnceInOrder(r.received, ids);
  return r;
}

describe('client continuity against the local cloud: cut connections lose nothing', () => {
  describe('with API Gateway\'s own timers', () => {
    let cloud: TestCloud;
    let driver: CloudDriver;
    const clients: PushClient[] = [];
    beforeAll(async () => {
      cloud = await startTestCloud();
      driver = new CloudDriver(cloud);
    }, 120_000);
    afterAll(async () => {
      clients.forEach((c) => c.close());
      driver?.destroy();
      await cloud?.stop();
    });

    it('a server-side close (management API DELETE) while events keep coming: every event once, in order', async () => {
      const r = await expectSeriesDelivered({ cloud, driver, clients }, 'cut-delete', {
        n: 12,
        everyMs: 40,
        during: async (i) => {
          if (i === 4 || i === 9) {
            // The registry may still list an earlier, already closed connection (410): cut every listed one
            // until the live connection is among them.
            await waitUntil(
              async () => (await Promise.all((await driver.subscribers('cut-delete')).map((id) => driver.disconnect(id)))).includes(204),
              'a live connection to cut',
            );
          }
        },
      });
      expect(r.states.filter((s) => s === 'reconnecting')).toHaveLength(2);
      expect(r.received.some((m) => m.replayed)).toBe(true);
      expect(r.gaps).toEqual([]);
    });

    it('a killed socket (no close frame, as a network drop) while events keep coming: every event once, in order', async () => {
      const r = await expectSeriesDelivered({ cloud, driver, clients }, 'cut-kill', {
        n: 12,
        everyMs: 40,
        during: (i, rec) => {
          if (i === 3 || i === 8) (rec.client.socket as unknown as WebSocket).terminate();
        },
      });
      expect(r.states.filter((s) => s === 'reconnecting')).toHaveLength(2);
    });

    it('resumes from a kept position (e.g. a page reload) with `since`', async () => {
      const first = recordingClient(cloud, 'reload');
      await waitUntil(() => first.confirmedCount() > 0, 'the subscription');
      const ids = await publishSeries(driver, 'reload', 3, 0);
      await waitUntil(() => first.received.length === 3, 'three messages');
      const kept = first.client.positions().reload!;
      first.client.close();
      ids.push(...(await publishSeries(driver, 'reload', 3, 0)));
      await cloud.idle();
      const second = recordingClient(cloud, 'reload', { autoConnect: false });
      clients.push(second.client);
      second.client.unsubscribe('reload');
      second.client.subscribe('reload', (m) => second.received.push(m), { since: kept });
      second.client.connect();
      await waitUntil(() => second.received.length === 3, 'the three missed messages');
      expect(second.received.map((m) => [m.seq, m.replayed])).toEqual([[4, true], [5, true], [6, true]]);
      expectExactlyOnceInOrder([...first.received, ...second.received], ids);
    });
  });

  describe('with scaled-down idle (600 ms) and lifetime (2 s) limits', () => {
    let cloud: TestCloud;
    let driver: CloudDriver;
    const clients: PushClient[] = [];
    beforeAll(async () => {
      cloud = await startTestCloud({ limits: { idleTimeoutMs: 600, maxConnectionMs: 2000 } });
      driver = new CloudDriver(cloud);
    }, 120_000);
    afterAll(async () => {
      clients.forEach((c) => c.close());
      driver?.destroy();
      await cloud?.stop();
    });

    it('an idle timeout (no heartbeat) between bursts: every event once, in order', async () => {
      // Bursts separated by more than the idle timeout: the connection is closed between them.
      const r = await expectSeriesDelivered({ cloud, driver, clients }, 'idle', {
        n: 9,
        everyMs: 0,
        during: async (i, rec) => {
          if (i === 4 || i === 7) {
            const cuts = rec.states.filter((s) => s === 'reconnecting').length;
            await waitUntil(() => rec.states.filter((s) => s === 'reconnecting').length > cuts, 'the idle timeout to close the connection');
          }
        },
        client: { heartbeatIntervalMs: 0, maxConnectionAgeMs: 0 },
      });
      expect(r.states).toContain('reconnecting');
    });

    it('the heartbeat keeps an idle connection open', async () => {
      const r = recordingClient(cloud, 'heartbeat', { heartbeatIntervalMs: 200, maxConnectionAgeMs: 0 });
      clients.push(r.client);
      await waitUntil(() => r.confirmedCount() > 0, 'the subscription');
      // Six heartbeats (one every 200 ms) answered: over a second, well past the idle timeout, under the lifetime.
      await waitUntil(() => r.pongCount() >= 6, 'six answered heartbeats');
      expect(r.states).not.toContain('reconnecting');
      r.client.close();
    });

    it('the lifetime limit cuts the connection (planned replacement off): every event once, in order', async () => {
      const r = await expectSeriesDelivered({ cloud, driver, clients }, 'lifetime', {
        n: 30,
        everyMs: 100,
        client: { heartbeatIntervalMs: 200, maxConnectionAgeMs: 0 },
      });
      expect(r.states).toContain('reconnecting');
    });

    it('the planned replacement before the lifetime limit: no reconnect, no gap, every event once, in order', async () => {
      const r = await expectSeriesDelivered({ cloud, driver, clients }, 'handover', {
        n: 30,
        everyMs: 100,
        client: { heartbeatIntervalMs: 200, maxConnectionAgeMs: 1200 },
      });
      expect(r.states).not.toContain('reconnecting');
      expect(r.confirmedCount()).toBeGreaterThanOrEqual(3); // first connection + at least two replacements
    });
  });

  describe('with a 1-second replay window', () => {
    let cloud: TestCloud;
    let driver: CloudDriver;
    beforeAll(async () => {
      cloud = await startTestCloud({ context: { replayWindowSeconds: '1' } });
      driver = new CloudDriver(cloud);
    }, 120_000);
    afterAll(async () => {
      driver?.destroy();
      await cloud?.stop();
    });

    it('an absence longer than the window is reported as a gap, then what is retained is replayed', async () => {
      const r = recordingClient(cloud, 'window');
      await waitUntil(() => r.confirmedCount() > 0, 'the subscription');
      const ids = await publishSeries(driver, 'window', 2, 0);
      await waitUntil(() => r.received.length === 2, 'two messages');
      const kept = r.client.positions().window!;
      r.client.close();
      ids.push(...(await publishSeries(driver, 'window', 3, 0))); // 3..5: will expire
      await cloud.idle();
      await sleep(1500);
      ids.push(...(await publishSeries(driver, 'window', 2, 0))); // 6..7: retained
      await cloud.idle();

      const back = recordingClient(cloud, 'window', { autoConnect: false });
      back.client.unsubscribe('window');
      back.client.subscribe('window', (m) => back.received.push(m), { since: kept });
      back.client.connect();
      await waitUntil(() => back.received.length === 2, 'the retained messages');
      expect(back.gaps).toEqual([{ from: 3, to: 5 }]);
      expect(back.received.map((m) => m.seq)).toEqual([6, 7]);
      expect(new Set(back.received.map((m) => m.id))).toEqual(new Set(ids.slice(5))); // pushed concurrently: seq order may differ from publish order
      back.client.close();
    });
  });
});
