import { AWS_ASSUMPTIONS } from '../../../bench/aws-assumptions';
import {
  checkGoals,
  coldStartMs,
  cpuShare,
  drawDelay,
  idsPerPage,
  normalQuantile,
  oursCostPerMillion,
  percentile,
  postsPerSecond,
  project,
  projectFloor,
  projectOurs,
  projectSample,
  readAt,
  readPages,
  readUnits,
  scheduleBatches,
  throttleSeconds,
  uniform,
  type Assumptions,
  type DesignSettings,
  type MeasuredInputs,
  type Percentiles,
  type ProjectionRow,
} from '../../../bench/aws-projection';

const a = AWS_ASSUMPTIONS;
const fixed = (v: number): { value: Percentiles; source: string } => ({ value: { p50: v, p99: v }, source: 'test' });

/** The assumptions with every delay fixed at its median and no chance cold start: the model becomes arithmetic. */
const still: Assumptions = {
  ...a,
  postLatencyMs: fixed(20),
  triggerMs: fixed(80),
  sequenceMs: fixed(20),
  queryPageMs: fixed(15),
  sqsCallMs: fixed(10),
  sqsToWorkerMs: fixed(100),
  runtimeInitMs: fixed(150),
  coldStartProbability: { value: 0, source: 'test' },
  warmWorkerInstances: { value: 1000, source: 'test' },
};

const measured: MeasuredInputs = {
  cpuPerPostUs: { signedPost: 200, sdk: 650 },
  queryCpuPerIdUs: 4,
  handlerInitCpuMs: { push: 70, fanoutWorker: 65 },
  machine: 'test',
  measuredAt: '2026-12-01T00:00:00Z',
};

/** One full vCPU, 64 in flight: 3,200 posts/s (latency-bound: 64 ÷ 20 ms < 1 ÷ 200 µs). */
const settings: DesignSettings = {
  deliveryMemoryMb: 1769,
  deliveryConcurrency: 64,
  fanoutThreshold: 2000,
  fanoutBatchSize: 1000,
  fanoutWorkerConcurrency: 50,
  broadcastShards: 16,
  frameBytes: 300,
};
const options = { trials: 20, seed: 1, subscribers: [1000] };

