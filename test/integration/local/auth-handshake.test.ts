import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { exportSPKI, importJWK, SignJWT, UnsecuredJWT } from 'jose';
import { PUSH_SUBPROTOCOL } from '../../../shared/auth';
import { devIssuerContext, devIssuerFromJwk, newDevJwk, type DevIssuer } from '../../../local/dev-issuer';
import { localTarget, type PushTarget } from '../../support/target';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { TestClient } from '../../support/ws-client';
import { runDevIssuer } from '../../support/dev-issuer';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ALLOWED_ORIGIN = 'https://app.example.com';

function statusOf(promise: Promise<TestClient>): Promise<number | 'open'> {
  return promise.then(
    (c) => {
      c.close();
      return 'open' as const;
    },
    (e: { status?: number; message: string }) => e.status ?? Promise.reject(e),
  );
}

describe('local cloud with the development issuer (anonymous allowed, origin allowlist)', () => {
  let cloud: TestCloud;
  let issuer: DevIssuer;
  let dynamodb: DynamoDBClient;
  let target: PushTarget;
  const clients: TestClient[] = [];
  const connect = async (opts: { token?: string; protocols?: string[]; origin?: string } = {}) => {
    const url = opts.token ? `${cloud.webSocketUrl}?token=${encodeURIComponent(opts.token)}` : cloud.webSocketUrl;
    const c = await TestClient.connect(url, { protocols: opts.protocols, ...(opts.origin ? { origin: opts.origin } : {}) });
    clients.push(c);
    return c;
  };
  const connectionItems = async () => {
    const out = await dynamodb.send(new ScanCommand({ TableName: cloud.outputs.ConnectionsTableName }));
    return (out.Items ?? []).filter((i) => i.sk?.S === 'meta').length;
  };
  /** Asserts the handshake is refused with `status` and leaves the registry as it was. */
  const refused = async (status: number, opts: { token?: string; protocols?: string[]; origin?: string }) => {
    const before = await connectionItems();
    await expect(statusOf(connect(opts))).resolves.toBe(status);
    expect(await connectionItems()).toBe(before);
  };
  const publish = (detail: unknown) => target.publish(detail);

  beforeAll(async () => {
    issuer = await runDevIssuer();
    cloud = await startTestCloud({ context: { ...devIssuerContext(issuer), allowedOrigins: ALLOWED_ORIGIN } });
    dynamodb = new DynamoDBClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials });
    target = localTarget(cloud);
  }, 120_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    dynamodb?.destroy();
    await target?.stop();
    await cloud?.stop();
  });

  it('runs the authorizer from the template, with the Host header (on every handshake) as its identity source', () => {
    const route = cloud.model.apis[0].routes.find((r) => r.routeKey === '$connect');
    expect(route?.authorizer).toMatchObject({ identitySources: ['route.request.header.Host'] });
  });

  it('lets an anonymous client in on public channels only', async () => {
    const c = await connect();
    await c.subscribe('scores');
    c.send({ action: 'subscribe', channel: 'private-team-42-x' });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ type: 'error', code: 'Forbidden' });
    c.send({ action: 'ping' });
    await c.next((m) => m.type === 'pong');
  });

  it('accepts a valid token in the query string, with its channel permissions', async () => {
    const token = await issuer.sign({ user: 'alice', channels: ['private-team-42-*'] });
    const c = await connect({ token });
    await c.subscribe('private-team-42-builds');
    c.send({ action: 'subscribe', channel: 'private-team-43-builds' });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'Forbidden' });
  });

  it('accepts a valid token as a subprotocol and echoes only "websocket-push"', async () => {
    const token = await issuer.sign({ user: 'alice', channels: ['private-team-42-*'] });
    const c = await connect({ protocols: [PUSH_SUBPROTOCOL, token] });
    expect(c.ws.protocol).toBe(PUSH_SUBPROTOCOL);
    await c.subscribe('private-team-42-chat');
  });

  it('echoes "websocket-push" to an anonymous client that offers it alone', async () => {
    const c = await connect({ protocols: [PUSH_SUBPROTOCOL] });
    expect(c.ws.protocol).toBe(PUSH_SUBPROTOCOL);
  });

  describe('refuses hostile tokens at the handshake (401), writing no record', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: Array<[string, () => Promise<string>]> = [
      ['expired', () => issuer.sign({ user: 'mallory', expiresAt: now() - 600 })],
      ['wrong audience', () => issuer.sign({ user: 'mallory', audience: 'someone-else' })],
      ['wrong issuer', () => issuer.sign({ user: 'mallory', issuer: 'https://evil.example' })],
      ['tampered signature', async () => {
        const [h, p, s] = (await issuer.sign({ user: 'mallory' })).split('.');
        const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
        return `${h}.${p}.${flipped}`;
      }],
      ['tampered payload (more channels)', async () => {
        const [h, , s] = (await issuer.sign({ user: 'mallory' })).split('.');
        const payload = Buffer.from(JSON.stringify({ sub: 'mallory', channels: ['private-*'], iss: issuer.issuer, aud: issuer.audience, exp: now() + 600 })).toString('base64url');
        return `${h}.${payload}.${s}`;
      }],
      ['alg none', () => Promise.resolve(
        new UnsecuredJWT({ channels: ['private-*'] }).setSubject('mallory').setIssuer(issuer.issuer).setAudience(issuer.audience).setExpirationTime('1h').encode(),
      )],
      ['HS256 signed with the public key as secret', async () => {
        const pem = await exportSPKI((await importJWK(issuer.publicJwks.keys[0], 'ES256')) as never);
        return new SignJWT({ channels: ['private-*'] })
          .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
          .setSubject('mallory').setIssuer(issuer.issuer).setAudience(issuer.audience).setExpirationTime('1h')
          .sign(new TextEncoder().encode(pem));
      }],
      ['signed by another key with the same kid', async () => {
        const other = await devIssuerFromJwk({ ...(await newDevJwk()), kid: issuer.kid });
        return other.sign({ user: 'mallory', channels: ['private-*'] });
      }],
      ['signed by another key', async () => (await devIssuerFromJwk(await newDevJwk())).sign({ user: 'mallory' })],
      ['not a JWT', () => Promise.resolve('not-a-jwt')],
      ['far too long', () => Promise.resolve('a'.repeat(9000))],
    ];
    it.each(cases)('%s, in the query string', async (_name, make) => {
      await refused(401, { token: await make() });
    });
    it.each(cases.slice(0, 8))('%s, as a subprotocol', async (_name, make) => {
      await refused(401, { protocols: [PUSH_SUBPROTOCOL, await make()] });
    });
  });

  describe('origin allowlist', () => {
    it('accepts the exact allowed origin, and clients that send none', async () => {
      await connect({ origin: ALLOWED_ORIGIN });
      await connect();
    });
    it.each([
      'https://app.example.com.evil.test',
      'https://evil.test',
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://sub.app.example.com',
      'null',
      'https://app.example.com/path',
    ])('refuses %s with 403 and writes no record', async (origin) => {
      await refused(403, { origin });
      await refused(403, { origin, token: await issuer.sign({ user: 'alice' }) });
    });
  });

  it('delivers private channels and user pushes only to the connections allowed to hear them', async () => {
    const alice = await connect({ token: await issuer.sign({ user: 'alice', channels: ['private-team-42-*'] }) });
    const bob = await connect({ token: await issuer.sign({ user: 'bob', channels: ['private-team-7-*'] }) });
    const anonymous = await connect();
    await alice.subscribe('private-team-42-deploys');
    for (const c of [bob, anonymous]) {
      c.send({ action: 'subscribe', channel: 'private-team-42-deploys' });
      expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'Forbidden' });
    }
    await publish({ channel: 'private-team-42-deploys', data: { n: 1 } });
    await publish({ userId: 'alice', data: { n: 2 } });
    await alice.next((m) => m.type === 'message' && m.data?.n === 1);
    await alice.next((m) => m.type === 'message' && m.data?.n === 2);
    await cloud.idle();
    expect(bob.messages()).toEqual([]);
    expect(anonymous.messages()).toEqual([]);
  });

  it('never logs a token', async () => {
    const token = await issuer.sign({ user: 'carol' });
    await connect({ token });
    await statusOf(connect({ token: `${token}x` }));
    await cloud.idle();
    expect(cloud.lines.join('\n')).not.toContain(token.split('.')[2]);
  });
});

describe('local cloud with the development issuer, anonymous connections refused', () => {
  let cloud: TestCloud;
  let issuer: DevIssuer;
  beforeAll(async () => {
    issuer = await runDevIssuer();
    cloud = await startTestCloud({ context: { ...devIssuerContext(issuer), allowAnonymous: 'false' } });
  }, 120_000);
  afterAll(async () => {
    await cloud?.stop();
  });

  it('answers 401 without a token (query string or subprotocol) and connects with one', async () => {
    await expect(statusOf(TestClient.connect(cloud.webSocketUrl))).resolves.toBe(401);
    await expect(statusOf(TestClient.connect(`${cloud.webSocketUrl}?token=`))).resolves.toBe(401);
    await expect(statusOf(TestClient.connect(cloud.webSocketUrl, { protocols: [PUSH_SUBPROTOCOL] }))).resolves.toBe(401);
    const token = await issuer.sign({ user: 'dave' });
    await expect(statusOf(TestClient.connect(`${cloud.webSocketUrl}?token=${token}`))).resolves.toBe('open');
  });
});
