/**
 * AWS PROJECTION — A MODEL, NOT A MEASUREMENT.
 *
 * Projects the time to the last delivery (p50, p99) and the cost per million deliveries of one push to 1k …
 * 1M subscribers on AWS, from the CPU figures measured on this machine (bench/post-cpu.ts,
 * bench/handler-init.ts) and the assumptions below, each with its source. Side by side: this design (push
 * function, direct path up to the fan-out threshold, else SQS batches to workers), the AWS sample's design
 * (one 256 MB function, one Scan, the SDK client, unbounded Promise.all) and the throttle floor (API
 * Gateway's account-wide 10,000 requests per second with its 5,000 burst).
 *
 * How a delivery function's speed is modelled (a roofline): posts per second = min(in flight ÷ latency per
 * call, CPU share ÷ CPU per post), where the CPU share is memory ÷ 1,769 MB, at most one vCPU (the posting
 * runs on Node's one JavaScript thread). Times are drawn per trial (Monte Carlo, seeded): every delay is
 * log-normal through its assumed p50 and p99; cold starts happen to new instances and, with a small
 * probability, to warm ones. The throttle is applied as a bound (the later of the capacity-limited time
 * and the throttle-limited time), which is optimistic about the cost of 429 retries. Costs use the
 * median of every delay and warm functions.
 *
 * Pure functions only: no I/O, no clock, no global randomness.
 */

/** The two percentiles every assumed delay is given by. */
export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

/** An assumed value and where it comes from. */
export interface Sourced<T> {
  readonly value: T;
  readonly source: string;
}

/** What was measured on this machine (CPU time, one core). */
export interface MeasuredInputs {
  /** CPU µs per delivered post, through `deliver()`, 64 in flight, 300-byte frame (bench/post-cpu.ts). */
  readonly cpuPerPostUs: { readonly signedPost: number; readonly sdk: number };
  /** CPU µs per id of reading a channel's audience (Query pages through the connection store). */
  readonly queryCpuPerIdUs: number;
  /** CPU ms of the bundled handlers' module initialisation (bench/handler-init.ts). */
  readonly handlerInitCpuMs: { readonly push: number; readonly fanoutWorker: number };
  readonly machine: string;
  readonly measuredAt: string;
}

/** us-east-1 list prices, USD. */
export interface Prices {
  readonly apiGatewayMessagePerMillion: number;
  /** Messages are metered in increments of this many bytes. */
  readonly apiGatewayMessageBytes: number;
  readonly lambdaRequestPerMillion: number;
  readonly lambdaGbSecondArm: number;
  readonly lambdaGbSecondX86: number;
  readonly dynamoReadUnitPerMillion: number;
  readonly dynamoWriteUnitPerMillion: number;
  readonly sqsRequestPerMillion: number;
  /** A request is billed per this many bytes of payload. */
  readonly sqsRequestBytes: number;
  readonly eventBridgeEventPerMillion: number;
  readonly eventBridgeEventBytes: number;
}

/** Everything the model assumes about AWS, each with its source. */
export interface Assumptions {
  /** PostToConnection round trip from a Lambda function in the API's region. */
  readonly postLatencyMs: Sourced<Percentiles>;
  /** PutEvents accepted → the push function's handler starts (EventBridge rule, asynchronous invoke). */
  readonly triggerMs: Sourced<Percentiles>;
  /** Numbering a channel message (one read, three writes) before its first post. */
  readonly sequenceMs: Sourced<Percentiles>;
  /** DynamoDB's service time for one Query or Scan page (up to 1 MB). */
  readonly queryPageMs: Sourced<Percentiles>;
  /** One SQS call (SendMessageBatch, ReceiveMessage). */
  readonly sqsCallMs: Sourced<Percentiles>;
  /** A message sent to the fan-out queue → a worker's handler starts with it (instance ready). */
  readonly sqsToWorkerMs: Sourced<Percentiles>;
  /** Cold start before the handler's module initialisation (sandbox, runtime). */
  readonly runtimeInitMs: Sourced<Percentiles>;
  /** Probability that an instance which ran recently starts cold anyway. */
  readonly coldStartProbability: Sourced<number>;
  /** Fan-out worker instances warm from recent traffic; later ones start cold. */
  readonly warmWorkerInstances: Sourced<number>;
  /** API Gateway's account-level throttle, per region, shared by all APIs (the callback API included). */
  readonly throttle: Sourced<{ readonly ratePerSecond: number; readonly burst: number }>;
  /** How the SQS event source mapping scales its concurrent invocations. */
  readonly esmScaling: Sourced<{ readonly initialConcurrency: number; readonly addedPerMinute: number }>;
  /** Lambda's CPU by memory, and how many vCPUs one Node thread can use. */
  readonly cpuShare: Sourced<{ readonly mbPerVcpu: number; readonly usableVcpus: number }>;
  /** A Lambda vCPU's speed relative to one core of the measuring machine. */
  readonly lambdaVcpuSpeed: Sourced<number>;
  /** Bytes DynamoDB counts per item read (the 1 MB page limit and read units). */
  readonly itemBytes: Sourced<{ readonly audience: number; readonly shard: number; readonly sampleConnection: number }>;
  /** Largest page of one Query or Scan. */
  readonly pageBytes: Sourced<number>;
  /** Characters of one connection id in a fan-out message. */
  readonly connectionIdChars: Sourced<number>;
  /** Registry calls of one channel push besides the audience query (lambdas/adapters/dynamodb-channel-history.ts). */
  readonly channelUnits: Sourced<{ readonly readUnits: number; readonly writeUnits: number }>;
  /** The AWS sample's function. */
  readonly sample: Sourced<{ readonly memoryMb: number; readonly timeoutMs: number; readonly maxSockets: number }>;
  readonly prices: Sourced<Prices>;
}

