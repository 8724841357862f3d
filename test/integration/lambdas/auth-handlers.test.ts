import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../../shared/env';
import { ERROR_CODES } from '../../../shared/protocol';
import { META, TABLE, keys } from '../../../shared/table-schema';
import { replyTo, startHandlersOnLocalAws, type Handlers } from '../../support/handlers';
import { apiGatewayEvent, type LocalAws } from '../../support/local-services';
import { captureStdout } from '../../support/logs';

const TABLE_NAME = 'connections-auth';
const MAX_PER_MINUTE = 4;

/** A `$connect` event as API Gateway sends it after our authorizer allowed it (`principalId` and `context`). */
function authorizedConnect(
  connectionId: string,
  { principalId, ...context }: { principalId?: string } & Record<string, string | boolean>,
  headers: Record<string, string> = {},
) {
  return apiGatewayEvent.connect(connectionId, { principalId, context, headers });
}

describe('$connect and $default with authorizer context, origin allowlist and rate limit (local DynamoDB)', () => {
  let aws: LocalAws;
  let h: Handlers;
  const meta = (id: string) => aws.metaItem(TABLE_NAME, id);
  const send = (id: string, frame: unknown) => replyTo(h, id, frame);

  beforeAll(async () => {
    ({ aws, handlers: h } = await startHandlersOnLocalAws(TABLE_NAME, {
      [ENV.ALLOWED_ORIGINS]: 'https://app.example.com,http://localhost:5173',
      [ENV.MAX_MESSAGES_PER_MINUTE]: String(MAX_PER_MINUTE),
    }));
  });
  afterAll(async () => {
    await aws?.stop();
  });

  it('stores the user and channel permissions from the authorizer, and echoes only the protocol name', async () => {
    const r = await h.connect(authorizedConnect('p1', { principalId: 'alice', userId: 'alice', channels: 'private-team-42-* private-x', anonymous: false }, {
      'Sec-WebSocket-Protocol': 'websocket-push, eyJhbGciOiJFUzI1NiJ9.e30.sig',
    }));
    expect(r).toEqual({ statusCode: 200, body: '', headers: { 'Sec-WebSocket-Protocol': 'websocket-push' } });
    expect(await meta('p1')).toMatchObject({ userId: 'alice', [META.channels]: ['private-team-42-*', 'private-x'] });
  });

  it('stores no user for an anonymous connection (context values arrive as strings too)', async () => {
    await h.connect(authorizedConnect('p2', { principalId: 'anonymous', anonymous: 'true', channels: '' }));
    const item = await meta('p2');
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty('userId');
    expect(item).not.toHaveProperty(META.channels);
  });

  it('answers Forbidden for a private channel without permission and stores nothing', async () => {
    await h.connect(authorizedConnect('p3', { principalId: 'bob', userId: 'bob', channels: 'private-team-7-*', anonymous: false }));
    expect(await send('p3', { action: 'subscribe', channel: 'private-team-42-a' })).toMatchObject({ type: 'error', code: ERROR_CODES.Forbidden });
    expect(await send('p3', { action: 'subscribe', channel: 'private-team-7-a' })).toMatchObject({ type: 'subscribed', channel: 'private-team-7-a' });
    const sub = await aws.documentClient.send(new GetCommand({ TableName: TABLE_NAME, Key: { [TABLE.partitionKey]: keys.connection('p3'), [TABLE.sortKey]: keys.subscription('private-team-42-a') } }));
    expect(sub.Item).toBeUndefined();
  });

  it('refuses a look-alike origin with 403 and writes nothing; accepts the exact one', async () => {
    for (const origin of ['https://app.example.com.evil.test', 'https://APP.example.com:444', 'http://localhost:5174', 'null']) {
      const r = await h.connect(authorizedConnect(`o-${origin.length}`, {}, { Origin: origin }));
      expect(r.statusCode).toBe(403);
      expect(await meta(`o-${origin.length}`)).toBeUndefined();
    }
    expect((await h.connect(authorizedConnect('o-ok', {}, { origin: 'https://APP.example.com' }))).statusCode).toBe(200);
  });

  it(`answers RateLimited past ${MAX_PER_MINUTE} frames a minute, with no silent drop, and logs no payload`, async () => {
    await h.connect(authorizedConnect('r1', {}));
    const { result: replies, lines } = await captureStdout(async () => {
      const out = [];
      for (let i = 0; i < MAX_PER_MINUTE + 2; i++) out.push(await send('r1', { action: 'ping', secret: 'do-not-log' }));
      return out;
    });
    expect(replies.slice(0, MAX_PER_MINUTE)).toEqual(Array(MAX_PER_MINUTE).fill({ type: 'pong' }));
    for (const r of replies.slice(MAX_PER_MINUTE)) expect(r).toMatchObject({ type: 'error', code: ERROR_CODES.RateLimited });
    expect(JSON.stringify(lines)).not.toContain('do-not-log');
    expect(await meta('r1')).toMatchObject({ [META.messageCount]: MAX_PER_MINUTE });
    // Another connection has its own window.
    await h.connect(authorizedConnect('r2', {}));
    expect(await send('r2', { action: 'ping' })).toEqual({ type: 'pong' });
  });

  it('counts concurrent frames atomically', async () => {
    await h.connect(authorizedConnect('r3', {}));
    const replies = await Promise.all(Array.from({ length: 12 }, () => send('r3', { action: 'ping' })));
    expect(replies.filter((r) => r.type === 'pong')).toHaveLength(MAX_PER_MINUTE);
    expect(replies.filter((r) => r.type === 'error' && r.code === ERROR_CODES.RateLimited)).toHaveLength(12 - MAX_PER_MINUTE);
  });

  it('still answers an unregistered connection (no count, no permissions)', async () => {
    expect(await send('ghost', { action: 'ping' })).toEqual({ type: 'pong' });
    expect(await send('ghost', { action: 'subscribe', channel: 'private-x' })).toMatchObject({ code: ERROR_CODES.Forbidden });
    expect(await send('ghost', { action: 'subscribe', channel: 'news' })).toMatchObject({ code: ERROR_CODES.UnknownConnection });
  });
});
