import { APPSYNC_BROADCAST_CHANNEL, APPSYNC_UNDELIVERABLE, type AppSyncPushVariables } from '../../../shared/appsync';
import { PUSH_DETAIL_TYPE } from '../../../shared/events';
import { readAppSyncRelayConfig } from '../../../lambdas/appsync-relay-config';
import { planAppSyncRelay, relayToAppSync } from '../../../lambdas/core/appsync-relay';
import { InvalidConfigError } from '../../../shared/errors';
import { StackEventError } from '../../../lambdas/core/errors';
import { recordingLogger } from '../../support/logs';

const event = (detail: unknown, id = 'evt-1') => ({ id, source: 'shop', 'detail-type': PUSH_DETAIL_TYPE, detail });

describe('planAppSyncRelay', () => {
  test.each<[string, unknown, AppSyncPushVariables]>([
    ['an object', { headline: 'hi', n: [1, 2, { q: '"quoted" <tag>' }] }, { channel: 'news', id: 'evt-1', data: '{"headline":"hi","n":[1,2,{"q":"\\"quoted\\" <tag>"}]}' }],
    ['a string', 'say "hi"\n', { channel: 'news', id: 'evt-1', data: '"say \\"hi\\"\\n"' }],
    ['a number', 42, { channel: 'news', id: 'evt-1', data: '42' }],
    ['null', null, { channel: 'news', id: 'evt-1', data: 'null' }],
  ])('a channel push with %s as data: the variables carry it JSON-encoded (an AWSJSON value)', (_name, data, variables) => {
    const plan = planAppSyncRelay(event({ channel: 'news', data }));
    expect(plan).toEqual({ kind: 'relay', variables });
    // AppSync parses the AWSJSON string back into exactly the published value.
    expect(JSON.parse((plan as { variables: AppSyncPushVariables }).variables.data)).toEqual(data);
  });

  test("the detail's id is the message id; without one, the event's", () => {
    expect(planAppSyncRelay(event({ channel: 'news', id: 'm-7', data: 1 }))).toMatchObject({ variables: { id: 'm-7' } });
    expect(planAppSyncRelay(event({ channel: 'news', data: 1 }, 'evt-9'))).toMatchObject({ variables: { id: 'evt-9' } });
  });

  test('a broadcast goes to the broadcast channel', () => {
    expect(planAppSyncRelay(event({ broadcast: true, data: { a: 1 } }))).toEqual({
      kind: 'relay',
      variables: { channel: APPSYNC_BROADCAST_CHANNEL, id: 'evt-1', data: '{"a":1}' },
    });
  });

  test.each<[string, unknown, string]>([
    ['no audience', { data: 1 }, 'NoAudience'],
    ['no data', { channel: 'news' }, 'MissingData'],
    ['a channel that is not a channel name', { channel: 'a b', data: 1 }, 'InvalidAudience'],
    ['broadcast: false', { broadcast: false, data: 1 }, 'InvalidAudience'],
    ['two audiences', { channel: 'news', broadcast: true, data: 1 }, 'MultipleAudiences'],
    ['a detail that is not an object', 'news', 'InvalidEnvelope'],
  ])('%s is rejected with validateDetail\'s code and reason', (_name, detail, code) => {
    const plan = planAppSyncRelay(event(detail));
    expect(plan).toMatchObject({ kind: 'reject', code });
    expect((plan as { reason: string }).reason.length).toBeGreaterThan(20);
  });

  test('user and connection pushes are rejected with the transport reason (when the rules let one through)', () => {
    expect(planAppSyncRelay(event({ userId: 'u-1', data: 1 }))).toEqual({ kind: 'reject', ...APPSYNC_UNDELIVERABLE.userId });
    expect(planAppSyncRelay(event({ connectionId: 'c-1', data: 1 }))).toEqual({ kind: 'reject', ...APPSYNC_UNDELIVERABLE.connectionId });
  });
});

describe('relayToAppSync', () => {
  // In-memory bus and queue: the core's contract is what it hands them; the adapters are thin PutEvents /
  // SendMessage calls, exercised by the local cloud's tests.
  const setup = (failBus = false) => {
    const put: AppSyncPushVariables[] = [];
    const dead: Array<{ reason: string; code: string; event: unknown }> = [];
    const deps = {
      bus: {
        put: async (v: AppSyncPushVariables) => {
          if (failBus) throw new StackEventError('PutEvents refused the AppSync variables: ThrottlingException');
          put.push(v);
        },
      },
      deadLetter: { send: async (e: { reason: string; code: string; event: unknown }) => void dead.push(e) },
      logger: recordingLogger(),
    };
    return { put, dead, deps };
  };

  test('a deliverable push is put on the bus, nothing is dead-lettered', async () => {
    const { put, dead, deps } = setup();
    await relayToAppSync(event({ channel: 'news', data: { a: 1 } }), deps);
    expect(put).toEqual([{ channel: 'news', id: 'evt-1', data: '{"a":1}' }]);
    expect(dead).toEqual([]);
  });

  test('an undeliverable push goes to the dead-letter queue with the event and its reason', async () => {
    const { put, dead, deps } = setup();
    const e = event({ data: 1 });
    await relayToAppSync(e, deps);
    expect(put).toEqual([]);
    expect(dead).toEqual([{ code: 'NoAudience', reason: expect.stringContaining('names no audience'), event: e }]);
    expect(deps.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', eventId: 'evt-1', code: 'NoAudience' }));
  });

  test('a bus failure is thrown, for Lambda to retry', async () => {
    const { deps } = setup(true);
    await expect(relayToAppSync(event({ channel: 'news', data: 1 }), deps)).rejects.toBeInstanceOf(StackEventError);
  });

  test('logs carry no payload', async () => {
    const { deps } = setup();
    await relayToAppSync(event({ channel: 'news', data: { secret: 'payload-text' } }), deps);
    expect(JSON.stringify(deps.logger.lines)).not.toContain('payload-text');
  });
});

describe('readAppSyncRelayConfig', () => {
  const env = { STACK_EVENT_BUS: 'websocket-push', DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq' };

  test('reads the bus and the queue', () => {
    expect(readAppSyncRelayConfig(env)).toEqual({ eventBusName: 'websocket-push', deadLetterQueueUrl: env.DEAD_LETTER_QUEUE_URL });
  });

  test.each<[string, Record<string, string | undefined>, string, string]>([
    ['no queue', { ...env, DEAD_LETTER_QUEUE_URL: undefined }, 'DEAD_LETTER_QUEUE_URL', 'DEAD_LETTER_QUEUE_URL: must be an absolute http(s) URL, got ""'],
    ['a queue that is not a URL', { ...env, DEAD_LETTER_QUEUE_URL: 'dlq' }, 'DEAD_LETTER_QUEUE_URL', 'DEAD_LETTER_QUEUE_URL: must be an absolute http(s) URL, got "dlq"'],
    ['no bus', { ...env, STACK_EVENT_BUS: '' }, 'STACK_EVENT_BUS', 'STACK_EVENT_BUS: is required but not set'],
  ])('%s is an InvalidConfigError naming the variable', (_name, bad, key, message) => {
    expect(() => readAppSyncRelayConfig(bad)).toThrow(new InvalidConfigError(key, message));
  });
});
