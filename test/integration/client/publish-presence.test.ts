import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { PushClient, type ChannelMessage, type PresenceChannel, type WebSocketConstructor } from '../../../client/src';
import type { PresenceMember } from '../../../shared/protocol';
import { devIssuerContext, type DevIssuer } from '../../../local/dev-issuer';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { runDevIssuer } from '../../support/dev-issuer';

/** Resolves when `check` holds, re-checking on every event of `on` (no timed assertion: jest's timeout bounds it). */
function when(on: (wake: () => void) => void, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => check() && resolve();
    on(wake);
    wake();
  });
}

/** The client's publish() and presence(), on the local cloud. */
describe('client publish and presence (local cloud)', () => {
  let cloud: TestCloud;
  let issuer: DevIssuer;
  const clients: PushClient[] = [];
  const client = async (user: string) => {
    const token = await issuer.sign({ user, channels: ['presence-*'], publish: ['chat-*', 'presence-*'], info: { name: user } });
    const c = new PushClient({ url: cloud.webSocketUrl, token, WebSocket: WebSocket as unknown as WebSocketConstructor, catchUpDelayMs: 0 });
    clients.push(c);
    await when((wake) => c.on('state', wake), () => c.state === 'open');
    return c;
  };

  beforeAll(async () => {
    issuer = await runDevIssuer();
    cloud = await startTestCloud({ context: devIssuerContext(issuer) });
  }, 120_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await cloud?.stop();
  });

  it('publish() resolves with published; the other subscriber gets the message with from; a refused one rejects with the code', async () => {
    const ch = `chat-${randomUUID().slice(0, 8)}`;
    const [alice, bob] = [await client('alice'), await client('bob')];
    const first = new Promise<ChannelMessage>((resolve) => bob.subscribe(ch, resolve));
    alice.subscribe(ch, () => undefined);
    await Promise.all([alice, bob].map((c) => when((wake) => c.on('subscribed', wake), () => c.positions()[ch] !== undefined)));
    const published = await alice.publish(ch, { text: 'hi' });
    expect(published).toMatchObject({ type: 'published', channel: ch, seq: 1 });
    const got = [await first];
    expect(got[0]).toMatchObject({ channel: ch, id: published.id, seq: 1, data: { text: 'hi' } });
    await expect(alice.publish(`news-${randomUUID().slice(0, 8)}`, 1)).rejects.toMatchObject({ code: 'ServerError', serverCode: 'Forbidden' });
  });

  it('presence() follows members, joins and leaves, and reloads the members after a reconnect', async () => {
    const ch = `presence-room-${randomUUID().slice(0, 8)}`;
    const alice = await client('alice');
    const room: PresenceChannel = alice.presence(ch);
    const added: PresenceMember[] = [];
    const removed: PresenceMember[] = [];
    let reloads = 0;
    room.on('member_added', (m) => added.push(m));
    room.on('member_removed', (m) => removed.push(m));
    room.on('members', () => reloads++);
    await when((wake) => room.on('members', wake), () => reloads === 1);
    expect(room.members).toEqual([{ userId: 'alice', info: { name: 'alice' } }]);

    const bob = await client('bob');
    const bobRoom = bob.presence(ch);
    await when((wake) => room.on('member_added', wake), () => added.length === 1);
    expect(added).toEqual([{ userId: 'bob', info: { name: 'bob' } }]);
    expect(room.count).toBe(2);
    await when((wake) => bobRoom.on('members', wake), () => bobRoom.count === 2);

    // Alice's connection drops: she reconnects, rejoins, and gets the members again.
    alice.socket!.close(4001, 'test drop');
    await when((wake) => room.on('members', wake), () => reloads === 2);
    expect(room.count).toBe(2);

    bob.close();
    await when((wake) => room.on('member_removed', wake), () => removed.length === 1);
    expect(removed).toEqual([{ userId: 'bob', info: { name: 'bob' } }]);
    expect(room.count).toBe(1);
    expect(room.members.map((m) => m.userId)).toEqual(['alice']);
  });
});
