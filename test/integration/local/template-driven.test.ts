import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { TestClient } from '../../support/ws-client';
import { describeRequiring, findAwsClis } from '../../support/requirements';
import { localTarget } from '../../support/target';

const run = promisify(execFile);

/**
 * A variant of the stack with a route and a rule `local/` has never heard of (test/support/variant/app.ts):
 * they work locally untouched, because the local cloud runs whatever the template holds.
 */
describe('local cloud: a synthesized variant stack with an extra route and rule', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ app: 'npx tsx test/support/variant/app.ts' });
  }, 120_000);
  afterAll(() => cloud?.stop());

  it('routes {"action":"echo"} to the extra route and returns its route response', async () => {
    const c = await TestClient.connect(cloud.webSocketUrl);
    c.send({ action: 'echo', text: 'hello' });
    expect(await c.next((m) => m.type === 'echo')).toEqual({ type: 'echo', routeKey: 'echo', text: 'hello' });
    c.send({ action: 'ping' }); // the product's routes still work beside it
    expect(await c.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
    c.close();
  });

  it('matches the extra rule with its event pattern (prefix) and runs its target', async () => {
    const linesBefore = cloud.lines.length;
    const c = await TestClient.connect(cloud.webSocketUrl);
    c.send({ action: 'echo' });
    await c.next((m) => m.type === 'echo');
    // The connection id, from the gateway's log line for this connection's connect (frames are logged only with --verbose).
    const id = cloud.lines.slice(linesBefore).map((l) => /^gateway  connect (\S+) \(200,/.exec(l)?.[1]).find(Boolean);
    expect(id).toBeDefined();
    const target = localTarget(cloud);
    const put = (level: string) => target.publish({ connectionId: id, level, text: level }, 'Notice');
    await put('info'); // does not match {"prefix":"warn"}
    await put('warning');
    expect(await c.next((m) => m.type === 'notice')).toMatchObject({ level: 'warning', text: 'warning' });
    await cloud.idle();
    expect(c.frames.filter((m) => m.type === 'notice')).toHaveLength(1);
    await target.stop();
    c.close();
  });
  describe('IAM enforced: the probe function is granted PutEvents on the push bus only', () => {
    const probe = async (call: string) => {
      const c = await TestClient.connect(cloud.webSocketUrl);
      c.send({ action: 'probe', call });
      const answer = await c.next((m) => m.type === 'probe');
      c.close();
      return answer as { ok: boolean; name?: string; status?: number; message?: string };
    };
    const caller = () => {
      const fn = cloud.model.functions.find((f) => f.logicalId.startsWith('ProbeFunction'))!;
      const role = cloud.model.roles.find((r) => r.arn === fn.roleArn)!;
      return `arn:aws:sts::000000000000:assumed-role/${role.name}/${fn.name}`;
    };

    it('answers a Scan it was not granted with DynamoDB\'s AccessDeniedException and AWS\'s message', async () => {
      const table = cloud.model.tables[0].name;
      expect(await probe('scan')).toEqual(expect.objectContaining({
        ok: false, name: 'AccessDeniedException', status: 400,
        message: `User: ${caller()} is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:000000000000:table/${table} because no identity-based policy allows the dynamodb:Scan action`,
      }));
      expect(cloud.lines.some((l) => l.startsWith('iam ') && l.includes('dynamodb:Scan'))).toBe(true);
    });

    it('lets it PutEvents on the bus it was granted, and denies the default bus', async () => {
      expect(await probe('put-events')).toEqual(expect.objectContaining({ ok: true }));
      expect(await probe('put-events-default-bus')).toEqual(expect.objectContaining({
        ok: false, name: 'AccessDeniedException', status: 400,
        message: `User: ${caller()} is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus/default because no identity-based policy allows the events:PutEvents action`,
      }));
    });

    it('answers a post to the management API without execute-api:ManageConnections with 403 AccessDeniedException', async () => {
      const answer = await probe('post');
      expect(answer).toEqual(expect.objectContaining({ ok: false, name: 'AccessDeniedException', status: 403 }));
      expect(answer.message).toMatch(new RegExp(`^User: ${caller()} is not authorized to perform: execute-api:ManageConnections on resource: arn:aws:execute-api:us-east-1:000000000000:[a-z]+/\\w+/POST/@connections/\\S+ because no identity-based policy allows the execute-api:ManageConnections action$`));
    });

    it('does not restrict callers that are not functions (tests, the CLI, npm run publish)', async () => {
      const target = localTarget(cloud);
      await expect(target.publish({ channel: 'iam-admin', data: {} })).resolves.toBeDefined();
      await target.stop();
    });
  });
});

