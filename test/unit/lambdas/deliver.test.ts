import fc from 'fast-check';
import { fullJitterDelay } from '../../../lambdas/core/backoff';
import { deliver, HANDSHAKE_GRACE_MS } from '../../../lambdas/core/deliver';
import {
  ForbiddenError,
  GoneError,
  NetworkError,
  PayloadTooLargeError,
  ServerError,
  StoreError,
  ThrottledError,
} from '../../../lambdas/core/errors';
import type { Publisher } from '../../../lambdas/core/publisher';
import { InMemoryConnectionStore, lazyPages } from '../../support/in-memory-connection-store';
import { recordingLogger } from '../../support/logs';

const payload = Buffer.from('{"type":"message","id":"e","data":1}');

/** A publisher whose answer per connection id is scripted: a list of errors to throw before succeeding. */
class ScriptedPublisher implements Publisher {
  readonly calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly script: Record<string, Array<(id: string) => Error>> = {},
    private readonly latency: () => Promise<void> = () => Promise.resolve(),
  ) {}
  async post(id: string): Promise<void> {
    this.calls.push(id);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.latency();
      const next = this.script[id]?.shift();
      if (next) throw next(id);
    } finally {
      this.inFlight--;
    }
  }
}

const pagesOf = (...pages: string[][]) =>
  (async function* () {
    for (const p of pages) yield p;
  })();

function setup() {
  const store = new InMemoryConnectionStore();
  const logger = recordingLogger();
  const sleeps: number[] = [];
  const sleep = async (ms: number) => void sleeps.push(ms);
  return { store, logger, sleeps, sleep };
}

describe('deliver', () => {
  it('posts to every id of every page and reports the counts', async () => {
    const { store, logger, sleep } = setup();
    const publisher = new ScriptedPublisher();
    let t = 1000;
    const report = await deliver(pagesOf(['a', 'b'], [], ['c']), payload, { concurrency: 2 }, { publisher, store, logger, sleep, now: () => (t += 5) });
    expect(report).toEqual({ delivered: 3, gone: 0, failed: 0, durationMs: 5 });
    expect(publisher.calls.sort()).toEqual(['a', 'b', 'c']);
  });

  it('retries 429, 5xx and network errors with full-jitter backoff until delivered', async () => {
    const { store, logger, sleeps, sleep } = setup();
    const publisher = new ScriptedPublisher({
      t: [(id) => new ThrottledError(id), (id) => new ThrottledError(id), (id) => new ThrottledError(id)],
      s: [(id) => new ServerError(id, 500)],
      n: [(id) => new NetworkError(id)],
    });
    const report = await deliver(pagesOf(['t', 's', 'n', 'ok']), payload, { concurrency: 1, baseDelayMs: 100, maxDelayMs: 250 }, {
      publisher, store, logger, sleep, random: () => 0.999,
    });
    expect(report).toMatchObject({ delivered: 4, gone: 0, failed: 0 });
    expect(publisher.calls.filter((c) => c === 't')).toHaveLength(4);
    // t: retries 1..3 → ceilings 100, 200, min(400, 250); s: 100; n: 100.
    expect(sleeps).toEqual([99, 199, 249, 99, 99]);
  });

  it('gives up after maxAttempts and counts the post as failed', async () => {
    const { store, logger, sleeps, sleep } = setup();
    const publisher = new ScriptedPublisher({ x: Array.from({ length: 10 }, () => (id: string) => new ServerError(id, 503)) });
    const report = await deliver(pagesOf(['x']), payload, { concurrency: 4, maxAttempts: 3 }, { publisher, store, logger, sleep });
    expect(report).toMatchObject({ delivered: 0, gone: 0, failed: 1 });
    expect(publisher.calls).toEqual(['x', 'x', 'x']);
    expect(sleeps).toHaveLength(2);
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'warn', connectionId: 'x', attempts: 3 })]);
  });

  it.each([
    ['403', (id: string) => new ForbiddenError(id)],
    ['413', (id: string) => new PayloadTooLargeError(id)],
    ['an unknown error', () => new Error('boom')],
  ])('does not retry %s', async (_, error) => {
    const { store, logger, sleeps, sleep } = setup();
    const publisher = new ScriptedPublisher({ x: [error] });
    const report = await deliver(pagesOf(['x', 'y']), payload, { concurrency: 2 }, { publisher, store, logger, sleep });
    expect(report).toMatchObject({ delivered: 1, gone: 0, failed: 1 });
    expect(publisher.calls.filter((c) => c === 'x')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('removes exactly the gone connection (410), not the others', async () => {
    const { store, logger, sleep } = setup();
    for (const id of ['a', 'b', 'c']) await store.register({ connectionId: id, connectedAt: 0, ttl: 0 });
    const publisher = new ScriptedPublisher({ b: [(id) => new GoneError(id)] });
    const report = await deliver(pagesOf(['a', 'b', 'c']), payload, { concurrency: 3 }, { publisher, store, logger, sleep });
    expect(report).toMatchObject({ delivered: 2, gone: 1, failed: 0 });
    expect(store.removed).toEqual(['b']);
    expect([...store.connections.keys()].sort()).toEqual(['a', 'c']);
    expect(publisher.calls.filter((c) => c === 'b')).toHaveLength(1);
  });

  it('still counts a gone connection whose removal failed, and logs it', async () => {
    const { logger, sleep } = setup();
    const store = { remove: async () => { throw new StoreError('down'); } };
    const publisher = new ScriptedPublisher({ b: [(id) => new GoneError(id)] });
    const report = await deliver(pagesOf(['b']), payload, { concurrency: 1 }, { publisher, store, logger, sleep });
    expect(report).toMatchObject({ gone: 1, failed: 0 });
    expect(logger.lines[0]).toMatchObject({ level: 'warn', connectionId: 'b' });
  });

  it('never exceeds the concurrency bound, reaches it, and buffers only about one page', async () => {
    const { store, logger, sleep } = setup();
    const counter = { pulled: 0 };
    let done = 0;
    let maxAhead = 0;
    const publisher = new ScriptedPublisher({}, async () => {
      maxAhead = Math.max(maxAhead, counter.pulled - done);
      await new Promise((r) => setTimeout(r, Math.random() * 2));
      done++;
    });
    const report = await deliver(lazyPages(2000, 50, counter), payload, { concurrency: 16 }, { publisher, store, logger, sleep });
    expect(report).toMatchObject({ delivered: 2000, gone: 0, failed: 0 });
    expect(publisher.maxInFlight).toBe(16);
    expect(maxAhead).toBeLessThanOrEqual(16 + 50);
  });

  it('holds the bound while retrying (sleeping workers keep their slot)', async () => {
    const { store, logger } = setup();
    const script: Record<string, Array<(id: string) => Error>> = {};
    for (let i = 0; i < 100; i++) script[`c${i}`] = [(id) => new ThrottledError(id)];
    const publisher = new ScriptedPublisher(script, () => new Promise((r) => setImmediate(r)));
    const counter = { pulled: 0 };
    const report = await deliver(lazyPages(100, 7, counter), payload, { concurrency: 5 }, {
      publisher, store, logger, sleep: () => new Promise((r) => setImmediate(r)),
    });
    expect(report).toMatchObject({ delivered: 100, failed: 0 });
    expect(publisher.calls).toHaveLength(200);
    expect(publisher.maxInFlight).toBeLessThanOrEqual(5);
  });

  it('propagates a failure of the audience query', async () => {
    const { store, logger, sleep } = setup();
    const pages = (async function* () {
      yield ['a'];
      throw new StoreError('query failed');
    })();
    await expect(deliver(pages, payload, { concurrency: 3 }, { publisher: new ScriptedPublisher(), store, logger, sleep })).rejects.toThrow(
      'query failed',
    );
  });

  it('reports zeros for an empty audience', async () => {
    const { store, logger, sleep } = setup();
    const report = await deliver(pagesOf(), payload, { concurrency: 8 }, { publisher: new ScriptedPublisher(), store, logger, sleep });
    expect(report).toMatchObject({ delivered: 0, gone: 0, failed: 0 });
  });
});

describe('fullJitterDelay', () => {
  it('stays within [0, min(max, base * 2^(retry-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, base, max, r) => {
          const delay = fullJitterDelay(retry, { baseDelayMs: base, maxDelayMs: max }, () => r);
          const ceiling = Math.min(max, base * 2 ** (retry - 1));
          return Number.isInteger(delay) && delay >= 0 && delay < ceiling;
        },
      ),
    );
  });

  it('spreads delays over the whole window (jitter)', () => {
    const delays = Array.from({ length: 2000 }, () => fullJitterDelay(3, { baseDelayMs: 100, maxDelayMs: 10_000 }));
    expect(Math.min(...delays)).toBeLessThan(40);
    expect(Math.max(...delays)).toBeGreaterThan(360);
    expect(Math.max(...delays)).toBeLessThan(400);
  });
});