/** The settings of this design that the model reads (stack defaults: shared/limits.ts, lib/). */
export interface DesignSettings {
  /** Memory of the push function and the fan-out workers (the functions that post). */
  readonly deliveryMemoryMb: number;
  /** Posts in flight per function. */
  readonly deliveryConcurrency: number;
  readonly fanoutThreshold: number;
  readonly fanoutBatchSize: number;
  /** The event source mapping's MaximumConcurrency. */
  readonly fanoutWorkerConcurrency: number;
  readonly broadcastShards: number;
  /** Bytes of the framed message. */
  readonly frameBytes: number;
}

export type AudienceKind = 'channel' | 'broadcast';
export type DesignName = 'this design' | 'this design, suggested settings' | 'this design, SDK client' | 'AWS sample' | 'throttle floor';

/** One row of the projection. */
export interface ProjectionRow {
  readonly design: DesignName;
  readonly audience: AudienceKind;
  readonly subscribers: number;
  /** Time to the last delivery; null when the design does not reach every subscriber in more than half (p50) or 1% (p99) of the trials. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly costPerMillionUsd: number;
  /** Mean share of the audience reached. */
  readonly reached: number;
  /** Why a design falls short, when it does. */
  readonly note?: string;
}

/** A deterministic uniform generator in (0, 1) (xorshift32). */
export function uniform(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x + 0.5) / 4294967296;
  };
}

/** The standard normal quantile of `p` (Abramowitz & Stegun 26.2.23; absolute error < 4.5e-4). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError(`p must be in (0, 1), got ${p}`);
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  const x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return p < 0.5 ? -x : x;
}

const Z99 = normalQuantile(0.99);

/**
 * A log-normal draw through `d.p50` and `d.p99`; with `n` > 1, the largest of `n` independent draws (the
 * slowest of the last calls in flight). `u` is a uniform in (0, 1).
 */
export function drawDelay(d: Percentiles, u: number, n = 1): number {
  if (d.p99 <= d.p50) return d.p50;
  const sigma = Math.log(d.p99 / d.p50) / Z99;
  return d.p50 * Math.exp(sigma * normalQuantile(n > 1 ? u ** (1 / n) : u));
}

/** The vCPUs a function of `memoryMb` gets, as far as one Node thread can use them, in measuring-machine cores. */
export function cpuShare(memoryMb: number, a: Assumptions): number {
  return Math.min(a.cpuShare.value.usableVcpus, memoryMb / a.cpuShare.value.mbPerVcpu) * a.lambdaVcpuSpeed.value;
}

/** Posts per second of one function: min(in flight ÷ latency, CPU share ÷ CPU per post). */
export function postsPerSecond(cpuUs: number, memoryMb: number, inFlight: number, latencyMs: number, a: Assumptions): number {
  return Math.min((inFlight * 1000) / latencyMs, (cpuShare(memoryMb, a) * 1e6) / cpuUs);
}

/** Seconds API Gateway's throttle needs for `posts` posts, with a full burst bucket. */
export function throttleSeconds(posts: number, a: Assumptions): number {
  const { ratePerSecond, burst } = a.throttle.value;
  return Math.max(0, posts - burst) / ratePerSecond;
}

/** Ids of one page of items of `itemBytes`. */
export function idsPerPage(itemBytes: number, a: Assumptions): number {
  return Math.floor(a.pageBytes.value / itemBytes);
}

