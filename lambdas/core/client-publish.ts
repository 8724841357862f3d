import { randomUUID } from 'node:crypto';
import { mayPublish } from '../../shared/auth';
import { CHANNEL_PATTERN, CHANNEL_RULE, MAX_REQUEST_ID_LENGTH } from '../../shared/limits';
import { ERROR_CODES, type ErrorMessage, type PublishedMessage, type PushMessage } from '../../shared/protocol';
import type { FrameSender } from './frame-gate';
import { describeError, type Logger } from './logger';
import { MessageFrame } from './message-frame';
import { withSeq, type ChannelSequencer } from './sequence-push';

/** A channel push as a client publish puts it on the bus (a `WebSocketPush` detail). */
export interface ClientPublishDetail {
  readonly channel: string;
  readonly data: unknown;
  /** The message id: the push function finds the seq taken here under it. */
  readonly id: string;
  readonly from: { readonly userId: string };
  /** The sender, unless it asked for an echo. */
  readonly excludeConnectionId?: string;
}

/** Where a client publish goes for delivery: the stack's bus. */
export interface PushBus {
  /** Puts one `WebSocketPush` event. @throws when the bus did not take it */
  put(detail: ClientPublishDetail): Promise<void>;
}

/** Collaborators of {@link clientPublish}. */
export interface ClientPublishDeps {
  /** Numbers the message and keeps it for replay (the push path's own sequencer). */
  readonly sequencer: ChannelSequencer;
  readonly bus: PushBus;
  readonly logger: Logger;
  /** New message ids. @default crypto.randomUUID */
  readonly newId?: () => string;
}

function error(code: ErrorMessage['code'], message: string): ErrorMessage {
  return { type: 'error', code, message };
}

/**
 * A client's `publish` frame: checks the sender's permission and the frame, takes the message's seq and stores
 * it for replay (so the `published` reply has its seq and a `since` subscribe finds it at once), then puts it on
 * the bus as a `WebSocketPush` event carrying `from`, the message id and the sender to leave out. The push
 * function delivers it like any channel message; seeing the id already numbered, it keeps that seq.
 * Anything refused (permission, fields, size) stores nothing and puts nothing.
 */
export async function clientPublish(
  frame: Readonly<Record<string, unknown>>,
  sender: FrameSender & { readonly connectionId: string },
  deps: ClientPublishDeps,
): Promise<PublishedMessage | ErrorMessage> {
  const { channel, data, echo, id: requestId } = frame;
  if (typeof channel !== 'string' || !CHANNEL_PATTERN.test(channel)) {
    return error(ERROR_CODES.InvalidChannel, `"publish" needs a "channel" of ${CHANNEL_RULE}`);
  }
  if (data === undefined) {
    return error(ERROR_CODES.InvalidFrame, '"publish" needs "data" (any JSON value), e.g. {"action":"publish","channel":"chat","data":"hi"}');
  }
  if (echo !== undefined && typeof echo !== 'boolean') {
    return error(ERROR_CODES.InvalidFrame, '"echo" must be true or false (or left out)');
  }
  if (requestId !== undefined && (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > MAX_REQUEST_ID_LENGTH)) {
    return error(ERROR_CODES.InvalidFrame, `"id" must be a string of 1 to ${MAX_REQUEST_ID_LENGTH} characters (or left out)`);
  }
  const refuse = (code: ErrorMessage['code'], message: string) => ({ ...error(code, message), replyTo: requestId as string });
  const userId = sender.userId;
  if (userId === undefined || !mayPublish(channel, { userId, publish: sender.publish ?? [], channels: sender.channels })) {
    return refuse(
      ERROR_CODES.Forbidden,
      userId === undefined
        ? 'Anonymous connections cannot publish; connect with a token whose "publish" claim matches the channel'
        : `Publishing to "${channel}" needs a permission: a "publish" pattern of the token matching it (and, for private and presence channels, a "channels" one)`,
    );
  }

  const id = (deps.newId ?? randomUUID)();
  const from = { userId };
  const message: PushMessage = { type: 'message', channel, id, from, data };
  const numbered = await withSeq(
    { ok: true, push: { eventId: id, audience: { kind: 'channel', channel }, message, frame: MessageFrame.of(message) } },
    deps.sequencer,
  );
  if (!numbered.ok) return refuse(ERROR_CODES.MessageTooLarge, numbered.error.message);
  const seq = numbered.push.message.seq!;
  try {
    await deps.bus.put({ channel, data, id, from, ...(echo === true ? {} : { excludeConnectionId: sender.connectionId }) });
  } catch (cause) {
    // The message is numbered and replayable, but no one was told: the sender may publish it again.
    deps.logger.error('client publish not put on the bus', { connectionId: sender.connectionId, channel, id, error: describeError(cause) });
    return refuse(ERROR_CODES.InternalError, 'The message could not be delivered; publish it again');
  }
  return { type: 'published', channel, id, seq, ...(requestId !== undefined ? { replyTo: requestId as string } : {}) };
}

/**
 * The request id of a `publish` frame, for an answer given before the frame is handled (a rate-limited one):
 * the client then matches the refusal to its publish.
 */
export function publishRequestId(body: string | null | undefined): string | undefined {
  try {
    const frame = JSON.parse(body ?? '') as { action?: unknown; id?: unknown };
    return frame?.action === 'publish' && typeof frame.id === 'string' && frame.id.length <= MAX_REQUEST_ID_LENGTH ? frame.id : undefined;
  } catch {
    return undefined;
  }
}