describe('deliver: a 410 during the handshake', () => {
  /** A store whose records have the given handshake times (epoch ms). */
  function agedStore(connectedAt: Record<string, number>) {
    const store = new InMemoryConnectionStore();
    return Object.assign(store, { connectedAt: async (id: string) => connectedAt[id] });
  }

  it('retries a 410 of a connection registered moments ago, with backoff, and delivers without removing it', async () => {
    const { logger, sleeps, sleep } = setup();
    const now = 1_000_000;
    const store = agedStore({ young: now - 200 });
    const publisher = new ScriptedPublisher({ young: [(id) => new GoneError(id), (id) => new GoneError(id)] });
    const report = await deliver(pagesOf(['young']), payload, { concurrency: 1 }, { publisher, store, logger, sleep, now: () => now });
    expect(report).toMatchObject({ delivered: 1, gone: 0, failed: 0 });
    expect(publisher.calls).toEqual(['young', 'young', 'young']);
    expect(store.removed).toEqual([]);
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThan(0);
  });

  it('removes a connection whose 410 outlasts the grace, and one registered long ago at once', async () => {
    const { logger, sleep } = setup();
    let t = 1_000_000;
    const store = agedStore({ young: t - 100, old: t - HANDSHAKE_GRACE_MS - 1 });
    const gone = (id: string) => new GoneError(id);
    const publisher = new ScriptedPublisher({ young: Array.from({ length: 1000 }, () => gone), old: [gone] });
    const clock = () => (t += 500);
    const report = await deliver(pagesOf(['old', 'young']), payload, { concurrency: 1 }, { publisher, store, logger, sleep, now: clock });
    expect(report).toMatchObject({ delivered: 0, gone: 2, failed: 0 });
    expect(publisher.calls.filter((c) => c === 'old')).toHaveLength(1);
    expect(publisher.calls.filter((c) => c === 'young').length).toBeGreaterThan(1);
    expect(store.removed.sort()).toEqual(['old', 'young']);
  });

  it('treats a 410 of a connection without a record as gone', async () => {
    const { logger, sleep } = setup();
    const store = agedStore({});
    const publisher = new ScriptedPublisher({ x: [(id) => new GoneError(id)] });
    const report = await deliver(pagesOf(['x']), payload, { concurrency: 1 }, { publisher, store, logger, sleep, now: () => 5 });
    expect(report).toMatchObject({ delivered: 0, gone: 1 });
    expect(publisher.calls).toEqual(['x']);
  });
});