/** Read units of reading `items` items of `itemBytes` in pages (eventually consistent: half a unit per 4 KB). */
export function readUnits(items: number, itemBytes: number, a: Assumptions): number {
  const perPage = idsPerPage(itemBytes, a);
  let units = 0;
  for (let left = items; left > 0; left -= perPage) units += Math.ceil((Math.min(left, perPage) * itemBytes) / 4096) * 0.5;
  return units;
}

/** ms of a cold start: the runtime's start, then module initialisation at the function's CPU share. */
export function coldStartMs(runtimeMs: number, initCpuMs: number, memoryMb: number, a: Assumptions): number {
  return runtimeMs + initCpuMs / cpuShare(memoryMb, a);
}

/**
 * When the ids are read: the pages of `streams` keys are requested together in rounds (a broadcast reads
 * every shard at once, a channel is one key); each page arrives after its service time (`pageMs()`, drawn
 * per page) and is then unmarshalled on the function's one thread (`cpuPerIdMs` per id), in arrival order.
 * The next round starts when the last page of this one is read. Returns, per page, the ids read so far and
 * when (ms from the start).
 */
export function readPages(
  ids: number,
  streams: number,
  perPage: number,
  cpuPerIdMs: number,
  pageMs: () => number,
): Array<{ ids: number; atMs: number }> {
  const pages: Array<{ ids: number; atMs: number }> = [];
  // The ids are spread evenly over the streams (shardOf hashes them).
  const active = Math.max(1, Math.min(streams, ids));
  const perStream = Math.ceil(ids / active);
  let read = 0;
  let roundStart = 0;
  for (let done = 0; read < ids; done += perPage) {
    const arrivals = Array.from({ length: active }, () => roundStart + pageMs()).sort((x, y) => x - y);
    let cpu = roundStart;
    for (const arrival of arrivals) {
      const n = Math.min(perPage, perStream - done, ids - read);
      if (n <= 0) break;
      cpu = Math.max(cpu, arrival) + n * cpuPerIdMs;
      read += n;
      pages.push({ ids: read, atMs: cpu });
    }
    roundStart = cpu;
  }
  if (!pages.length) pages.push({ ids: 0, atMs: pageMs() });
  return pages;
}

/** When the `n`-th id has been read. */
export function readAt(pages: ReadonlyArray<{ ids: number; atMs: number }>, n: number): number {
  return (pages.find((p) => p.ids >= n) ?? pages[pages.length - 1]!).atMs;
}

/** Settings of one fan-out schedule (all times in ms). */
export interface ScheduleInput {
  /** When each batch is in the queue, in order. */
  readonly availableAtMs: readonly number[];
  readonly maxConcurrency: number;
  readonly initialConcurrency: number;
  /** ms between two added concurrent invocations while the queue has messages. */
  readonly rampStepMs: number;
  /** Per batch: ms from its arrival until a ready worker starts it. */
  readonly pickupMs: (batch: number) => number;
  /** ms between a worker's end and its next start (the next ReceiveMessage). */
  readonly gapMs: (batch: number) => number;
  /** ms a new instance `slot` needs before its first batch (0 when warm). */
  readonly coldMs: (slot: number) => number;
  /** ms of posting one batch (its posts, and the slowest last call). */
  readonly batchMs: (batch: number) => number;
}

/** A binary min-heap of [key, slot] pairs. */
class SlotHeap {
  private readonly keys: number[] = [];
  private readonly slots: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, slot: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.slots.push(slot);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): { key: number; slot: number } {
    const top = { key: this.keys[0]!, slot: this.slots[0]! };
    const lastKey = this.keys.pop()!;
    const lastSlot = this.slots.pop()!;
    if (this.keys.length) {
      this.keys[0] = lastKey;
      this.slots[0] = lastSlot;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.keys.length && this.keys[l]! < this.keys[m]!) m = l;
        if (r < this.keys.length && this.keys[r]! < this.keys[m]!) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.slots[a], this.slots[b]] = [this.slots[b]!, this.slots[a]!];
  }
}

/**
 * Greedy schedule of the fan-out batches on the event source mapping's concurrent invocations: each batch, in
 * queue order, goes to the invocation slot that is free first. Slots beyond the initial concurrency open one
 * per `rampStepMs` after the first message arrived, up to `maxConcurrency`; a slot's first batch pays its
 * cold start, a reused slot's the gap of its next receive.
 */
