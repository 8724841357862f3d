import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { devIssuerContext, type DevIssuer } from '../../../local/dev-issuer';
import { historyKeys } from '../../../shared/table-schema';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { TestClient } from '../../support/ws-client';
import { runDevIssuer } from '../../support/dev-issuer';
import { queryPartition } from '../../support/local-services';

const MAX_PER_MINUTE = 20;

/** Clients publishing to channels through `$default`: permissions, echo, `from`, seq and replay. */
describe('client publish (local cloud)', () => {
  let cloud: TestCloud;
  let issuer: DevIssuer;
  let db: DynamoDBDocumentClient;
  const clients: TestClient[] = [];
  const connect = async (token?: string) => {
    const url = token ? `${cloud.webSocketUrl}?token=${encodeURIComponent(token)}` : cloud.webSocketUrl;
    const c = await TestClient.connect(url);
    clients.push(c);
    return c;
  };
  const as = async (user: string, claims: { publish?: string[]; channels?: string[] } = {}) => connect(await issuer.sign({ user, ...claims }));
  const channel = (prefix = 'chat') => `${prefix}-${randomUUID().slice(0, 8)}`;
  /** Stored history items of a channel (what a replay could return). */
  const stored = (ch: string) => queryPartition(db, cloud.outputs.ConnectionsTableName, historyKeys.history(ch));
  /** Sends a publish (in 30 KB WebSocket frames, under API Gateway's 32 KB frame limit) and waits for its reply. */
  const publish = (c: TestClient, frame: Record<string, unknown>) => {
    const seen = c.frames.length;
    const text = JSON.stringify({ action: 'publish', ...frame });
    const chunk = 30 * 1024;
    for (let at = 0; at < text.length; at += chunk) c.ws.send(text.slice(at, at + chunk), { fin: at + chunk >= text.length });
    return c.next((m) => c.frames.indexOf(m) >= seen && ((m.type === 'published' && m.replyTo === frame.id) || m.type === 'error'));
  };

  beforeAll(async () => {
    issuer = await runDevIssuer();
    cloud = await startTestCloud({ context: { ...devIssuerContext(issuer), allowAnonymous: 'true', maxMessagesPerMinute: String(MAX_PER_MINUTE) } });
    db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  }, 120_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    db?.destroy();
    await cloud?.stop();
  });

  it('delivers to the other subscribers with from and seq, not back to the sender, and answers published', async () => {
    const ch = channel();
    const alice = await as('alice', { publish: ['chat-*'] });
    const [bob, carol] = [await as('bob'), await as('carol')];
    for (const c of [alice, bob, carol]) await c.subscribe(ch);
    const published = await publish(alice, { channel: ch, data: { text: 'hi' }, id: 'r1' });
    expect(published).toEqual({ type: 'published', channel: ch, id: expect.any(String), seq: 1, replyTo: 'r1' });
    for (const c of [bob, carol]) {
      expect(await c.next((m) => m.type === 'message' && m.id === published.id)).toEqual({
        type: 'message', channel: ch, id: published.id, from: { userId: 'alice' }, seq: 1, data: { text: 'hi' },
      });
    }
    await cloud.idle();
    expect(alice.messages()).toEqual([]);
    expect(await stored(ch)).toHaveLength(1);
  });

  it('echoes to the sender with "echo": true', async () => {
    const ch = channel();
    const alice = await as('alice', { publish: [ch] });
    const bob = await as('bob');
    await alice.subscribe(ch);
    await bob.subscribe(ch);
    const published = await publish(alice, { channel: ch, data: 'both', echo: true, id: 'e1' });
    for (const c of [alice, bob]) {
      expect(await c.next((m) => m.type === 'message' && m.id === published.id)).toMatchObject({ from: { userId: 'alice' }, seq: published.seq, data: 'both' });
    }
  });

  it('replays published messages to a subscribe with since, exactly as they were delivered', async () => {
    const ch = channel();
    const alice = await as('alice', { publish: ['chat-*'] });
    const bob = await as('bob');
    await bob.subscribe(ch);
    const first = await publish(alice, { channel: ch, data: 1, id: 'a' });
    const second = await publish(alice, { channel: ch, data: 2, id: 'b' });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const live = await bob.next((m) => m.type === 'message' && m.id === second.id);
    const late = await connect();
    late.send({ action: 'subscribe', channel: ch, since: 0 });
    const replay = await late.next((m) => m.type === 'replay');
    expect(replay).toMatchObject({ channel: ch, last: 2, more: false });
    expect(replay.messages.map((m: { id: string }) => m.id)).toEqual([first.id, second.id]);
    expect(replay.messages[1]).toEqual(live);
  });

  describe('refused publishes: a typed error, nothing delivered, nothing stored', () => {
    const refused = async (sender: TestClient, frame: Record<string, unknown>, code: string, listener?: TestClient) => {
      const reply = await publish(sender, frame);
      expect(reply).toMatchObject({ type: 'error', code });
      await cloud.idle();
      if (listener) expect(listener.messages()).toEqual([]);
      if (typeof frame.channel === 'string') expect(await stored(frame.channel)).toEqual([]);
    };

    it('without a matching publish permission', async () => {
      const ch = channel();
      const bob = await as('bob');
      await bob.subscribe(ch);
      await refused(await as('mallory', { publish: ['news-*'] }), { channel: ch, data: 'x' }, 'Forbidden', bob);
      await refused(await as('mallory'), { channel: ch, data: 'x' }, 'Forbidden', bob);
    });

    it('from an anonymous connection', async () => {
      const ch = channel();
      const bob = await as('bob');
      await bob.subscribe(ch);
      await refused(await connect(), { channel: ch, data: 'x' }, 'Forbidden', bob);
    });

    it('to a private or presence channel without the channel permission, even with a publish pattern that matches', async () => {
      const priv = channel('private-team');
      const pres = channel('presence-room');
      const insider = await as('insider', { channels: ['private-team-*', 'presence-room-*'] });
      await insider.subscribe(priv);
      const mallory = await as('mallory', { publish: ['*'] });
      await refused(mallory, { channel: priv, data: 'x' }, 'Forbidden', insider);
      await refused(mallory, { channel: pres, data: 'x' }, 'Forbidden');
    });

    it('with a bad channel, no data or a bad echo', async () => {
      const alice = await as('alice', { publish: ['*'] });
      await refused(alice, { channel: 'bad channel', data: 1 }, 'InvalidChannel');
      await refused(alice, { channel: channel() }, 'InvalidFrame');
      await refused(alice, { channel: channel(), data: 1, echo: 'yes' }, 'InvalidFrame');
    });

    it('too large to be replayed, or past the frame limit', async () => {
      const ch = channel();
      const alice = await as('alice', { publish: ['*'] });
      const bob = await as('bob');
      await bob.subscribe(ch);
      // Fits in a client message, but not in a replay once framed with id, from and seq.
      await refused(alice, { channel: ch, data: 'x'.repeat(MAX_MESSAGE_BYTES - 300) }, 'MessageTooLarge', bob);
      // Past API Gateway's 128 KB message limit: the gateway closes the connection (1009) before any function runs.
      const big = await as('alice', { publish: ['*'] });
      big.send({ action: 'publish', channel: ch, data: 'x'.repeat(MAX_MESSAGE_BYTES) });
      expect(await big.closed()).toBe(1009);
      await cloud.idle();
      expect(bob.messages()).toEqual([]);
      expect(await stored(ch)).toEqual([]);
    });

    it('past the rate limit', async () => {
      const ch = channel();
      const alice = await as('alice', { publish: ['*'] });
      const bob = await as('bob');
      await bob.subscribe(ch);
      for (let i = 0; i < MAX_PER_MINUTE; i++) alice.send({ action: 'ping' });
      await alice.next(() => alice.frames.length >= MAX_PER_MINUTE); // every ping answered
      // The window may have turned over during the pings: then keep sending until it is full again.
      let reply;
      const accepted: string[] = [];
      for (let i = 0; i <= MAX_PER_MINUTE; i++) {
        reply = await publish(alice, { channel: ch, data: 'over', id: `over-${i}` });
        if (reply.type === 'error') break;
        accepted.push(reply.id);
      }
      expect(reply).toMatchObject({ type: 'error', code: 'RateLimited', replyTo: expect.stringMatching(/^over-/) });
      for (const id of accepted) await bob.next((m) => m.id === id);
      await cloud.idle();
      expect(bob.messages()).toHaveLength(accepted.length);
      expect(await stored(ch)).toHaveLength(accepted.length);
    });
  });
});
