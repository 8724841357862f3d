import type { HistoryEntry } from '../../../lambdas/core/channel-history';
import { planReplay, type ReplayInput } from '../../../lambdas/core/plan-replay';

const NOW = 1_000_000;
const entry = (seq: number, ageMs: number): HistoryEntry => ({
  seq,
  eventId: `e${seq}`,
  frame: JSON.stringify({ type: 'message', channel: 'c', id: `e${seq}`, seq, data: seq }),
  createdAt: NOW - ageMs,
});
const input = (over: Partial<ReplayInput>): ReplayInput => ({
  channel: 'c', since: 0, position: { last: 0, updatedAt: 0 }, entries: [], truncated: false,
  now: NOW, windowMs: 60_000, graceMs: 10_000, budgetBytes: 100_000, ...over,
});

describe('planReplay', () => {
  it('replays what follows `since`, in order', () => {
    const plan = planReplay(input({ since: 1, position: { last: 3, updatedAt: NOW - 5 }, entries: [entry(2, 10), entry(3, 5)] }));
    expect(plan).toEqual({ type: 'replay', channel: 'c', messages: [JSON.parse(entry(2, 10).frame), JSON.parse(entry(3, 5).frame)], last: 3, more: false });
  });

  it('reports a gap for entries older than the window even when TTL has not deleted them', () => {
    const plan = planReplay(input({ since: 1, position: { last: 4, updatedAt: NOW }, entries: [entry(2, 90_000), entry(3, 70_000), entry(4, 1)] }));
    expect(plan).toEqual({ type: 'gap', channel: 'c', from: 2, to: 3, last: 4 });
  });

  it('reports a gap for missing seqs assigned longer ago than the grace (deleted by TTL, or never stored)', () => {
    expect(planReplay(input({ since: 1, position: { last: 5, updatedAt: NOW }, entries: [entry(4, 20_000), entry(5, 1)] })))
      .toEqual({ type: 'gap', channel: 'c', from: 2, to: 3, last: 5 });
    expect(planReplay(input({ since: 1, position: { last: 5, updatedAt: NOW - 20_000 }, entries: [] })))
      .toEqual({ type: 'gap', channel: 'c', from: 2, to: 5, last: 5 });
  });

  it('presumes recently assigned missing seqs in flight: no gap, they come live', () => {
    const plan = planReplay(input({ since: 1, position: { last: 3, updatedAt: NOW - 5 }, entries: [entry(3, 5)] }));
    expect(plan).toMatchObject({ type: 'replay', last: 3, more: false });
    expect((plan as { messages: unknown[] }).messages).toHaveLength(1);
  });

  it('cuts a replay at the byte budget and says there is more', () => {
    const entries = [1, 2, 3].map((s) => entry(s, 1));
    const plan = planReplay(input({ position: { last: 3, updatedAt: NOW }, entries, budgetBytes: entries[0]!.frame.length * 2 + 2 }));
    expect(plan).toMatchObject({ type: 'replay', more: true });
    expect((plan as { messages: Array<{ seq: number }> }).messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('is an empty replay when the client is up to date', () => {
    expect(planReplay(input({ since: 7, position: { last: 7, updatedAt: NOW - 99_999 } }))).toEqual({ type: 'replay', channel: 'c', messages: [], last: 7, more: false });
  });
});
