import { reconnectDelay } from '../../../client/src/backoff';

describe('reconnectDelay: equal-jitter exponential backoff', () => {
  const opts = { initialDelayMs: 100, maxDelayMs: 1000 };
  it('stays in the upper half of a doubling ceiling, capped', () => {
    expect(reconnectDelay(0, opts, () => 0)).toBe(50);
    expect(reconnectDelay(0, opts, () => 1)).toBe(100);
    expect(reconnectDelay(3, opts, () => 0)).toBe(400);
    expect(reconnectDelay(3, opts, () => 1)).toBe(800);
    expect(reconnectDelay(10, opts, () => 1)).toBe(1000);
    expect(reconnectDelay(1000, opts, () => 0.5)).toBe(750);
  });
  it('is never zero and spreads clients out', () => {
    const delays = new Set(Array.from({ length: 50 }, () => reconnectDelay(2, opts)));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(delays.size).toBeGreaterThan(10);
  });
});