describe('AWS projection model: building blocks', () => {
  it('gives CPU in proportion to memory, 1,769 MB per vCPU, at most one vCPU for one Node thread', () => {
    expect(cpuShare(1769, a)).toBe(1);
    expect(cpuShare(256, a)).toBeCloseTo(256 / 1769, 10);
    expect(cpuShare(3538, a)).toBe(1);
  });

  it('posts per second: the smaller of in flight ÷ latency and CPU share ÷ CPU per post', () => {
    expect(postsPerSecond(200, 1769, 64, 20, a)).toBe(3200); // latency-bound
    expect(postsPerSecond(200, 256, 64, 20, a)).toBeCloseTo((256 / 1769) * 5000, 6); // CPU-bound: 723.6/s
    expect(postsPerSecond(50, 1769, 64, 20, a)).toBe(3200);
    expect(postsPerSecond(650, 1769, 1000, 20, a)).toBeCloseTo(1e6 / 650, 6);
  });

  it('throttle: 5,000 posts at once from the burst, then 10,000 per second', () => {
    expect(throttleSeconds(5000, a)).toBe(0);
    expect(throttleSeconds(15_000, a)).toBe(1);
    expect(throttleSeconds(1_000_000, a)).toBe(99.5);
  });

  it('pages hold 1 MB of items; read units are half a unit per 4 KB of each page', () => {
    expect(idsPerPage(100, a)).toBe(10_485);
    expect(idsPerPage(28, a)).toBe(37_449);
    expect(readUnits(1000, 100, a)).toBe(12.5); // 100,000 B → 25 × 4 KB
    // 10,485 items (1,048,500 B → 256 blocks) + 9,515 items (951,500 B → 233 blocks)
    expect(readUnits(20_000, 100, a)).toBe(128 + 116.5);
  });

  it('a cold start is the runtime start plus the module initialisation at the function’s CPU share', () => {
    expect(coldStartMs(150, 70, 1769, a)).toBe(220);
    expect(coldStartMs(150, 70, 256, a)).toBeCloseTo(150 + 70 / (256 / 1769), 6);
  });

  it('normal quantiles within the approximation’s 4.5e-4', () => {
    expect(Math.abs(normalQuantile(0.5))).toBeLessThan(5e-4);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263, 3);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263, 3);
    expect(normalQuantile(0.8413)).toBeCloseTo(1, 3);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('draws a log-normal delay through p50 and p99, and the largest of n draws', () => {
    const d = { p50: 20, p99: 100 };
    expect(drawDelay(d, 0.5)).toBeCloseTo(20, 1);
    expect(drawDelay(d, 0.99)).toBeCloseTo(100, 0);
    expect(drawDelay({ p50: 7, p99: 7 }, 0.999)).toBe(7);
    // The median of the largest of 64 draws is the single draw's 0.5^(1/64) quantile (≈ 0.989).
    expect(drawDelay(d, 0.5, 64)).toBeCloseTo(drawDelay(d, 0.5 ** (1 / 64)), 9);
    expect(drawDelay(d, 0.5, 64)).toBeGreaterThan(90);
  });

  it('uniform draws are in (0, 1) and the same for the same seed', () => {
    const x = uniform(42);
    const y = uniform(42);
    const xs = Array.from({ length: 1000 }, x);
    expect(Array.from({ length: 1000 }, y)).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, v) => s + v, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('percentile by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile([3], 0.99)).toBe(3);
  });

  it('reads one key page after page, each page’s ids unmarshalled after it arrives', () => {
    const pages = readPages(25_000, 1, 10_000, 0.001, () => 10);
    expect(pages).toEqual([
      { ids: 10_000, atMs: 20 },
      { ids: 20_000, atMs: 40 },
      { ids: 25_000, atMs: 55 },
    ]);
    expect(readAt(pages, 1)).toBe(20);
    expect(readAt(pages, 10_001)).toBe(40);
  });

  it('reads the shards of a broadcast at once, unmarshalling their pages one after the other', () => {
    const pages = readPages(2000, 4, 10_000, 0.001, () => 10);
    expect(pages.map((p) => p.ids)).toEqual([500, 1000, 1500, 2000]);
    expect(pages.map((p) => p.atMs)).toEqual([10.5, 11, 11.5, 12]);
  });

  it('schedules batches on the initial invocations, then on reused or newly opened ones', () => {
    const base = { initialConcurrency: 5, maxConcurrency: 50, rampStepMs: 200, pickupMs: () => 0, gapMs: () => 0, batchMs: () => 100 };
    const ten = new Array<number>(10).fill(0);
    expect(scheduleBatches({ ...base, availableAtMs: ten, coldMs: () => 0 })).toEqual({ firstStartMs: 0, lastEndMs: 200, invocationMs: 1000 });
    // Cold starts delay each new instance's first batch; the ramp's 6th slot opens at 200 ms.
    expect(scheduleBatches({ ...base, availableAtMs: ten, coldMs: () => 50 })).toEqual({ firstStartMs: 50, lastEndMs: 250, invocationMs: 1000 });
    expect(scheduleBatches({ ...base, initialConcurrency: 1, availableAtMs: [0, 0, 0], coldMs: () => 0, gapMs: () => 10 })).toEqual({
      firstStartMs: 0,
      lastEndMs: 300, // slot 0: 0–100, then 110–210 after a 10 ms receive; slot 1 opens at 200: 200–300
      invocationMs: 300,
    });
  });
});