export function scheduleBatches(s: ScheduleInput): { firstStartMs: number; lastEndMs: number; invocationMs: number } {
  const slots = Math.max(1, s.maxConcurrency);
  const queueStart = s.availableAtMs[0] ?? 0;
  const heap = new SlotHeap();
  for (let j = 0; j < slots; j++) heap.push(queueStart + (j < s.initialConcurrency ? 0 : (j - s.initialConcurrency + 1) * s.rampStepMs), j);
  const used = new Set<number>();
  let firstStart = Infinity;
  let lastEnd = 0;
  let invocationMs = 0;
  for (let i = 0; i < s.availableAtMs.length; i++) {
    const { key, slot } = heap.pop();
    const fresh = !used.has(slot);
    used.add(slot);
    const arrived = s.availableAtMs[i]! + s.pickupMs(i);
    const start = fresh ? Math.max(key, arrived) + s.coldMs(slot) : Math.max(key + s.gapMs(i), arrived);
    const duration = s.batchMs(i);
    heap.push(start + duration, slot);
    invocationMs += duration;
    firstStart = Math.min(firstStart, start);
    lastEnd = Math.max(lastEnd, start + duration);
  }
  return { firstStartMs: firstStart, lastEndMs: lastEnd, invocationMs };
}

/** The percentile `p` (0..1) of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** How this design is run in a projection. */
export interface OursVariant {
  readonly settings: DesignSettings;
  readonly cpuPerPostUs: number;
  /** Force one path (for the threshold's derivation); by default the audience size chooses. */
  readonly path?: 'direct' | 'fanout';
}

/** One trial's outcome. */
interface Trial {
  readonly ms: number;
  readonly reached: number;
}

/** A draw of `d` from the trial's generator; the median when `median` is set (the cost scenario). */
type Draw = (d: Percentiles, n?: number) => number;

const drawer = (random: () => number, median: boolean): Draw => (d, n = 1) => (median ? drawDelay(d, 0.5, n) : drawDelay(d, random(), n));

/** The timeline of one push of this design, and what it runs (for the cost). */
function oursTrial(
  kind: AudienceKind,
  subscribers: number,
  v: OursVariant,
  m: MeasuredInputs,
  a: Assumptions,
  draw: Draw,
  chance: () => number,
): Trial & { pushMs: number; workerMs: number; invocations: number; sends: number } {
  const s = v.settings;
  const share = cpuShare(s.deliveryMemoryMb, a);
  const latency = a.postLatencyMs.value;
  const rate = postsPerSecond(v.cpuPerPostUs, s.deliveryMemoryMb, s.deliveryConcurrency, latency.p50, a);
  const tail = (n: number) => draw(latency, Math.min(n, s.deliveryConcurrency));
  const cold = () => chance() < a.coldStartProbability.value;

  let t = draw(a.triggerMs.value);
  if (cold()) t += coldStartMs(draw(a.runtimeInitMs.value), m.handlerInitCpuMs.push, s.deliveryMemoryMb, a);
  const handlerStart = t;
  if (kind === 'channel') t += draw(a.sequenceMs.value);
  const streams = kind === 'broadcast' ? s.broadcastShards : 1;
  const perPage = idsPerPage(kind === 'broadcast' ? a.itemBytes.value.shard : a.itemBytes.value.audience, a);
  const cpuPerIdMs = m.queryCpuPerIdUs / 1000 / share;
  const pages = readPages(subscribers, streams, perPage, cpuPerIdMs, () => draw(a.queryPageMs.value));
  const readStart = t;

  const direct = v.path ? v.path === 'direct' : subscribers <= s.fanoutThreshold;
  if (direct) {
    const postStart = readStart + readAt(pages, subscribers);
    const postMs = Math.max((subscribers / rate) * 1000, throttleSeconds(subscribers, a) * 1000) + tail(subscribers);
    return { ms: postStart + postMs, reached: 1, pushMs: postStart + postMs - handlerStart, workerMs: 0, invocations: 1, sends: 0 };
  }

  // Fan-out: the first batch is sent once the audience passed the threshold; then groups of 10 as read.
  const batchSize = Math.max(1, s.fanoutBatchSize);
  const batches = Math.ceil(subscribers / batchSize);
  const sizes = Array.from({ length: batches }, (_, i) => Math.min(batchSize, subscribers - i * batchSize));
  // A SendMessageBatch is an SDK call: its CPU is taken to be the SDK client's measured CPU per post.
  const sendCpuMs = m.cpuPerPostUs.sdk / 1000 / share;
  const available: number[] = [];
  let sendEnd = readStart + readAt(pages, Math.min(subscribers, s.fanoutThreshold + 1)) + sendCpuMs + draw(a.sqsCallMs.value);
  available.push(sendEnd);
  let sends = 1;
  for (let first = 1; first < batches; first += 10) {
    const last = Math.min(batches, first + 10) - 1;
    const readyAt = readStart + readAt(pages, Math.min(subscribers, (last + 1) * batchSize));
    sendEnd = Math.max(readyAt, sendEnd) + sendCpuMs + draw(a.sqsCallMs.value);
    sends++;
    for (let i = first; i <= last; i++) available.push(sendEnd);
  }
  const warm = a.warmWorkerInstances.value;
  const esm = a.esmScaling.value;
  const schedule = scheduleBatches({
    availableAtMs: available,
    maxConcurrency: s.fanoutWorkerConcurrency,
    initialConcurrency: Math.min(esm.initialConcurrency, s.fanoutWorkerConcurrency),
    rampStepMs: 60_000 / esm.addedPerMinute,
    pickupMs: () => draw(a.sqsToWorkerMs.value),
    gapMs: () => draw(a.sqsCallMs.value),
    coldMs: (slot) =>
      slot >= warm || cold() ? coldStartMs(draw(a.runtimeInitMs.value), m.handlerInitCpuMs.fanoutWorker, s.deliveryMemoryMb, a) : 0,
    batchMs: (i) => (sizes[i]! / rate) * 1000 + tail(sizes[i]!),
  });
  const throttled = schedule.firstStartMs + throttleSeconds(subscribers, a) * 1000 + tail(subscribers);
  return {
    ms: Math.max(schedule.lastEndMs, throttled),
    reached: 1,
    pushMs: sendEnd - handlerStart,
    workerMs: schedule.invocationMs,
    invocations: 1 + batches,
    sends,
  };
}

