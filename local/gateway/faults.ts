import { GatewayError } from './errors';
import type { GatewayFaults } from './types';

/** What a management-API call is made to answer instead of its real outcome. */
export type InjectedFault = 'throttle' | 'error' | undefined;

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
 * 429 `LimitExceededException` or 500 `InternalServerErrorException` at given rates, latency added to every
 * management-API call, `$disconnect` integrations dropped (AWS delivers them best-effort), and a delay
 * between `$connect` and the end of the handshake.
 */
export class FaultInjector {
  readonly postLatencyMs: number;
  readonly connectDelayMs: number;
  private readonly random: () => number;

  constructor(private readonly faults: GatewayFaults = {}) {
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
    this.postLatencyMs = latency;
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
    return (f.throttleRate ?? 0) > 0 || (f.errorRate ?? 0) > 0 || this.postLatencyMs > 0 || (f.dropDisconnectRate ?? 0) > 0 || this.connectDelayMs > 0;
  }

  /** The fault a management-API call gets, if any. */
  managementFault(): InjectedFault {
    const throttle = this.faults.throttleRate ?? 0;
    const error = this.faults.errorRate ?? 0;
    if (throttle + error === 0) return undefined;
    const r = this.random();
    if (r < throttle) return 'throttle';
    if (r < throttle + error) return 'error';
    return undefined;
  }

  /** Whether this `$disconnect` is dropped (not invoked). */
  dropDisconnect(): boolean {
    const rate = this.faults.dropDisconnectRate ?? 0;
    return rate > 0 && this.random() < rate;
  }
}
