import { ChannelStream } from '../../../client/src/channel-stream';
import type { PushMessage } from '../../../shared/protocol';

const msg = (seq: number, id = `e${seq}`): PushMessage => ({ type: 'message', channel: 'c', id, seq, data: { seq } });
const seqs = (step: { deliver: Array<{ seq?: number }> }) => step.deliver.map((m) => m.seq);

describe('ChannelStream: order and dedupe of one channel', () => {
  it('starts after the seq of `subscribed` and delivers in order', () => {
    const s = new ChannelStream('c');
    expect(seqs(s.onMessage(msg(6)))).toEqual([]); // before the subscription point is known: held
    expect(seqs(s.onSubscribed(5))).toEqual([6]);
    expect(seqs(s.onMessage(msg(7)))).toEqual([7]);
    expect(s.position).toBe(7);
  });

  it('drops messages at or before the subscription point', () => {
    const s = new ChannelStream('c');
    s.onMessage(msg(4));
    expect(seqs(s.onSubscribed(5))).toEqual([]);
    expect(seqs(s.onMessage(msg(5)))).toEqual([]);
  });

  it('holds a message ahead of a hole and releases it when the hole is filled', () => {
    const s = new ChannelStream('c', { position: 1 });
    expect(seqs(s.onMessage(msg(3)))).toEqual([]);
    expect(s.hasHole()).toBe(true);
    expect(seqs(s.onMessage(msg(2)))).toEqual([2, 3]);
    expect(s.hasHole()).toBe(false);
  });

  it('drops duplicate seqs and a second seq of the same event id', () => {
    const s = new ChannelStream('c', { position: 0 });
    expect(seqs(s.onMessage(msg(1)))).toEqual([1]);
    expect(seqs(s.onMessage(msg(1)))).toEqual([]);
    expect(seqs(s.onMessage(msg(2, 'e1')))).toEqual([]); // a concurrent redelivery numbered twice
    expect(seqs(s.onMessage(msg(3)))).toEqual([3]);
    expect(s.position).toBe(3);
  });

  it('merges a replay with live messages that arrived during it: in order, each once', () => {
    const s = new ChannelStream('c', { position: 2 });
    s.onMessage(msg(6)); // live, ahead of the replay
    s.onMessage(msg(5));
    const step = s.onReplay({ type: 'replay', channel: 'c', messages: [msg(3), msg(4), msg(5)], last: 6, more: false });
    expect(seqs(step)).toEqual([3, 4, 5, 6]);
    expect(step.deliver.map((m) => m.replayed)).toEqual([true, true, false, false]); // 5 came live first
    expect(step.resyncSince).toBeUndefined();
  });

  it('asks for the next page of a cut replay', () => {
    const s = new ChannelStream('c', { position: 0 });
    const step = s.onReplay({ type: 'replay', channel: 'c', messages: [msg(1), msg(2)], last: 9, more: true });
    expect(step.resyncSince).toBe(2);
  });

  it('knows a hole from `last` even with nothing buffered (a seq still in flight)', () => {
    const s = new ChannelStream('c', { position: 0 });
    s.onReplay({ type: 'replay', channel: 'c', messages: [msg(1)], last: 2, more: false });
    expect(s.hasHole()).toBe(true);
    expect(seqs(s.onMessage(msg(2)))).toEqual([2]);
    expect(s.hasHole()).toBe(false);
  });

  it('reports a gap, skips past it, releases what follows and asks for the rest', () => {
    const s = new ChannelStream('c', { position: 2 });
    s.onMessage(msg(9));
    const step = s.onGap({ type: 'gap', channel: 'c', from: 3, to: 8, last: 9 });
    expect(step.gap).toEqual({ channel: 'c', from: 3, to: 8 });
    expect(seqs(step)).toEqual([9]);
    expect(step.resyncSince).toBe(9);
  });

  it('follows a channel whose numbering restarted', () => {
    const s = new ChannelStream('c', { position: 40 });
    expect(seqs(s.onReplay({ type: 'replay', channel: 'c', messages: [], last: 2, more: false }))).toEqual([]);
    expect(seqs(s.onMessage(msg(3)))).toEqual([3]);
  });

  it('without seqs (a server that does not number), delivers as received and dedupes by id', () => {
    const s = new ChannelStream('c');
    s.onSubscribed(undefined);
    const plain = (id: string): PushMessage => ({ type: 'message', channel: 'c', id, data: 1 });
    expect(s.onMessage(plain('a')).deliver).toHaveLength(1);
    expect(s.onMessage(plain('a')).deliver).toHaveLength(0);
    expect(s.onMessage(plain('b')).deliver).toHaveLength(1);
  });
});
