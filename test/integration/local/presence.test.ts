import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { devIssuerContext, type DevIssuer } from '../../../local/dev-issuer';
import type { GatewayFaults } from '../../../local/gateway/types';
import { presenceKeys, TABLE } from '../../../shared/table-schema';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { localTarget, type PushTarget } from '../../support/target';
import { TestClient } from '../../support/ws-client';
import { runDevIssuer } from '../../support/dev-issuer';
import { queryPartition } from '../../support/local-services';

const MAX_MEMBERS = 2;

/** Presence channels: members, joins and leaves of users over several connections, vanished connections. */
describe('presence channels (local cloud)', () => {
  let cloud: TestCloud;
  let target: PushTarget;
  let issuer: DevIssuer;
  let db: DynamoDBDocumentClient;
  // Active (so the gateway consults it) but dropping nothing until a test sets the rate to 1; seeded, so repeatable.
  const faults: { -readonly [K in keyof GatewayFaults]: GatewayFaults[K] } = { dropDisconnectRate: 1e-12, seed: 7 };
  const clients: TestClient[] = [];
  const connect = async (token?: string) => {
    const url = token ? `${cloud.webSocketUrl}?token=${encodeURIComponent(token)}` : cloud.webSocketUrl;
    const c = await TestClient.connect(url);
    clients.push(c);
    return c;
  };
  const as = async (user: string, channels = ['presence-room-*']) => connect(await issuer.sign({ user, channels, info: { name: user.toUpperCase() } }));
  const room = () => `presence-room-${randomUUID().slice(0, 8)}`;
  const subscribe = async (c: TestClient, channel: string) => {
    const seen = c.frames.length;
    c.send({ action: 'subscribe', channel });
    return c.next((m) => c.frames.indexOf(m) >= seen && ((m.type === 'subscribed' && m.channel === channel) || m.type === 'error'));
  };
  const presenceFrames = (c: TestClient, type: string) => c.frames.filter((m) => m.type === type).map((m) => m.member.userId);
  const memberItems = (channel: string) => queryPartition(db, cloud.outputs.ConnectionsTableName, presenceKeys.channel(channel));

  beforeAll(async () => {
    issuer = await runDevIssuer();
    cloud = await startTestCloud({
      context: { ...devIssuerContext(issuer), allowAnonymous: 'true', presenceMaxMembers: String(MAX_MEMBERS) },
      faults,
      // Expired items stay until DynamoDB's TTL deletes them (on AWS, typically within days); the expired-member
      // cases need that window, which the tests' 200 ms sweeps would close.
      ttlSweepIntervalMs: 3_600_000,
    });
    target = localTarget(cloud);
    db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  }, 120_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    db?.destroy();
    await target?.stop();
    await cloud?.stop();
  });

  it('three users over five connections: joins, a second tab, the cap, count, a close, a vanished connection', async () => {
    const ch = room();
    const [a1, a2, b1, c1, c2] = [await as('alice'), await as('alice'), await as('bob'), await as('carol'), await as('carol')];

    expect(await subscribe(a1, ch)).toEqual({ type: 'subscribed', channel: ch, seq: 0, members: [{ userId: 'alice', info: { name: 'ALICE' } }], count: 1 });
    const bob = await subscribe(b1, ch);
    expect(bob.count).toBe(2);
    expect(bob.members).toEqual(expect.arrayContaining([{ userId: 'alice', info: { name: 'ALICE' } }, { userId: 'bob', info: { name: 'BOB' } }]));
    expect(await a1.next((m) => m.type === 'member_added')).toEqual({ type: 'member_added', channel: ch, member: { userId: 'bob', info: { name: 'BOB' } } });

    // A second tab of alice: she is counted once and nobody hears her join again.
    expect(await subscribe(a2, ch)).toMatchObject({ count: 2 });
    // Carol makes three members: the list is capped, the count is not.
    const carol = await subscribe(c1, ch);
    expect(carol.count).toBe(3);
    expect(carol.members).toHaveLength(MAX_MEMBERS);
    expect(await subscribe(c2, ch)).toMatchObject({ count: 3 });
    for (const c of [a1, a2, b1]) await c.next((m) => m.type === 'member_added' && m.member.userId === 'carol');
    await cloud.idle();
    expect(presenceFrames(a1, 'member_added')).toEqual(['bob', 'carol']);
    expect(presenceFrames(b1, 'member_added')).toEqual(['carol']);
    expect(presenceFrames(a2, 'member_added')).toEqual(['carol']);
    expect(presenceFrames(c1, 'member_added')).toEqual([]);
    expect(presenceFrames(c2, 'member_added')).toEqual([]);
    expect(await memberItems(ch)).toHaveLength(3);

    // Alice closes one tab: still there. She closes the other: gone, once.
    a1.close();
    await a1.closed();
    await cloud.idle();
    expect([b1, c1, c2].flatMap((c) => presenceFrames(c, 'member_removed'))).toEqual([]);
    a2.close();
    for (const c of [b1, c1, c2]) {
      expect(await c.next((m) => m.type === 'member_removed')).toEqual({ type: 'member_removed', channel: ch, member: { userId: 'alice', info: { name: 'ALICE' } } });
    }

    // Bob's connection vanishes without $disconnect: he stays a member until a push meets its 410.
    faults.dropDisconnectRate = 1;
    try {
      b1.close();
      await b1.closed();
      await cloud.idle();
    } finally {
      faults.dropDisconnectRate = 1e-12;
    }
    expect(presenceFrames(c1, 'member_removed')).toEqual(['alice']);
    expect((await memberItems(ch)).map((i) => i.userId).sort()).toEqual(['bob', 'carol']);
    const pushed = await target.publish({ channel: ch, data: 'anyone there?' });
    for (const c of [c1, c2]) {
      await c.next((m) => m.id === pushed);
      await c.next((m) => m.type === 'member_removed' && m.member.userId === 'bob');
    }
    await cloud.idle();
    expect(presenceFrames(c1, 'member_removed')).toEqual(['alice', 'bob']);
    expect(await subscribe(await as('dave'), ch)).toMatchObject({ count: 2 });
    expect((await memberItems(ch)).map((i) => i.userId).sort()).toEqual(['carol', 'dave']);
  });

  it('announces member_removed on unsubscribe of a user\'s last connection', async () => {
    const ch = room();
    const [e1, f1] = [await as('erin'), await as('frank')];
    await subscribe(e1, ch);
    await subscribe(f1, ch);
    f1.send({ action: 'unsubscribe', channel: ch });
    await f1.next((m) => m.type === 'unsubscribed');
    expect(await e1.next((m) => m.type === 'member_removed')).toMatchObject({ member: { userId: 'frank' } });
    expect(await memberItems(ch)).toHaveLength(1);
  });

  it('never lists or counts a member whose record expired', async () => {
    const ch = room();
    await db.send(new PutCommand({
      TableName: cloud.outputs.ConnectionsTableName,
      Item: {
        [TABLE.partitionKey]: presenceKeys.channel(ch),
        [TABLE.sortKey]: presenceKeys.member('ghost'),
        userId: 'ghost',
        [presenceKeys.connections]: new Set(['gone-connection']),
        [TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) - 60,
      },
    }));
    const reply = await subscribe(await as('gina'), ch);
    expect(reply).toMatchObject({ members: [{ userId: 'gina' }], count: 1 });
    // No function ran when it expired: the join that found it removed it and announced it, once.
    expect(await memberItems(ch)).toEqual([expect.objectContaining({ userId: 'gina' })]);
  });

  it('announces member_removed for an expired member at the next join, once', async () => {
    const ch = room();
    const [h1, i1] = [await as('hank'), await as('ivy')];
    await subscribe(h1, ch);
    await subscribe(i1, ch);
    // Ivy's connections vanished long ago (no $disconnect, no push met them): her member item's TTL has passed.
    const [ivy] = (await memberItems(ch)).filter((i) => i.userId === 'ivy');
    await db.send(new PutCommand({ TableName: cloud.outputs.ConnectionsTableName, Item: { ...ivy, [TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) - 1 } }));
    const joey = await as('joey');
    expect(await subscribe(joey, ch)).toMatchObject({ members: [{ userId: 'hank' }, { userId: 'joey' }], count: 2 });
    expect(await h1.next((m) => m.type === 'member_removed')).toEqual({ type: 'member_removed', channel: ch, member: { userId: 'ivy', info: { name: 'IVY' } } });
    await subscribe(await as('kate'), ch);
    await cloud.idle();
    expect(presenceFrames(h1, 'member_removed')).toEqual(['ivy']);
    expect(presenceFrames(joey, 'member_removed')).toEqual([]); // it was announced before joey's subscription
    expect((await memberItems(ch)).map((i) => i.userId).sort()).toEqual(['hank', 'joey', 'kate']);
  });

  describe('hostile: a typed error, nothing stored', () => {
    it('presence without a token', async () => {
      const ch = room();
      const anonymous = await connect();
      expect(await subscribe(anonymous, ch)).toMatchObject({ type: 'error', code: 'Forbidden' });
      expect(await memberItems(ch)).toEqual([]);
      expect(await target.subscribers(ch)).toEqual([]);
    });

    it('presence without a matching channels permission', async () => {
      const ch = room();
      const watcher = await as('watcher');
      await subscribe(watcher, ch);
      const mallory = await as('mallory', ['presence-other-*']);
      expect(await subscribe(mallory, ch)).toMatchObject({ type: 'error', code: 'Forbidden' });
      await cloud.idle();
      expect(presenceFrames(watcher, 'member_added')).toEqual([]);
      expect((await memberItems(ch)).map((i) => i.userId)).toEqual(['watcher']);
      expect(await target.subscribers(ch)).toHaveLength(1);
    });
  });
});
