import fc from 'fast-check';
import { ENV } from '../../shared/env';
import { ERROR_CODES } from '../../shared/protocol';
import { replyToEvent, startHandlersOnLocalAws, type Handlers } from '../support/handlers';
import { apiGatewayEvent, type LocalAws } from '../support/local-services';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS } from './runs';

const TABLE_NAME = 'connections-fuzz';
const KNOWN_CODES = new Set<string>(Object.values(ERROR_CODES));
const REPLY_TYPES = new Set(['subscribed', 'unsubscribed', 'pong', 'error']);

/** Deeply nested JSON (arrays and objects), built without recursion limits of the arbitrary itself. */
const deep = fc.integer({ min: 1, max: 5000 }).map((depth) => {
  let text = '0';
  for (let i = 0; i < depth; i++) text = i % 2 ? `[${text}]` : `{"a":${text}}`;
  return text;
});
const channelish = fc.oneof(
  fc.string(),
  fc.constantFrom('scores', 'private-team-42-a', 'private-', 'private-*', '*', '', ' scores', 'a'.repeat(129), 'ü', 'news\u0000'),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);
const action = fc.oneof(
  fc.constantFrom('subscribe', 'unsubscribe', 'ping', 'SUBSCRIBE', 'publish', '$connect', '$default', '__proto__', 'constructor', ''),
  fc.string(),
);
/** Frames that look almost right: the realistic hostile input. */
const nearMiss = fc.record(
  {
    action: fc.oneof(action, fc.anything()),
    channel: fc.oneof(channelish, fc.anything()),
    since: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
).map((o) => JSON.stringify(o));
/** Any client text frame: random JSON, wrong types, deep nesting, huge strings, non-JSON text, raw bytes. */
const textFrame = fc.oneof(
  nearMiss,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.json(),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  deep,
  fc.integer({ min: 1, max: 140 }).map((kb) => JSON.stringify({ action: 'subscribe', channel: 'x'.repeat(kb * 1024) })),
  fc.constantFrom('', 'null', '[]', '{}', '"ping"', '{"action":null}', '{"action":["ping"]}', '{"__proto__":{"action":"ping"}}'),
);

describe('fuzz: client frames through the real $default handler against the local DynamoDB', () => {
  let aws: LocalAws;
  let h: Handlers;
  beforeAll(async () => {
    ({ aws, handlers: h } = await startHandlersOnLocalAws(TABLE_NAME, {
      [ENV.MAX_MESSAGES_PER_MINUTE]: '60000',
      [ENV.MAX_SUBSCRIPTIONS]: '1000',
    }));
    await h.connect(apiGatewayEvent.connect('fuzz-conn'));
  });
  afterAll(async () => {
    await aws?.stop();
  });

  const reply = (event: ReturnType<typeof apiGatewayEvent.message>) => replyToEvent(h, event);

  it(`answers every text frame with a typed frame and stays usable (${FUZZ_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(textFrame, async (frame) => {
        const answer = await reply(apiGatewayEvent.message('fuzz-conn', frame));
        expect(REPLY_TYPES.has(answer.type)).toBe(true);
        if (answer.type === 'error') {
          expect(KNOWN_CODES.has(answer.code)).toBe(true);
          expect(answer.code).not.toBe(ERROR_CODES.InternalError);
          expect(answer.message.length).toBeGreaterThan(0);
        }
        expect(await reply(apiGatewayEvent.message('fuzz-conn', '{"action":"ping"}'))).toEqual({ type: 'pong' });
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, FUZZ_TIMEOUT_MS);

  it(`answers binary (base64) frames with a typed frame (${FUZZ_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const event = apiGatewayEvent.message('fuzz-conn', Buffer.from(bytes).toString('base64'));
        (event as { isBase64Encoded: boolean }).isBase64Encoded = true;
        const answer = await reply(event);
        expect(REPLY_TYPES.has(answer.type)).toBe(true);
        if (answer.type === 'error') expect(KNOWN_CODES.has(answer.code)).toBe(true);
        expect(await reply(apiGatewayEvent.message('fuzz-conn', '{"action":"ping"}'))).toEqual({ type: 'pong' });
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, FUZZ_TIMEOUT_MS);
});
