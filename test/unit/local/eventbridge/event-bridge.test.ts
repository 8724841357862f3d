import { AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION } from '../../../../local/aws-wire';
import { deadLetterMessageAttributes, DeadLetterReason } from '../../../../local/eventbridge/delivery';
import { TargetDeliveryError } from '../../../../local/eventbridge/errors';
import { LocalEventBridge, RuleDefinition } from '../../../../local/eventbridge/event-bridge';

const FN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:PushFunction`;
const OTHER_FN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:AuditFunction`;
const DLQ = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:push-dlq`;
const BUS = 'websocket-push';

interface Harness {
  eb: LocalEventBridge;
  delivered: Array<{ arn: string; payload: any }>;
  deadLettered: Array<{ arn: string; event: any; reason: DeadLetterReason }>;
  logs: string[];
  sleeps: number[];
  clock: { now: number };
}

function harness(options: { fail?: (arn: string, attempt: number) => Error | undefined } = {}): Harness {
  const delivered: Harness['delivered'] = [];
  const deadLettered: Harness['deadLettered'] = [];
  const logs: string[] = [];
  const sleeps: number[] = [];
  const clock = { now: Date.UTC(2026, 0, 2, 3, 4, 5, 678) };
  const attempts = new Map<string, number>();
  const eb = new LocalEventBridge({
    deliver: async (arn, payload) => {
      const n = (attempts.get(arn) ?? 0) + 1;
      attempts.set(arn, n);
      const error = options.fail?.(arn, n);
      if (error) throw error;
      delivered.push({ arn, payload });
    },
    sendToDeadLetter: async (arn, event, reason) => {
      deadLettered.push({ arn, event, reason });
    },
    log: (line) => logs.push(line),
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
  });
  eb.addBus(BUS);
  return { eb, delivered, deadLettered, logs, sleeps, clock };
}

const pushRule = (extra: Partial<RuleDefinition> = {}): RuleDefinition => ({
  name: 'PushRule',
  busName: BUS,
  eventPattern: { 'detail-type': ['WebSocketPush'] },
  targets: [{ id: 'push', arn: FN, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 }, deadLetterArn: DLQ }],
  ...extra,
});

const entry = (extra: Record<string, unknown> = {}) => ({
  Source: 'app.test',
  DetailType: 'WebSocketPush',
  Detail: JSON.stringify({ channel: 'scores', data: { home: 1 } }),
  EventBusName: BUS,
  ...extra,
});

async function put(eb: LocalEventBridge, ...entries: Array<Record<string, unknown>>): Promise<any> {
  return eb.handle('PutEvents', { Entries: entries });
}

async function awsError(promise: Promise<unknown>): Promise<AwsServiceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AwsServiceError);
    return error as AwsServiceError;
  }
  throw new Error('expected an AwsServiceError');
}

describe('LocalEventBridge PutEvents', () => {
  it('builds the event envelope as AWS does', async () => {
    const h = harness();
    h.eb.addRule(pushRule());
    const result = await put(h.eb, entry({ Resources: ['arn:aws:x:::thing'] }));
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries[0].EventId).toMatch(/^[0-9a-f-]{36}$/);
    await h.eb.idle();
    expect(h.delivered).toHaveLength(1);
    expect(h.delivered[0].payload).toEqual({
      version: '0',
      id: result.Entries[0].EventId,
      'detail-type': 'WebSocketPush',
      source: 'app.test',
      account: LOCAL_ACCOUNT,
      time: '2026-01-02T03:04:05Z',
      region: LOCAL_REGION,
      resources: ['arn:aws:x:::thing'],
      detail: { channel: 'scores', data: { home: 1 } },
    });
  });

  it('uses the entry Time (epoch seconds, as the SDK sends it) and defaults resources to []', async () => {
    const h = harness();
    h.eb.addRule(pushRule());
    await put(h.eb, entry({ Time: 1700000000.5 }));
    await h.eb.idle();
    expect(h.delivered[0].payload.time).toBe('2023-11-14T22:13:20Z');
    expect(h.delivered[0].payload.resources).toEqual([]);
  });

  it('reports per-entry errors with AWS codes and still accepts the valid entries', async () => {
    const h = harness();
    h.eb.addRule(pushRule());
    const big = 'x'.repeat(256 * 1024);
    const result = await put(
      h.eb,
      entry({ Source: undefined }),
      entry({ DetailType: '' }),
      entry({ Detail: undefined }),
      entry({ Detail: '{not json' }),
      entry({ Detail: '[1,2]' }),
      entry({ EventBusName: 'nope' }),
      entry({ Detail: JSON.stringify({ big }) }),
      entry({ Source: 'aws.ec2' }),
      entry({ Resources: 'arn' }),
      entry(),
    );
    expect(result.FailedEntryCount).toBe(9);
    const codes = result.Entries.map((e: any) => e.ErrorCode ?? 'OK');
    expect(codes).toEqual([
      'InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'MalformedDetail',
      'ResourceNotFoundException', 'InvalidArgument', 'NotAuthorizedForSourceException', 'InvalidArgument', 'OK',
    ]);
    expect(result.Entries[0].ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
    expect(result.Entries[1].ErrorMessage).toMatch(/DetailType is a required argument/);
    expect(result.Entries[2].ErrorMessage).toMatch(/Detail is a required argument/);
    expect(result.Entries[5].ErrorMessage).toBe('Event bus nope does not exist.');
    expect(result.Entries[6].ErrorMessage).toMatch(/256 KB/);
    expect(result.Entries[9].EventId).toBeDefined();
    await h.eb.idle();
    expect(h.delivered).toHaveLength(1);
  });

  it('rejects the whole call without entries or with more than 10', async () => {
    const h = harness();
    expect((await awsError(h.eb.handle('PutEvents', {}))).type).toBe('ValidationException');
    expect((await awsError(put(h.eb))).message).toMatch(/greater than or equal to 1/);
    const eleven = Array.from({ length: 11 }, () => entry());
    const e = await awsError(put(h.eb, ...eleven));
    expect(e.type).toBe('ValidationException');
    expect(e.message).toMatch(/less than or equal to 10/);
  });

  it('accepts the bus by name, by ARN, and the default bus when none is given', async () => {
    const h = harness();
    h.eb.addRule(pushRule());
    h.eb.addRule({ name: 'DefaultRule', eventPattern: { source: ['app.test'] }, targets: [{ id: 'a', arn: OTHER_FN }] });
    await put(h.eb, entry({ EventBusName: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${BUS}` }));
    await put(h.eb, entry({ EventBusName: undefined }));
    await h.eb.idle();
    expect(h.delivered.map((d) => d.arn)).toEqual([FN, OTHER_FN]);
    const foreign = await put(h.eb, entry({ EventBusName: `arn:aws:events:eu-west-1:111111111111:event-bus/${BUS}` }));
    expect(foreign.Entries[0].ErrorCode).toBe('ResourceNotFoundException');
  });

  it('dispatches only to matching, enabled rules of the event bus', async () => {
    const h = harness();
    h.eb.addRule(pushRule());
    h.eb.addRule({ name: 'Disabled', busName: BUS, enabled: false, eventPattern: { source: ['app.test'] }, targets: [{ id: 'x', arn: OTHER_FN }] });
    h.eb.addRule({ name: 'Disabled2', busName: BUS, enabled: false, eventPattern: { source: ['app.test'] }, targets: [{ id: 'x', arn: OTHER_FN }] });
    h.eb.addRule({ name: 'OtherType', busName: BUS, eventPattern: { 'detail-type': ['Other'] }, targets: [{ id: 'x', arn: OTHER_FN }] });
    h.eb.addRule({ name: 'OnDefaultBus', eventPattern: { 'detail-type': ['WebSocketPush'] }, targets: [{ id: 'x', arn: OTHER_FN }] });
    await put(h.eb, entry());
    await h.eb.idle();
    expect(h.delivered.map((d) => d.arn)).toEqual([FN]);
  });

  it('delivers to every target of every matching rule, applying Input and InputPath', async () => {
    const h = harness();
    h.eb.addRule(pushRule({
      targets: [
        { id: 'whole', arn: FN },
        { id: 'detail', arn: OTHER_FN, inputPath: '$.detail.data' },
        { id: 'const', arn: `${OTHER_FN}2`, input: '{"fixed":true}' },
      ],
    }));
    h.eb.addRule({ name: 'Second', busName: BUS, eventPattern: { detail: { channel: [{ prefix: 'sco' }] } }, targets: [{ id: 't', arn: `${FN}3` }] });
    await put(h.eb, entry());
    await h.eb.idle();
    const byArn = Object.fromEntries(h.delivered.map((d) => [d.arn, d.payload]));
    expect(Object.keys(byArn).sort()).toEqual([FN, `${FN}3`, OTHER_FN, `${OTHER_FN}2`].sort());
    expect(byArn[OTHER_FN]).toEqual({ home: 1 });
    expect(byArn[`${OTHER_FN}2`]).toEqual({ fixed: true });
    expect(byArn[FN].detail.channel).toBe('scores');
  });

  it('returns before delivery (asynchronous dispatch, like AWS)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const delivered: string[] = [];
    const eb = new LocalEventBridge({
      deliver: async (arn) => { await gate; delivered.push(arn); },
      sendToDeadLetter: async () => {},
      log: () => {},
    });
    eb.addRule({ name: 'R', eventPattern: { source: ['s'] }, targets: [{ id: 't', arn: FN }] });
    const result: any = await eb.handle('PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] });
    expect(result.FailedEntryCount).toBe(0);
    expect(delivered).toEqual([]);
    release();
    await eb.idle();
    expect(delivered).toEqual([FN]);
  });

  it('logs one readable line per published event and rule match, never the payload', async () => {
    const h = harness();
    h.eb.addRule(pushRule());
    await put(h.eb, entry({ Detail: JSON.stringify({ channel: 'secret-channel', data: 'secret-data' }) }));
    await put(h.eb, entry({ DetailType: 'Unrouted' }));
    await h.eb.idle();
    expect(h.logs).toContain('eventbridge  PutEvents WebSocketPush from app.test → rule PushRule → PushFunction');
    expect(h.logs).toContain('eventbridge  PutEvents Unrouted from app.test on websocket-push → no rule matched');
    expect(h.logs.join('\n')).not.toMatch(/secret/);
  });
});