/** One push of the AWS sample: one Scan page, then every post at once through the SDK's default agent. */
function sampleTrial(subscribers: number, m: MeasuredInputs, a: Assumptions, draw: Draw, chance: () => number): Trial & { durationMs: number } {
  const { memoryMb, timeoutMs, maxSockets } = a.sample.value;
  const share = cpuShare(memoryMb, a);
  const latency = a.postLatencyMs.value;
  let t = draw(a.triggerMs.value);
  if (chance() < a.coldStartProbability.value) t += coldStartMs(draw(a.runtimeInitMs.value), m.handlerInitCpuMs.push, memoryMb, a);
  const handlerStart = t;
  // One Scan call, not paginated: it returns at most one page.
  const scanned = Math.min(subscribers, idsPerPage(a.itemBytes.value.sampleConnection, a));
  t += draw(a.queryPageMs.value) + (scanned * m.queryCpuPerIdUs) / 1000 / share;
  const rate = postsPerSecond(m.cpuPerPostUs.sdk, memoryMb, maxSockets, latency.p50, a);
  const postMs = Math.max((scanned / rate) * 1000, throttleSeconds(scanned, a) * 1000) + draw(latency, Math.min(scanned, maxSockets));
  const deadline = handlerStart + timeoutMs;
  if (t + postMs <= deadline) return { ms: t + postMs, reached: scanned / subscribers, durationMs: t + postMs - handlerStart };
  const posted = Math.min(scanned, Math.max(0, Math.floor(((deadline - t) / 1000) * rate)));
  return { ms: deadline, reached: posted / subscribers, durationMs: timeoutMs };
}

/** Settings of {@link project}. */
export interface ProjectionOptions {
  readonly trials: number;
  readonly seed: number;
  readonly subscribers: readonly number[];
}

export const DEFAULT_PROJECTION_OPTIONS: ProjectionOptions = { trials: 1000, seed: 13, subscribers: [1000, 10_000, 100_000, 1_000_000] };