const { clis, missing: awsCliMissing } = findAwsClis();

/** Every AWS CLI on this machine (v1 on PATH, v2 at /usr/bin/aws when installed) against the local endpoints. */
describeRequiring(awsCliMissing)('local cloud: the AWS CLI', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
  }, 90_000);
  afterAll(() => cloud?.stop());

  const env = () => ({ ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' });

  it('publishes with `aws events put-events` (AWS_ENDPOINT_URL where the CLI honours it) and posts with `aws apigatewaymanagementapi post-to-connection`', async () => {
    for (const cli of clis) {
      const c = await TestClient.connect(cloud.webSocketUrl);
      await c.subscribe('cli');
      const entries = JSON.stringify([{ EventBusName: cloud.outputs.EventBusName, Source: 'cli', DetailType: 'WebSocketPush', Detail: JSON.stringify({ channel: 'cli', data: { via: cli } }) }]);
      // AWS_ENDPOINT_URL is honoured from CLI v1.29 and v2.13 (Debian 12's awscli is 2.9: --endpoint-url).
      const version = (await run(cli, ['--version'])).stdout;
      const [, major, minor] = /aws-cli\/(\d+)\.(\d+)/.exec(version)!.map(Number);
      const endpointEnv = major === 1 ? minor >= 29 : minor >= 13;
      const out = endpointEnv
        ? await run(cli, ['events', 'put-events', '--entries', entries], { env: { ...env(), AWS_ENDPOINT_URL: cloud.awsEndpoint } })
        : await run(cli, ['events', 'put-events', '--entries', entries, '--endpoint-url', cloud.awsEndpoint], { env: env() });
      const eventId = JSON.parse(out.stdout).Entries[0].EventId;
      expect(await c.next((m) => m.id === eventId)).toMatchObject({ channel: 'cli', data: { via: cli } });

      const id = [...cloud.lines].reverse().map((l) => /gateway {2}connect (\S+) \(200/.exec(l)?.[1]).find(Boolean)!;
      const v2 = major === 2;
      await run(cli, ['apigatewaymanagementapi', 'post-to-connection', '--endpoint-url', cloud.callbackUrl, '--connection-id', id,
        '--data', '{"type":"from-cli"}', ...(v2 ? ['--cli-binary-format', 'raw-in-base64-out'] : [])], { env: env() });
      expect(await c.next((m) => m.type === 'from-cli')).toEqual({ type: 'from-cli' });

      const gone = await run(cli, ['apigatewaymanagementapi', 'get-connection', '--endpoint-url', cloud.callbackUrl, '--connection-id', 'NoSuchConnAAAA='], { env: env() }).catch((e) => e);
      expect(String(gone.stderr)).toContain('GoneException');
      c.close();
    }
  });

  it('reads the registry with `aws dynamodb` (--endpoint-url)', async () => {
    for (const cli of clis) {
      const out = await run(cli, ['dynamodb', 'describe-time-to-live', '--table-name', cloud.outputs.ConnectionsTableName, '--endpoint-url', cloud.awsEndpoint], { env: env() });
      expect(JSON.parse(out.stdout).TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    }
  });
});