describe('LocalEventBridge delivery retries and dead-letter queue', () => {
  it('retries a failed delivery with growing backoff and succeeds', async () => {
    const h = harness({ fail: (_arn, n) => (n <= 2 ? new Error('throttled') : undefined) });
    h.eb.addRule(pushRule({ targets: [{ id: 'p', arn: FN, retryPolicy: { maximumRetryAttempts: 5 } }] }));
    await put(h.eb, entry());
    await h.eb.idle();
    expect(h.delivered).toHaveLength(1);
    expect(h.sleeps).toHaveLength(2);
    expect(h.sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(h.sleeps[0]).toBeLessThanOrEqual(1000);
    expect(h.sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(h.sleeps[1]).toBeLessThanOrEqual(2000);
    expect(h.deadLettered).toHaveLength(0);
    expect(h.logs.some((l) => /delivered after 2 retries/.test(l))).toBe(true);
  });

  it('sends the event to the DLQ with AWS attributes once MaximumRetryAttempts is exhausted', async () => {
    const h = harness({ fail: () => new Error('Rate exceeded') });
    h.eb.addRule(pushRule());
    const result = await put(h.eb, entry());
    await h.eb.idle();
    expect(h.delivered).toHaveLength(0);
    expect(h.sleeps).toHaveLength(2);
    expect(h.deadLettered).toHaveLength(1);
    const [dl] = h.deadLettered;
    expect(dl.arn).toBe(DLQ);
    expect(dl.event.id).toBe(result.Entries[0].EventId);
    expect(dl.reason).toEqual({
      errorCode: 'SDK_CLIENT_ERROR',
      errorMessage: 'Rate exceeded',
      exhaustedRetryCondition: 'MaximumRetryAttempts',
      retryAttempts: 2,
      ruleArn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${BUS}/PushRule`,
      targetArn: FN,
    });
    expect(deadLetterMessageAttributes(dl.reason)).toEqual({
      ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: 'Rate exceeded' },
      EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumRetryAttempts' },
      RETRY_ATTEMPTS: { DataType: 'Number', StringValue: '2' },
      RULE_ARN: { DataType: 'String', StringValue: dl.reason.ruleArn },
      TARGET_ARN: { DataType: 'String', StringValue: FN },
    });
    expect(h.logs.some((l) => /gave up after 2 retries \(MaximumRetryAttempts\).*dead-letter queue push-dlq/.test(l))).toBe(true);
  });

  it('stops retrying when MaximumEventAgeInSeconds would be exceeded', async () => {
    const h = harness({ fail: () => new Error('down') });
    h.eb.addRule(pushRule({ targets: [{ id: 'p', arn: FN, deadLetterArn: DLQ, retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 60 } }] }));
    await put(h.eb, entry());
    await h.eb.idle();
    expect(h.deadLettered).toHaveLength(1);
    expect(h.deadLettered[0].reason.exhaustedRetryCondition).toBe('MaximumEventAgeInSeconds');
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
  });

  it('does not retry a non-retryable failure and dead-letters it at once', async () => {
    const h = harness({ fail: () => new TargetDeliveryError('RESOURCE_NOT_FOUND', 'Function not found', false) });
    h.eb.addRule(pushRule());
    await put(h.eb, entry());
    await h.eb.idle();
    expect(h.sleeps).toHaveLength(0);
    expect(h.deadLettered[0].reason).toMatchObject({ errorCode: 'RESOURCE_NOT_FOUND', retryAttempts: 0 });
    expect(h.deadLettered[0].reason.exhaustedRetryCondition).toBeUndefined();
  });

  it('drops (and logs) an undeliverable event when the target has no DLQ', async () => {
    const h = harness({ fail: () => new Error('down') });
    h.eb.addRule(pushRule({ targets: [{ id: 'p', arn: FN, retryPolicy: { maximumRetryAttempts: 0 } }] }));
    await put(h.eb, entry());
    await h.eb.idle();
    expect(h.deadLettered).toHaveLength(0);
    expect(h.logs.some((l) => /dropped \(no dead-letter queue\)/.test(l))).toBe(true);
  });

  it('stop() cancels pending retries', async () => {
    let attempts = 0;
    const eb = new LocalEventBridge({
      deliver: async () => { attempts++; throw new Error('down'); },
      sendToDeadLetter: async () => { throw new Error('must not be called'); },
      log: () => {},
      retryBaseDelayMs: 60_000,
    });
    eb.addRule({ name: 'R', eventPattern: { source: ['s'] }, targets: [{ id: 't', arn: FN, deadLetterArn: DLQ }] });
    await eb.handle('PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] });
    await new Promise((r) => setImmediate(r));
    const started = Date.now();
    await eb.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(attempts).toBe(1);
  });
});

describe('LocalEventBridge rules and buses', () => {
  it('rejects an invalid pattern, an unknown bus and duplicate target ids', () => {
    const h = harness();
    expect(() => h.eb.addRule(pushRule({ eventPattern: { source: 'x' } }))).toThrow(expect.objectContaining({ type: 'InvalidEventPatternException' }));
    expect(() => h.eb.addRule(pushRule({ eventPattern: '{"source": [}' }))).toThrow(expect.objectContaining({ type: 'InvalidEventPatternException' }));
    expect(() => h.eb.addRule(pushRule({ busName: 'missing' }))).toThrow(expect.objectContaining({ type: 'ResourceNotFoundException' }));
    expect(() => h.eb.addRule(pushRule({ targets: [{ id: 'a', arn: FN }, { id: 'a', arn: FN }] }))).toThrow(/two targets/);
    expect(() => h.eb.addRule(pushRule({ targets: [{ id: 'a', arn: FN, input: '{', }] }))).toThrow(/Input is not valid JSON/);
    expect(() => h.eb.addBus('bad name')).toThrow(/not valid/);
  });

  it('answers ListRules, DescribeRule, ListTargetsByRule, DescribeEventBus and ListEventBuses', async () => {
    const h = harness();
    h.eb.addRule(pushRule({ description: 'push' }));
    h.eb.addRule({ name: 'Other', busName: BUS, enabled: false, eventPattern: '{"source":["x"]}', targets: [] });
    const rules: any = await h.eb.handle('ListRules', { EventBusName: BUS });
    expect(rules.Rules.map((r: any) => [r.Name, r.State])).toEqual([['Other', 'DISABLED'], ['PushRule', 'ENABLED']]);
    const described: any = await h.eb.handle('DescribeRule', { Name: 'PushRule', EventBusName: BUS });
    expect(described).toMatchObject({
      Name: 'PushRule',
      Arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${BUS}/PushRule`,
      State: 'ENABLED',
      EventBusName: BUS,
      Description: 'push',
    });
    expect(JSON.parse(described.EventPattern)).toEqual({ 'detail-type': ['WebSocketPush'] });
    const targets: any = await h.eb.handle('ListTargetsByRule', { Rule: 'PushRule', EventBusName: BUS });
    expect(targets.Targets).toEqual([
      { Id: 'push', Arn: FN, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: DLQ } },
    ]);
    const paged: any = await h.eb.handle('ListRules', { EventBusName: BUS, Limit: 1 });
    expect(paged.Rules).toHaveLength(1);
    const rest: any = await h.eb.handle('ListRules', { EventBusName: BUS, Limit: 1, NextToken: paged.NextToken });
    expect(rest.Rules[0].Name).toBe('PushRule');
    expect(rest.NextToken).toBeUndefined();
    expect(await h.eb.handle('DescribeEventBus', { Name: BUS })).toEqual({ Name: BUS, Arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${BUS}` });
    expect(await h.eb.handle('DescribeEventBus', {})).toMatchObject({ Name: 'default' });
    const buses: any = await h.eb.handle('ListEventBuses', {});
    expect(buses.EventBuses.map((b: any) => b.Name)).toEqual(['default', BUS]);
    expect((await awsError(h.eb.handle('DescribeRule', { Name: 'Nope', EventBusName: BUS }))).type).toBe('ResourceNotFoundException');
    expect((await awsError(h.eb.handle('DescribeEventBus', { Name: 'nope' }))).type).toBe('ResourceNotFoundException');
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const h = harness();
    expect((await awsError(h.eb.handle('PutRule', {}))).type).toBe('UnknownOperationException');
  });
});

describe('LocalEventBridge TestEventPattern', () => {
  const event = {
    id: 'e1', account: LOCAL_ACCOUNT, source: 'app.test', time: '2026-01-01T00:00:00Z', region: LOCAL_REGION,
    resources: [], 'detail-type': 'WebSocketPush', detail: { channel: 'scores' },
  };
  const test = (pattern: unknown, ev: unknown = event) =>
    harness().eb.handle('TestEventPattern', { EventPattern: JSON.stringify(pattern), Event: JSON.stringify(ev) });

  it('returns whether the event matches', async () => {
    expect(await test({ detail: { channel: [{ prefix: 'sc' }] } })).toEqual({ Result: true });
    expect(await test({ source: ['other'] })).toEqual({ Result: false });
  });

  it('rejects an invalid pattern with InvalidEventPatternException', async () => {
    const e = await awsError(test({ source: [] }));
    expect(e.type).toBe('InvalidEventPatternException');
    // AWS's words, recorded against AWS (LocalStack arrays_empty_EXC)
    expect(e.message).toMatch(/^Event pattern is not valid\. Reason: Empty arrays are not allowed/);
  });

  // AWS requires these six (recorded against AWS: LocalStack test_invalid_event_payload), and answers
  // "Parameter Event is not valid." (its first line, word for word).
  it.each(['id', 'account', 'source', 'time', 'region', 'detail-type'])('requires the event field %s', async (field) => {
    const ev: Record<string, unknown> = { ...event };
    delete ev[field];
    const e = await awsError(test({ source: ['app.test'] }, ev));
    expect(e.type).toBe('ValidationException');
    expect(e.message.split('\n')[0]).toBe('Parameter Event is not valid.');
    expect(e.message).toContain(field);
  });

  // The API reference lists resources as mandatory too, but AWS accepts events without it (LocalStack's
  // templates, recorded against AWS, mostly have none).
  it('accepts an event without resources', async () => {
    const ev: Record<string, unknown> = { ...event };
    delete ev.resources;
    expect(await test({ source: ['app.test'] }, ev)).toEqual({ Result: true });
    expect(await test({ resources: [{ exists: false }] }, ev)).toEqual({ Result: true });
  });

  it('rejects an event that is not a JSON object', async () => {
    expect((await awsError(test({ source: ['x'] }, [1]))).type).toBe('ValidationException');
    const h = harness();
    expect((await awsError(h.eb.handle('TestEventPattern', { EventPattern: '{"source":["x"]}', Event: '{' }))).type).toBe('ValidationException');
  });
});
