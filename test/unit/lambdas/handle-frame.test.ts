import { handleFrame } from '../../../lambdas/core/handle-frame';
import type { ConnectionStore } from '../../../lambdas/core/connection-store';
import { StoreError } from '../../../lambdas/core/errors';
import { CLIENT_ACTIONS, ERROR_CODES, type ServerMessage } from '../../../shared/protocol';
import { MAX_MESSAGE_BYTES } from '../../../shared/limits';
import { InMemoryConnectionStore } from '../../support/in-memory-connection-store';
import { recordingLogger } from '../../support/logs';

describe('handleFrame', () => {
  let store: InMemoryConnectionStore;
  let logger: ReturnType<typeof recordingLogger>;
  const send = (body: string | null | undefined, s: ConnectionStore = store, maxSubscriptions = 3): Promise<ServerMessage> =>
    handleFrame({ connectionId: 'c1', body }, { store: s, maxSubscriptions, logger });

  beforeEach(async () => {
    store = new InMemoryConnectionStore();
    logger = recordingLogger();
    await store.register({ connectionId: 'c1', connectedAt: 1, ttl: 2 });
  });

  it('answers ping with pong', async () => {
    expect(await send('{"action":"ping"}')).toEqual({ type: 'pong' });
  });

  it('subscribes and unsubscribes; subscribing twice is idempotent and counts once', async () => {
    expect(await send('{"action":"subscribe","channel":"scores"}')).toEqual({ type: 'subscribed', channel: 'scores' });
    expect(await send('{"action":"subscribe","channel":"scores"}')).toEqual({ type: 'subscribed', channel: 'scores' });
    expect(store.subscriptions.get('c1')).toEqual(new Set(['scores']));
    expect(await send('{"action":"unsubscribe","channel":"scores"}')).toEqual({ type: 'unsubscribed', channel: 'scores' });
    expect(store.subscriptions.get('c1')).toEqual(new Set());
  });

  it.each([
    ['not json', ERROR_CODES.InvalidJson],
    ['', ERROR_CODES.InvalidJson],
    [null, ERROR_CODES.InvalidJson],
    ['"a string"', ERROR_CODES.InvalidFrame],
    ['[1,2]', ERROR_CODES.InvalidFrame],
    ['null', ERROR_CODES.InvalidFrame],
    ['{"channel":"a"}', ERROR_CODES.InvalidFrame],
    ['{"action":5}', ERROR_CODES.InvalidFrame],
    ['{"action":"shout"}', ERROR_CODES.UnknownAction],
    ['{"action":"publish","channel":"a","data":1}', ERROR_CODES.Forbidden],
    ['{"action":"subscribe"}', ERROR_CODES.InvalidChannel],
    ['{"action":"subscribe","channel":""}', ERROR_CODES.InvalidChannel],
    ['{"action":"subscribe","channel":"a b"}', ERROR_CODES.InvalidChannel],
    ['{"action":"unsubscribe","channel":7}', ERROR_CODES.InvalidChannel],
  ])('answers %j with an error frame %s', async (body, code) => {
    const reply = await send(body);
    expect(reply).toMatchObject({ type: 'error', code });
    expect((reply as { message: string }).message.length).toBeGreaterThan(10);
  });

  it('lists the valid actions for an unknown one', async () => {
    const reply = await send('{"action":"shout"}');
    for (const action of CLIENT_ACTIONS) expect(reply).toMatchObject({ message: expect.stringContaining(`"${action}"`) });
  });

  it('states the allowed channel characters and length', async () => {
    const reply = await send('{"action":"subscribe","channel":"a b"}');
    expect(reply).toMatchObject({ message: expect.stringMatching(/1 to 128 characters of letters, digits and "_-\.:@=,"/) });
  });

  it('refuses a frame over MAX_MESSAGE_BYTES', async () => {
    const body = JSON.stringify({ action: 'ping', pad: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(await send(body)).toMatchObject({ type: 'error', code: ERROR_CODES.MessageTooLarge });
  });

  it('enforces the most subscriptions, but re-subscribing at the limit is fine', async () => {
    for (const ch of ['a', 'b', 'c']) expect(await send(`{"action":"subscribe","channel":"${ch}"}`)).toMatchObject({ type: 'subscribed' });
    expect(await send('{"action":"subscribe","channel":"a"}')).toMatchObject({ type: 'subscribed' });
    const reply = await send('{"action":"subscribe","channel":"d"}');
    expect(reply).toMatchObject({ type: 'error', code: ERROR_CODES.TooManySubscriptions, message: expect.stringContaining('3') });
  });

  it('answers UnknownConnection for a connection that is not registered', async () => {
    await store.remove('c1');
    expect(await send('{"action":"subscribe","channel":"a"}')).toMatchObject({ code: ERROR_CODES.UnknownConnection });
    expect(await send('{"action":"unsubscribe","channel":"a"}')).toMatchObject({ code: ERROR_CODES.UnknownConnection });
  });

  it('turns an unexpected store failure into an InternalError frame, logged, never a throw', async () => {
    const failing = new InMemoryConnectionStore();
    failing.subscribe = async () => {
      throw new StoreError('dynamodb down', { cause: new Error('ECONNREFUSED') });
    };
    const reply = await send('{"action":"subscribe","channel":"a"}', failing);
    expect(reply).toMatchObject({ type: 'error', code: ERROR_CODES.InternalError });
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'error', connectionId: 'c1', action: 'subscribe' })]);
  });
});