/** Percentiles of trial times; null when too few trials reached everyone. */
function summarize(trials: readonly Trial[]): { p50Ms: number | null; p99Ms: number | null; reached: number } {
  const complete = trials.filter((t) => t.reached >= 1).map((t) => t.ms).sort((x, y) => x - y);
  const incomplete = trials.length - complete.length;
  const at = (p: number) => {
    if (incomplete > trials.length * (1 - p)) return null;
    // Incomplete trials count as slower than every complete one.
    const all = [...complete, ...new Array<number>(incomplete).fill(Infinity)];
    return Math.round(percentile(all, p));
  };
  return { p50Ms: at(0.5), p99Ms: at(0.99), reached: Math.round((trials.reduce((n, t) => n + t.reached, 0) / trials.length) * 1000) / 1000 };
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** USD of API Gateway messages for `posts` posts of `frameBytes`. */
function apiGatewayUsd(posts: number, frameBytes: number, p: Prices): number {
  return (posts * Math.ceil(frameBytes / p.apiGatewayMessageBytes) * p.apiGatewayMessagePerMillion) / 1e6;
}

/** Cost per million deliveries of one push of this design (median delays, warm functions). */
export function oursCostPerMillion(kind: AudienceKind, subscribers: number, v: OursVariant, m: MeasuredInputs, a: Assumptions): number {
  const p = a.prices.value;
  const s = v.settings;
  const run = oursTrial(kind, subscribers, v, m, a, drawer(() => 0.5, true), () => 1);
  const gb = s.deliveryMemoryMb / 1024;
  const messageBytes = s.frameBytes + s.fanoutBatchSize * (a.connectionIdChars.value + 3);
  const sqsRequests = run.invocations > 1
    ? run.sends * Math.ceil((10 * messageBytes) / p.sqsRequestBytes) + (run.invocations - 1) * (Math.ceil(messageBytes / p.sqsRequestBytes) + 1)
    : 0;
  const itemBytes = kind === 'broadcast' ? a.itemBytes.value.shard : a.itemBytes.value.audience;
  const channel = kind === 'channel' ? a.channelUnits.value : { readUnits: 0, writeUnits: 0 };
  const usd =
    apiGatewayUsd(subscribers, s.frameBytes, p) +
    (Math.ceil(s.frameBytes / p.eventBridgeEventBytes) * p.eventBridgeEventPerMillion) / 1e6 +
    (run.invocations * p.lambdaRequestPerMillion) / 1e6 +
    (((run.pushMs + run.workerMs) / 1000) * gb * p.lambdaGbSecondArm) +
    ((readUnits(subscribers, itemBytes, a) + channel.readUnits) * p.dynamoReadUnitPerMillion) / 1e6 +
    (channel.writeUnits * p.dynamoWriteUnitPerMillion) / 1e6 +
    (sqsRequests * p.sqsRequestPerMillion) / 1e6;
  return round4((usd / subscribers) * 1e6);
}

/** Cost per million deliveries of one push of the AWS sample (its function runs on x86, SAM's default). */
export function sampleCostPerMillion(subscribers: number, frameBytes: number, m: MeasuredInputs, a: Assumptions): number {
  const p = a.prices.value;
  const run = sampleTrial(subscribers, m, a, drawer(() => 0.5, true), () => 1);
  const delivered = Math.max(1, Math.round(run.reached * subscribers));
  const usd =
    apiGatewayUsd(delivered + 1, frameBytes, p) + // + the client message that triggers it
    p.lambdaRequestPerMillion / 1e6 +
    (run.durationMs / 1000) * (a.sample.value.memoryMb / 1024) * p.lambdaGbSecondX86 +
    (readUnits(Math.min(subscribers, idsPerPage(a.itemBytes.value.sampleConnection, a)), a.itemBytes.value.sampleConnection, a) *
      p.dynamoReadUnitPerMillion) / 1e6;
  return round4((usd / delivered) * 1e6);
}

/** Projects this design for one audience over seeded trials. */
export function projectOurs(kind: AudienceKind, subscribers: number, v: OursVariant, m: MeasuredInputs, a: Assumptions, o: ProjectionOptions) {
  const random = uniform(o.seed + subscribers + (kind === 'broadcast' ? 7 : 0));
  const trials = Array.from({ length: o.trials }, () => oursTrial(kind, subscribers, v, m, a, drawer(random, false), random));
  return { ...summarize(trials), costPerMillionUsd: oursCostPerMillion(kind, subscribers, v, m, a) };
}

/** Projects the AWS sample's design for one audience over seeded trials. */
export function projectSample(subscribers: number, frameBytes: number, m: MeasuredInputs, a: Assumptions, o: ProjectionOptions) {
  const random = uniform(o.seed + subscribers + 3);
  const trials = Array.from({ length: o.trials }, () => sampleTrial(subscribers, m, a, drawer(random, false), random));
  const summary = summarize(trials);
  const perPage = idsPerPage(a.itemBytes.value.sampleConnection, a);
  const note =
    subscribers > perPage
      ? `one unpaginated Scan returns one 1 MB page: at most ${perPage} connections`
      : summary.reached < 1
        ? `the function's ${a.sample.value.timeoutMs / 1000} s timeout ends it first`
        : undefined;
  return { ...summary, costPerMillionUsd: sampleCostPerMillion(subscribers, frameBytes, m, a), ...(note ? { note } : {}) };
}

/** The throttle floor: the account throttle with a full burst bucket, plus one call. No design can do better. */
export function projectFloor(subscribers: number, frameBytes: number, a: Assumptions) {
  const t = throttleSeconds(subscribers, a) * 1000;
  const latency = a.postLatencyMs.value;
  return {
    p50Ms: Math.round(t + latency.p50),
    p99Ms: Math.round(t + latency.p99),
    reached: 1,
    costPerMillionUsd: round4((apiGatewayUsd(subscribers, frameBytes, a.prices.value) / subscribers) * 1e6),
  };
}

/** The settings the model suggests, and the figures they come from. */
export interface Suggestion {
  readonly settings: DesignSettings;
  readonly derivation: {
    /** µs of CPU per post × posts in flight ÷ ms per call: the vCPUs at which latency, not CPU, bounds a function. */
    readonly kneeVcpus: number;
    readonly kneeMemoryMb: number;
    readonly postsPerSecondAtSuggested: number;
    /** Projected p99 (ms) of a fanned-out 10,000-subscriber channel, per batch size tried. */
    readonly batchSizeP99Ms: Record<number, number>;
    /** Audience at which the direct path's p99 stops beating the fan-out's (searched on a 250 grid). */
    readonly directVsFanoutCrossover: number;
    readonly text: string;
  };
}

/** Batch sizes the derivation tries (at most shared/limits.ts's MAX_FANOUT_BATCH_SIZE). */
export const BATCH_SIZES_TRIED = [100, 250, 500, 1000, 1500, 2000] as const;

/**
 * Derives the delivery memory, the batch size and the fan-out threshold from the figures, in that order:
 * - memory: the knee of the roofline, where CPU per post × posts in flight = latency per call, i.e.
 *   vCPUs = cpu × concurrency ÷ latency. Below it a function is CPU-bound and slower; above it the extra
 *   memory buys nothing (and while CPU-bound, GB-seconds per post are the same at any memory). Rounded up
 *   to 64 MB; at most one vCPU, where the concurrency is lowered to latency ÷ cpu instead.
 * - batch size: the one of {@link BATCH_SIZES_TRIED} with the lowest projected p99 for a fanned-out
 *   10,000-subscriber channel at that memory (ties to the larger): few large batches pay fewer slow last
 *   calls and cold starts, many small ones spread over more instances.
 * - threshold: the largest audience (on a 250 grid up to 20,000) at which the direct path's projected p99
 *   is no worse than the fan-out's, with that memory and batch size.
 */
export function suggestSettings(current: DesignSettings, m: MeasuredInputs, a: Assumptions, o: ProjectionOptions): Suggestion {
  const { mbPerVcpu, usableVcpus } = a.cpuShare.value;
  const speed = a.lambdaVcpuSpeed.value;
  const latency = a.postLatencyMs.value.p50;
  const cpu = m.cpuPerPostUs.signedPost;
  const kneeVcpus = ((cpu / 1000) * current.deliveryConcurrency) / latency / speed;
  const memory = Math.max(128, Math.min(Math.ceil((kneeVcpus * mbPerVcpu) / 64) * 64, Math.floor(usableVcpus * mbPerVcpu)));
  const concurrency =
    kneeVcpus > usableVcpus ? Math.max(1, Math.floor((latency * 1000 * usableVcpus * speed) / cpu)) : current.deliveryConcurrency;
  const quick = { ...o, trials: Math.min(o.trials, 300) };
  const p99 = (settings: DesignSettings, n: number, path: 'direct' | 'fanout') =>
    projectOurs('channel', n, { settings, cpuPerPostUs: cpu, path }, m, a, quick).p99Ms!;

  const base: DesignSettings = { ...current, deliveryMemoryMb: memory, deliveryConcurrency: concurrency };
  const batchSizeP99Ms: Record<number, number> = {};
  let batch: number = BATCH_SIZES_TRIED[0];
  for (const b of BATCH_SIZES_TRIED) {
    batchSizeP99Ms[b] = p99({ ...base, fanoutBatchSize: b }, 10_000, 'fanout');
    if (batchSizeP99Ms[b]! <= batchSizeP99Ms[batch]!) batch = b;
  }
  let crossover = 0;
  for (let n = 250; n <= 20_000; n += 250) {
    const withBatch = { ...base, fanoutBatchSize: batch };
    if (p99(withBatch, n, 'direct') <= p99(withBatch, n, 'fanout')) crossover = n;
  }
  const threshold = Math.max(250, crossover);
  const settings: DesignSettings = { ...base, fanoutBatchSize: batch, fanoutThreshold: threshold };
  const rate = postsPerSecond(cpu, memory, concurrency, latency, a);
  return {
    settings,
    derivation: {
      kneeVcpus: Math.round(kneeVcpus * 1000) / 1000,
      kneeMemoryMb: Math.round(kneeVcpus * mbPerVcpu),
      postsPerSecondAtSuggested: Math.round(rate),
      batchSizeP99Ms,
      directVsFanoutCrossover: crossover,
      text:
        `${cpu} µs CPU per post × ${current.deliveryConcurrency} in flight ÷ ${latency} ms per call = ${kneeVcpus.toFixed(3)} vCPU ` +
        `= ${Math.round(kneeVcpus * mbPerVcpu)} MB at ${mbPerVcpu} MB per vCPU → deliveryMemorySize ${memory} MB, ${concurrency} in ` +
        `flight: ${Math.round(rate)} posts/s per function. Fanned-out 10,000-subscriber channel p99 by batch size: ` +
        `${Object.entries(batchSizeP99Ms).map(([b, v]) => `${b} → ${v} ms`).join(', ')} → fanoutBatchSize ${batch}. ` +
        `Direct p99 ≤ fan-out p99 up to ${crossover} subscribers → fanoutThreshold ${threshold}.`,
    },
  };
}

/** A goal on the projection and whether this design meets it. */
export interface GoalCheck {
  readonly goal: string;
  readonly design: DesignName;
  readonly met: boolean;
  readonly detail: string;
}

/** Checks the goals on the rows of `design`. */
export function checkGoals(rows: readonly ProjectionRow[], design: DesignName): GoalCheck[] {
  const mine = rows.filter((r) => r.design === design);
  const floor = (r: ProjectionRow) => rows.find((f) => f.design === 'throttle floor' && f.audience === r.audience && f.subscribers === r.subscribers)!;
  const at10k = mine.filter((r) => r.subscribers === 10_000);
  const large = mine.filter((r) => r.subscribers >= 100_000);
  const ratios = large.map((r) => ({ r, p50: (r.p50Ms ?? Infinity) / floor(r).p50Ms!, p99: (r.p99Ms ?? Infinity) / floor(r).p99Ms! }));
  const costs = mine.map((r) => ({ r, ratio: r.costPerMillionUsd / floor(r).costPerMillionUsd }));
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '∞');
  return [
    {
      goal: '10,000 subscribers: p99 ≤ 1.5 s',
      design,
      met: at10k.every((r) => r.p99Ms !== null && r.p99Ms <= 1500),
      detail: at10k.map((r) => `${r.audience} p99 ${r.p99Ms} ms`).join(', '),
    },
    {
      goal: '100,000 subscribers and up: within 1.3× of the throttle floor (p50 and p99)',
      design,
      met: ratios.every((x) => x.p50 <= 1.3 && x.p99 <= 1.3),
      detail: ratios.map((x) => `${x.r.audience} ${x.r.subscribers}: ${fmt(x.p50)}× / ${fmt(x.p99)}×`).join(', '),
    },
    {
      goal: 'cost per million deliveries ≤ 1.1× API Gateway’s message charge',
      design,
      met: costs.every((x) => x.ratio <= 1.1),
      detail: `worst ${fmt(Math.max(...costs.map((x) => x.ratio)))}×`,
    },
  ];
}

