import { CHANNEL_PATTERN, CHANNEL_RULE, MAX_MESSAGE_BYTES } from '../../shared/limits';
import { CLIENT_ACTIONS, ERROR_CODES, type ErrorCode, type ErrorMessage, type ServerMessage } from '../../shared/protocol';
import { isPresenceChannel, isPrivateChannel } from '../../shared/auth';
import type { PresenceSnapshot } from './presence-store';
import type { ConnectionStore } from './connection-store';
import { TooManySubscriptionsError, UnknownConnectionError } from './errors';
import { describeError, type Logger } from './logger';
import { isSeq, resumeSubscription, type ReplayDeps } from './resume-subscription';

/** Collaborators and settings of {@link handleFrame}. */
export interface HandleFrameDeps {
  readonly store: ConnectionStore;
  readonly maxSubscriptions: number;
  readonly logger: Logger;
  /**
   * Whether this connection may subscribe to a channel (its token's permissions, see `shared/auth.ts`).
   * @default public channels only: a `private-…` channel is refused
   */
  readonly maySubscribe?: (channel: string) => boolean;
  /** Channel continuity: `subscribed` carries the latest seq and `since` replays. @default none */
  readonly replay?: ReplayDeps;
  /** Handles a `publish` frame (see `client-publish.ts`). @default none: `publish` is refused as Forbidden */
  readonly publish?: (frame: Readonly<Record<string, unknown>>) => Promise<ServerMessage>;
  /** Presence channels of this connection's user (see `presence.ts`). @default none: `presence-…` is refused */
  readonly presence?: PresenceHooks;
}

/** The connection's presence: its verified user, joining (after the subscription is written) and leaving. */
export interface PresenceHooks {
  readonly userId?: string;
  join(channel: string): Promise<PresenceSnapshot>;
  leave(channel: string): Promise<void>;
}

/** Builds a `{"type":"error"}` frame. */
export function errorMessage(code: ErrorCode, message: string): ErrorMessage {
  return { type: 'error', code, message };
}

/** The `MessageTooLarge` error frame of a frame over MAX_MESSAGE_BYTES, or undefined. */
export function oversizeError(body: string): ErrorMessage | undefined {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes <= MAX_MESSAGE_BYTES) return undefined;
  return errorMessage(
    ERROR_CODES.MessageTooLarge,
    `The frame is ${bytes} bytes; the most a message may be is ${MAX_MESSAGE_BYTES} bytes`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Handles one client frame of the `$default` route and returns the reply frame. Never throws: every
 * failure, expected or not, becomes an `{"type":"error"}` frame.
 */
export async function handleFrame(
  input: { readonly connectionId: string; readonly body: string | undefined | null },
  deps: HandleFrameDeps,
): Promise<ServerMessage> {
  const body = input.body ?? '';
  const tooLarge = oversizeError(body);
  if (tooLarge) return tooLarge;

  let frame: unknown;
  try {
    frame = JSON.parse(body);
  } catch {
    return errorMessage(
      ERROR_CODES.InvalidJson,
      'The frame is not valid JSON; send a JSON object such as {"action":"ping"}',
    );
  }
  if (!isRecord(frame) || typeof frame.action !== 'string') {
    return errorMessage(
      ERROR_CODES.InvalidFrame,
      'The frame must be a JSON object with a string "action", such as {"action":"subscribe","channel":"news"}',
    );
  }

  const action = frame.action;
  switch (action) {
    case 'ping':
      return { type: 'pong' };
    case 'publish':
      return publishFrame(frame, input.connectionId, deps);
    case 'subscribe':
    case 'unsubscribe': {
      const channel = frame.channel;
      if (typeof channel !== 'string' || !CHANNEL_PATTERN.test(channel)) {
        return errorMessage(
          ERROR_CODES.InvalidChannel,
          `"${action}" needs a "channel" of ${CHANNEL_RULE}`,
        );
      }
      if (action === 'subscribe' && !(deps.maySubscribe ?? ((c: string) => !isPrivateChannel(c)))(channel)) {
        return errorMessage(
          ERROR_CODES.Forbidden,
          `Subscribing to "${channel}" needs a permission: private channels are open to tokens whose "channels" claim matches them`,
        );
      }
      if (action === 'subscribe' && isPresenceChannel(channel) && deps.presence?.userId === undefined) {
        return errorMessage(ERROR_CODES.Forbidden, `Subscribing to "${channel}" needs a verified user: presence channels are open to tokens only`);
      }
      const since = frame.since;
      if (action === 'subscribe' && since !== undefined && !isSeq(since)) {
        return errorMessage(
          ERROR_CODES.InvalidSince,
          '"since" must be the last "seq" received on the channel, a whole number from 0 (or left out)',
        );
      }
      try {
        if (action === 'subscribe') {
          await deps.store.subscribe(input.connectionId, channel, deps.maxSubscriptions);
          // After the subscription is written: what is numbered after this read is delivered live.
          const reply: ServerMessage = deps.replay ? await resumeSubscription(channel, since as number | undefined, deps.replay) : { type: 'subscribed', channel };
          return isPresenceChannel(channel) ? withMembers(reply, await deps.presence!.join(channel)) : reply;
        }
        await deps.store.unsubscribe(input.connectionId, channel);
        if (isPresenceChannel(channel) && deps.presence?.userId !== undefined) await deps.presence.leave(channel);
        return { type: 'unsubscribed', channel };
      } catch (error) {
        return storeFailure(error, input.connectionId, action, deps.logger);
      }
    }
    default:
      return errorMessage(
        ERROR_CODES.UnknownAction,
        `Unknown action "${truncate(action, 64)}"; valid actions are ${CLIENT_ACTIONS.map((a) => `"${a}"`).join(', ')}`,
      );
  }
}

/** A presence channel's `subscribed` frame lists its members (capped) and their exact count. */
function withMembers(reply: ServerMessage, snapshot: PresenceSnapshot): ServerMessage {
  return reply.type === 'subscribed' ? { ...reply, members: snapshot.members, count: snapshot.count } : reply;
}

async function publishFrame(frame: Record<string, unknown>, connectionId: string, deps: HandleFrameDeps): Promise<ServerMessage> {
  if (!deps.publish) return errorMessage(ERROR_CODES.Forbidden, 'Clients cannot publish on this stack');
  try {
    return await deps.publish(frame);
  } catch (error) {
    return storeFailure(error, connectionId, 'publish', deps.logger);
  }
}

function storeFailure(error: unknown, connectionId: string, action: string, logger: Logger): ErrorMessage {
  if (error instanceof TooManySubscriptionsError) {
    return errorMessage(ERROR_CODES.TooManySubscriptions, error.message);
  }
  if (error instanceof UnknownConnectionError) {
    return errorMessage(
      ERROR_CODES.UnknownConnection,
      'This connection is not registered (it may have expired); reconnect and subscribe again',
    );
  }
  logger.error('frame failed', { connectionId, action, error: describeError(error) });
  return errorMessage(ERROR_CODES.InternalError, 'The server could not handle the frame; try again');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
