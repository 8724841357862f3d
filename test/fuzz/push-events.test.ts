import fc from 'fast-check';
import { processPush } from '../../lambdas/core/process-push';
import { INVALID_EVENT_CODES, validateDetail } from '../../lambdas/core/validate-detail';
import type { DeadLetterSink } from '../../lambdas/core/dead-letter-sink';
import type { Publisher } from '../../lambdas/core/publisher';
import { MAX_MESSAGE_BYTES } from '../../shared/limits';
import { InMemoryConnectionStore } from '../support/in-memory-connection-store';
import { recordingLogger } from '../support/logs';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS } from './runs';

const CODES = new Set<string>(Object.values(INVALID_EVENT_CODES));

const audienceValue = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.constantFrom('scores', 'private-team-42-a', 'alice', '', 'a'.repeat(300), true, false, 0, null),
);
const detail = fc.oneof(
  fc.anything(),
  fc.record(
    {
      channel: audienceValue,
      userId: audienceValue,
      connectionId: audienceValue,
      broadcast: audienceValue,
      data: fc.oneof(fc.jsonValue(), fc.integer({ min: 1, max: 200 }).map((kb) => 'x'.repeat(kb * 1024))),
      other: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);
const event = fc.oneof(
  fc.anything(),
  fc.record({ id: fc.oneof(fc.uuid(), fc.anything()), 'detail-type': fc.constant('WebSocketPush'), detail }, { requiredKeys: [] }),
);

describe('fuzz: push events (validateDetail, processPush)', () => {
  it(`never throws; each bad event is rejected with a known code and a reason (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(event, (e) => {
        const result = validateDetail(e);
        if (result.ok) {
          expect(result.push.frame.bytes.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
          // Framed once, by pieces: the same text as serializing the whole message.
          expect(result.push.frame.text).toBe(JSON.stringify(result.push.message));
          expect(result.push.frame.byteLength).toBe(result.push.frame.bytes.byteLength);
        } else {
          expect(CODES.has(result.error.code)).toBe(true);
          expect(result.error.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it(`sends every rejected event to the dead-letter sink with its reason, and delivers nothing for it (${FUZZ_RUNS} runs)`, async () => {
    const store = new InMemoryConnectionStore();
    await store.register({ connectionId: 'c1', connectedAt: 0, ttl: 0, userId: 'alice' });
    await store.subscribe('c1', 'scores', 10);
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const dead: Array<{ reason: string; code: string }> = [];
        const posted: string[] = [];
        const deadLetter: DeadLetterSink = { send: async (entry) => { dead.push(entry); } };
        const publisher: Publisher = { post: async (connectionId) => { posted.push(connectionId); } } as Publisher;
        const outcome = await processPush(e, { concurrency: 4 }, { store, publisher, deadLetter, logger: recordingLogger() });
        if (outcome.status === 'rejected') {
          expect(dead).toEqual([expect.objectContaining({ reason: outcome.reason, code: outcome.code })]);
          expect(posted).toEqual([]);
        } else {
          expect(dead).toEqual([]);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, FUZZ_TIMEOUT_MS);

  it('rejects a message over 128 KB once framed, with its size in the reason', async () => {
    const dead: Array<{ reason: string; code: string }> = [];
    const outcome = await processPush(
      { id: 'big', detail: { channel: 'scores', data: 'x'.repeat(MAX_MESSAGE_BYTES) } },
      { concurrency: 1 },
      { store: new InMemoryConnectionStore(), publisher: { post: async () => undefined } as unknown as Publisher, deadLetter: { send: async (d) => { dead.push(d); } }, logger: recordingLogger() },
    );
    expect(outcome).toMatchObject({ status: 'rejected', code: INVALID_EVENT_CODES.MessageTooLarge });
    expect(dead[0]?.reason).toMatch(/is \d+ bytes; API Gateway delivers at most 131072/);
  });
});