/** The whole projection. */
export interface Projection {
  readonly model: string;
  readonly measured: MeasuredInputs;
  readonly assumptions: Assumptions;
  readonly settings: DesignSettings;
  readonly suggestion: Suggestion;
  readonly options: ProjectionOptions;
  readonly rows: ProjectionRow[];
  readonly goals: GoalCheck[];
}

/** Projects every design for every audience and size, and checks the goals. */
export function project(settings: DesignSettings, m: MeasuredInputs, a: Assumptions, o: ProjectionOptions = DEFAULT_PROJECTION_OPTIONS): Projection {
  const suggestion = suggestSettings(settings, m, a, o);
  const variants: Array<[DesignName, OursVariant]> = [
    ['this design', { settings, cpuPerPostUs: m.cpuPerPostUs.signedPost }],
    ['this design, suggested settings', { settings: suggestion.settings, cpuPerPostUs: m.cpuPerPostUs.signedPost }],
    ['this design, SDK client', { settings, cpuPerPostUs: m.cpuPerPostUs.sdk }],
  ];
  const rows: ProjectionRow[] = [];
  for (const audience of ['channel', 'broadcast'] as const) {
    for (const subscribers of o.subscribers) {
      for (const [design, v] of variants) rows.push({ design, audience, subscribers, ...projectOurs(audience, subscribers, v, m, a, o) });
      rows.push({ design: 'AWS sample', audience, subscribers, ...projectSample(subscribers, settings.frameBytes, m, a, o) });
      rows.push({ design: 'throttle floor', audience, subscribers, ...projectFloor(subscribers, settings.frameBytes, a) });
    }
  }
  return {
    model:
      'A MODEL, not a measurement: measured CPU figures of this machine projected with stated assumptions (bench/aws-projection.ts).',
    measured: m,
    assumptions: a,
    settings,
    suggestion,
    options: o,
    rows,
    goals: [...checkGoals(rows, 'this design'), ...checkGoals(rows, 'this design, suggested settings')],
  };
}
