import type { ConnectionAge } from '../../../lambdas/core/deliver';
import { MAX_PRESENCE_INFO_BYTES, mayPublish, presenceInfoOf } from '../../../shared/auth';
import { validateDetail } from '../../../lambdas/core/validate-detail';
import { leavingPresence, presenceMember, withinBytes } from '../../../lambdas/core/presence';
import { InMemoryConnectionStore } from '../../support/in-memory-connection-store';

describe('publish permission', () => {
  const who = { userId: 'alice', publish: ['chat-*'], channels: ['private-team-*'] };
  it.each<[string, boolean]>([
    ['chat-1', true],
    ['news', false],
    ['private-team-1', false],
  ])('%s: %s', (channel, allowed) => expect(mayPublish(channel, who)).toBe(allowed));
  it('needs the channel permission too on private and presence channels, and a user always', () => {
    expect(mayPublish('private-team-1', { ...who, publish: ['*'] })).toBe(true);
    expect(mayPublish('presence-room', { ...who, publish: ['*'] })).toBe(false);
    expect(mayPublish('chat-1', { publish: ['*'], channels: [] })).toBe(false);
  });
});

describe('presence info', () => {
  it('keeps JSON up to the limit, drops a bigger one, and parses it back', () => {
    expect(presenceInfoOf({ name: 'A' })).toBe('{"name":"A"}');
    expect(presenceInfoOf(undefined)).toBeUndefined();
    expect(presenceInfoOf('x'.repeat(MAX_PRESENCE_INFO_BYTES))).toBeUndefined();
    expect(presenceMember('alice', '{"name":"A"}')).toEqual({ userId: 'alice', info: { name: 'A' } });
    expect(presenceMember('alice', undefined)).toEqual({ userId: 'alice' });
  });
  it('lists members within a byte budget', () => {
    const members = Array.from({ length: 10 }, (_, i) => ({ userId: `u${i}`, info: 'x'.repeat(100) }));
    const kept = withinBytes(members, 500);
    expect(kept.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(500);
    expect(kept).toEqual(members.slice(0, kept.length));
  });
});

describe('channel push fields', () => {
  const event = (detail: unknown) => ({ id: 'evt-1', detail });
  it('takes id, from and excludeConnectionId of a channel push', () => {
    const out = validateDetail(event({ channel: 'chat', data: 1, id: 'm-1', from: { userId: 'alice' }, excludeConnectionId: 'c1' }));
    expect(out).toMatchObject({ ok: true, push: { eventId: 'm-1', excludeConnectionId: 'c1', message: { id: 'm-1', from: { userId: 'alice' } } } });
    if (out.ok) expect(out.push.frame.text).toBe('{"type":"message","channel":"chat","id":"m-1","from":{"userId":"alice"},"data":1}');
  });
  it.each([
    [{ userId: 'bob', data: 1, from: { userId: 'alice' } }],
    [{ channel: 'chat', data: 1, from: { userId: 'alice', admin: true } }],
    [{ channel: 'chat', data: 1, from: 'alice' }],
    [{ channel: 'chat', data: 1, id: '' }],
    [{ channel: 'chat', data: 1, excludeConnectionId: 5 }],
  ])('refuses %j as InvalidField', (detail) => {
    expect(validateDetail(event(detail))).toMatchObject({ ok: false, error: { code: 'InvalidField' } });
  });
});

describe('the registry that leaves presence channels first', () => {
  it('keeps the registration time, so a 410 in the handshake is not taken for a gone connection', async () => {
    const store = new InMemoryConnectionStore();
    const withAge = Object.assign(store, { connectedAt: async (id: string) => (id === 'c1' ? 1234 : undefined) });
    const wrapped = leavingPresence(withAge, () => { throw new Error('not used'); });
    expect(await wrapped.connectedAt!('c1')).toBe(1234);
    expect((leavingPresence(new InMemoryConnectionStore(), () => { throw new Error('not used'); }) as Partial<ConnectionAge>).connectedAt).toBeUndefined();
  });
});
