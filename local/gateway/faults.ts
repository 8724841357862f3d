import { GatewayError } from './errors';
import type { GatewayFaults } from './types';

/** A status a management-API call can be scripted to get; `200` serves the call as usual. */
export type ScriptedStatus = 200 | 403 | 410 | 413 | 429 | 500;

/** An answer the management API gives instead of serving a call, worded as API Gateway words it. */
export interface FaultAnswer {
  readonly status: number;
  /** `x-amzn-ErrorType` of the answer. */
  readonly errorType: string;
  /** The body's `message` (`null` for 410, as API Gateway sends it). */
  readonly message: string | null;
}

/** API Gateway's answers for each scripted error status. */
export const FAULT_ANSWERS: Readonly<Record<Exclude<ScriptedStatus, 200>, FaultAnswer>> = {
  403: { status: 403, errorType: 'ForbiddenException', message: 'Forbidden' },
  410: { status: 410, errorType: 'GoneException', message: null },
  413: { status: 413, errorType: 'PayloadTooLargeException', message: 'Request entity too large' },
  429: { status: 429, errorType: 'LimitExceededException', message: 'Limit exceeded' },
  500: { status: 500, errorType: 'InternalServerErrorException', message: 'Internal server error' },
};

const SCRIPTED_STATUSES = new Set<number>([200, ...Object.keys(FAULT_ANSWERS).map(Number)]);

/**
 * A scripted sequence of management-API answers, for tests that need an exact one (429 then 200, a 403…):
 * each call takes the next status queued for its connection id, else the next one queued for any connection.
 * A call with nothing queued is served as usual (random faults still apply to it). It can be programmed
 * while the gateway runs (connection ids are known once clients are connected).
 */
export class FaultScript {
  private readonly byConnection = new Map<string, ScriptedStatus[]>();
  private readonly anyConnection: ScriptedStatus[] = [];

  /** Queues `statuses` for the next calls on `connectionId`, after those already queued. */
  forConnection(connectionId: string, statuses: readonly ScriptedStatus[]): this {
    const queue = this.byConnection.get(connectionId) ?? [];
    queue.push(...checked(statuses));
    this.byConnection.set(connectionId, queue);
    return this;
  }

  /** Queues `statuses` for the next calls on any connection (used when a call's own connection has none queued). */
  forAnyConnection(statuses: readonly ScriptedStatus[]): this {
    this.anyConnection.push(...checked(statuses));
    return this;
  }

  /** Takes the status scripted for the next call on `connectionId`; `undefined` when none is queued. */
  take(connectionId: string): ScriptedStatus | undefined {
    const own = this.byConnection.get(connectionId);
    if (own && own.length > 0) return own.shift();
    return this.anyConnection.shift();
  }

  /** Number of statuses still queued (for all connections). */
  get pending(): number {
    let n = this.anyConnection.length;
    for (const queue of this.byConnection.values()) n += queue.length;
    return n;
  }

  /** Drops everything queued. */
  clear(): void {
    this.byConnection.clear();
    this.anyConnection.length = 0;
  }
}

function checked(statuses: readonly ScriptedStatus[]): ScriptedStatus[] {
  for (const s of statuses) {
    if (!SCRIPTED_STATUSES.has(s)) {
      throw new GatewayError('InvalidGatewayOptions', `a fault script status must be one of ${[...SCRIPTED_STATUSES].join(', ')}, got ${String(s)}`);
    }
  }
  return [...statuses];
}

/**
 * `GatewayFaults` plus a {@link FaultScript}. Pass it where `GatewayFaults` is taken (`startGateway`'s and
 * the local cloud's `faults`): `const faults: ScriptedGatewayFaults = { script }`.
 */
export interface ScriptedGatewayFaults extends GatewayFaults {
  /** Answers scripted per call, before the random rates. @default none */
  readonly script?: FaultScript;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence of faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fault injection of the local gateway, for tests and benchmarks: management-API calls answered with
 * 429 `LimitExceededException` or 500 `InternalServerErrorException` at given rates, or with the answers of a
 * {@link FaultScript}; latency added to every management-API call; `$disconnect` integrations dropped
 * (AWS delivers them best-effort); and a delay between `$connect` and the end of the handshake.
 */
export class FaultInjector {
  readonly postLatencyMs: number;
  readonly connectDelayMs: number;
  private readonly random: () => number;
  private readonly script?: FaultScript;

  constructor(private readonly faults: ScriptedGatewayFaults = {}) {
    for (const key of ['throttleRate', 'errorRate', 'dropDisconnectRate'] as const) {
      const v = faults[key];
      if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) {
        throw new GatewayError('InvalidGatewayOptions', `faults.${key} must be a fraction from 0 to 1, got ${String(v)}`);
      }
    }
    if ((faults.throttleRate ?? 0) + (faults.errorRate ?? 0) > 1) {
      throw new GatewayError('InvalidGatewayOptions', 'faults.throttleRate + faults.errorRate must be at most 1');
    }
    const latency = faults.postLatencyMs ?? 0;
    if (!(typeof latency === 'number' && latency >= 0 && Number.isFinite(latency))) {
      throw new GatewayError('InvalidGatewayOptions', `faults.postLatencyMs must be a number of ms from 0, got ${String(latency)}`);
    }
    if (faults.script !== undefined && !(faults.script instanceof FaultScript)) {
      throw new GatewayError('InvalidGatewayOptions', 'faults.script must be a FaultScript');
    }
    this.postLatencyMs = latency;
    this.script = faults.script;
    const connectDelay = faults.connectDelayMs ?? 0;
    if (!(typeof connectDelay === 'number' && connectDelay >= 0 && Number.isFinite(connectDelay))) {
      throw new GatewayError('InvalidGatewayOptions', `faults.connectDelayMs must be a number of ms from 0, got ${String(connectDelay)}`);
    }
    this.connectDelayMs = connectDelay;
    this.random = faults.seed !== undefined ? seededRandom(faults.seed) : Math.random;
  }

  /** True when any fault is configured. */
  get active(): boolean {
    const f = this.faults;
    return (
      (f.throttleRate ?? 0) > 0 || (f.errorRate ?? 0) > 0 || this.postLatencyMs > 0 || (f.dropDisconnectRate ?? 0) > 0 ||
      this.script !== undefined || this.connectDelayMs > 0
    );
  }

  /**
   * The answer a management-API call on `connectionId` gets instead of being served, if any: the script's
   * next status for it (`200`: served), else a random 429 or 500 at the configured rates.
   */
  managementFault(connectionId: string): FaultAnswer | undefined {
    const scripted = this.script?.take(connectionId);
    if (scripted !== undefined) return scripted === 200 ? undefined : FAULT_ANSWERS[scripted];
    const throttle = this.faults.throttleRate ?? 0;
    const error = this.faults.errorRate ?? 0;
    if (throttle + error === 0) return undefined;
    const r = this.random();
    if (r < throttle) return FAULT_ANSWERS[429];
    if (r < throttle + error) return FAULT_ANSWERS[500];
    return undefined;
  }

  /** Whether this `$disconnect` is dropped (not invoked). */
  dropDisconnect(): boolean {
    const rate = this.faults.dropDisconnectRate ?? 0;
    return rate > 0 && this.random() < rate;
  }
}