describe('AWS projection model: one push, every delay fixed', () => {
  it('direct path: trigger + numbering + page + unmarshalling + posts at the function’s rate + the last call', () => {
    const r = projectOurs('channel', 1000, { settings, cpuPerPostUs: 200 }, measured, still, options);
    // 80 + 20 + (15 + 1,000 × 4 µs) + 1,000 ÷ 3,200/s + 20 = 451.5 ms
    expect(r).toMatchObject({ p50Ms: 452, p99Ms: 452, reached: 1 });
  });

  it('fan-out: batches queued as read, picked up by the ramping invocations; the later of capacity and throttle', () => {
    const r = projectOurs('channel', 10_000, { settings, cpuPerPostUs: 200 }, measured, still, options);
    // Read by 80 + 20 + 15 + 40 = 155; first batch queued at 155 + 0.65 (CPU of an SDK call) + 10 = 165.65;
    // the other nine at 176.3. Picked up 100 ms later; batches take 1,000 ÷ 3,200 s + 20 = 332.5 ms. Slots 0–4
    // take batches 0–4 (ends 598.15, 608.8 ×4); the ramp opens slot 5 at 365.65 (batch 5) and slot 6 at
    // 565.65 (batch 6); batches 7–9 reuse slots after a 10 ms receive: the last ends at 618.8 + 332.5 = 951.3.
    // The throttle bound, 265.65 + 500 + 20, is earlier.
    expect(r).toMatchObject({ p50Ms: 951, p99Ms: 951 });
  });

  it('costs API Gateway’s messages plus Lambda, DynamoDB, EventBridge and SQS, per million deliveries', () => {
    const p = a.prices.value;
    // Broadcast, direct: pushMs = (80 + 15 + 1,000 × 4 µs) + 312.5 + 20 − 80 = 351.5 ms at 1,769 MB on arm64.
    const usd =
      (1000 * p.apiGatewayMessagePerMillion) / 1e6 +
      p.eventBridgeEventPerMillion / 1e6 +
      p.lambdaRequestPerMillion / 1e6 +
      0.3515 * (1769 / 1024) * p.lambdaGbSecondArm +
      (readUnits(1000, 80, a) * p.dynamoReadUnitPerMillion) / 1e6;
    expect(oursCostPerMillion('broadcast', 1000, { settings, cpuPerPostUs: 200 }, measured, still)).toBeCloseTo((usd / 1000) * 1e6, 4);
  });

  it('the AWS sample stops at its 3 s timeout, and at one Scan page', () => {
    const small = projectSample(1000, 300, measured, still, options);
    // 256 MB: 0.1447 vCPU ÷ 650 µs = 222.7 posts/s; 3 s minus the Scan (15 + 1,000 × 4 µs ÷ 0.1447) leaves ~2.96 s.
    expect(small.p50Ms).toBeNull();
    expect(small.reached).toBeCloseTo(0.658, 2);
    expect(small.note).toMatch(/timeout/);
    const big = projectSample(100_000, 300, measured, still, options);
    expect(big.note).toMatch(/at most 37449 connections/);
  });

  it('the throttle floor is the throttle time plus one call, at API Gateway’s message price', () => {
    expect(projectFloor(1_000_000, 300, a)).toEqual({ p50Ms: 99_520, p99Ms: 99_600, reached: 1, costPerMillionUsd: 1 });
    expect(projectFloor(1000, 300, a).p50Ms).toBe(20);
  });
});

describe('AWS projection model: goals and the whole projection', () => {
  const row = (design: ProjectionRow['design'], subscribers: number, p50Ms: number | null, p99Ms: number | null, cost: number): ProjectionRow => ({
    design,
    audience: 'channel',
    subscribers,
    p50Ms,
    p99Ms,
    costPerMillionUsd: cost,
    reached: 1,
  });

  it('checks each goal against the rows', () => {
    const rows = [
      row('throttle floor', 10_000, 520, 600, 1),
      row('throttle floor', 100_000, 9520, 9600, 1),
      row('this design', 10_000, 900, 1400, 1.05),
      row('this design', 100_000, 12_000, 12_600, 1.2),
    ];
    expect(checkGoals(rows, 'this design').map((g) => g.met)).toEqual([true, false, false]);
  });

  it('projects every design, audience and size, deterministically for a seed', () => {
    const o = { trials: 50, seed: 7, subscribers: [1000, 10_000] };
    const one = project(settings, measured, a, o);
    expect(one.rows).toHaveLength(2 * 2 * 5);
    expect(project(settings, measured, a, o).rows).toEqual(one.rows);
    expect(one.goals).toHaveLength(6);
    expect(one.model).toMatch(/^A MODEL/);
    for (const r of one.rows.filter((x) => x.design !== 'AWS sample')) {
      const floor = one.rows.find((f) => f.design === 'throttle floor' && f.audience === r.audience && f.subscribers === r.subscribers)!;
      expect(r.p50Ms!).toBeGreaterThanOrEqual(floor.p50Ms!);
      expect(r.costPerMillionUsd).toBeGreaterThanOrEqual(floor.costPerMillionUsd);
    }
    // The derivation: 200 µs × 64 ÷ 20 ms = 0.64 vCPU = 1,132 MB, rounded up to 1,152.
    expect(one.suggestion.derivation.kneeMemoryMb).toBe(1132);
    expect(one.suggestion.settings.deliveryMemoryMb).toBe(1152);
  });
});
