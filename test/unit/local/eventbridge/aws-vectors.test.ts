import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { startAwsEndpoint, type AwsEndpoint } from '../../../../local/aws-endpoint';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../../../local/aws-wire';
import { LocalEventBridge } from '../../../../local/eventbridge/event-bridge';

/**
 * Event-pattern vectors whose answers were recorded against AWS (each file and case names its source), run
 * through the real local AWS endpoint with the AWS SDK: `TestEventPattern` for every case, and `PutEvents`
 * through a rule for every case an entry can express, to show that rule matching answers the same.
 */

type Expected = 'match' | 'no-match' | { error?: string; errorPrefix?: string; code?: string };

interface PatternCase {
  name: string;
  source: string;
  pattern?: unknown;
  patternText?: string;
  event?: unknown;
  eventText?: string;
  expected: Expected;
}

interface RuleCase {
  name: string;
  source: string;
  pattern: Record<string, unknown>;
  entry: { Source: string; DetailType: string; Detail: string };
  expected: 'match' | 'no-match';
}

const FIXTURES = join(__dirname, '../../../fixtures/event-patterns');
const load = <T>(file: string): T[] => (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { cases: T[] }).cases;

const patternCases = [...load<PatternCase>('localstack-templates.json'), ...load<PatternCase>('localstack-named-tests.json')];
const ruleCases = load<RuleCase>('localstack-rule-tests.json');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ENTRY_FIELDS = new Set(['source', 'detail-type', 'detail']);

/**
 * The TestEventPattern cases that one PutEvents entry can reproduce: the pattern looks only at fields an entry
 * sets (`source`, `detail-type`, `detail`), and the event's values for them are what an entry can carry.
 */
function asRuleCase(c: PatternCase): RuleCase | undefined {
  if (c.expected !== 'match' && c.expected !== 'no-match') return undefined;
  if (!isObject(c.pattern) || !isObject(c.event)) return undefined;
  if (!Object.keys(c.pattern).every((k) => ENTRY_FIELDS.has(k))) return undefined;
  const { source, 'detail-type': detailType, detail } = c.event;
  if (typeof source !== 'string' || source.startsWith('aws.') || typeof detailType !== 'string') return undefined;
  if (detail !== undefined && !isObject(detail)) return undefined;
  return {
    name: c.name,
    source: c.source,
    pattern: c.pattern,
    entry: { Source: source, DetailType: detailType, Detail: JSON.stringify(detail ?? {}) },
    expected: c.expected,
  };
}

const throughRules = [...patternCases.map(asRuleCase).filter((c): c is RuleCase => c !== undefined), ...ruleCases];

describe('AWS-validated event-pattern vectors against the local endpoint', () => {
  const delivered: string[] = [];
  const eb = new LocalEventBridge({
    deliver: async (arn) => { delivered.push(arn); },
    sendToDeadLetter: async () => {},
    log: () => {},
  });
  const targetOf = (i: number) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:vector-${i}`;
  /** Why a case's rule could not be added, if it could not. */
  const ruleErrors = new Map<number, string>();
  let endpoint: AwsEndpoint;
  let client: EventBridgeClient;

  beforeAll(async () => {
    throughRules.forEach((c, i) => {
      eb.addBus(`vectors-${i}`);
      try {
        eb.addRule({ name: 'vector', busName: `vectors-${i}`, eventPattern: c.pattern, targets: [{ id: 't', arn: targetOf(i) }] });
      } catch (error) {
        ruleErrors.set(i, (error as Error).message);
      }
    });
    endpoint = await startAwsEndpoint({ port: 0, services: [eb] });
    client = new EventBridgeClient({
      endpoint: endpoint.url,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await eb.stop();
    await endpoint.stop();
  });

  it('has the vector set it was built with', () => {
    expect(patternCases).toHaveLength(128);
    expect(throughRules.length).toBeGreaterThanOrEqual(40);
  });

  describe('TestEventPattern', () => {
    it.each(patternCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const command = new TestEventPatternCommand({
        EventPattern: c.patternText ?? JSON.stringify(c.pattern),
        Event: c.eventText ?? JSON.stringify(c.event),
      });
      if (c.expected === 'match' || c.expected === 'no-match') {
        const out = await client.send(command);
        expect(out.Result).toBe(c.expected === 'match');
        return;
      }
      const error = await client.send(command).then(
        () => { throw new Error(`${c.name}: expected an error, got a result`); },
        (e: Error) => e,
      );
      expect(error.name).toBe(c.expected.code ?? 'InvalidEventPatternException');
      const firstLine = error.message.split('\n')[0];
      if (c.expected.error !== undefined) expect(firstLine).toBe(c.expected.error);
      else expect(firstLine.startsWith(c.expected.errorPrefix ?? '')).toBe(true);
    });
  });

  describe('PutEvents through a rule', () => {
    it.each(throughRules.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
      expect(ruleErrors.get(i)).toBeUndefined();
      const out = await client.send(new PutEventsCommand({ Entries: [{ ...c.entry, EventBusName: `vectors-${i}` }] }));
      expect(out.FailedEntryCount).toBe(0);
      await eb.idle();
      expect(delivered.includes(targetOf(i))).toBe(c.expected === 'match');
    });
  });
});
