import { PushError } from '../../shared/errors';
import { AUDIENCE_KEYS, CHANNEL_PUSH_FIELDS, MAX_REPLY_TO_LENGTH, type Audience, type AudienceKey } from '../../shared/events';
import { CHANNEL_PATTERN, CHANNEL_RULE, MAX_MESSAGE_BYTES, USER_ID_PATTERN } from '../../shared/limits';
import type { PushMessage } from '../../shared/protocol';
import { MessageFrame } from './message-frame';

/** Stable codes of {@link InvalidEventError}. */
export const INVALID_EVENT_CODES = {
  /** The event is not an object with a string `id` and an object `detail`. */
  InvalidEnvelope: 'InvalidEnvelope',
  /** `detail` names no audience. */
  NoAudience: 'NoAudience',
  /** `detail` names more than one audience. */
  MultipleAudiences: 'MultipleAudiences',
  /** The audience's value has the wrong type or syntax. */
  InvalidAudience: 'InvalidAudience',
  /** `detail` has a field that is neither an audience nor `data`. */
  UnknownField: 'UnknownField',
  /** `detail.data` is missing. */
  MissingData: 'MissingData',
  /** `replyTo` is not a string of 1 to MAX_REPLY_TO_LENGTH characters, or comes with another audience than `connectionId`. */
  InvalidReplyTo: 'InvalidReplyTo',
  /** The framed message is bigger than API Gateway delivers. */
  MessageTooLarge: 'MessageTooLarge',
  /** An optional field (`id`, `from`, `excludeConnectionId`) is malformed or not for this audience. */
  InvalidField: 'InvalidField',
} as const;
export type InvalidEventCode = (typeof INVALID_EVENT_CODES)[keyof typeof INVALID_EVENT_CODES];

/** A push event that can never be delivered; `message` says what is wrong and how to fix it. */
export class InvalidEventError extends PushError {
  constructor(code: InvalidEventCode, reason: string) {
    super(code, reason);
  }
  /** The reason, as sent to the dead-letter queue. */
  get reason(): string {
    return this.message;
  }
}

/** A valid push: who receives it and the framed message, serialized once. */
export interface ValidPush {
  readonly eventId: string;
  readonly audience: Audience;
  /** The message, as a value (its `data` is the event's, not a copy). */
  readonly message: PushMessage;
  /** The message serialized, measured and later encoded once; stored for replay and posted as is. */
  readonly frame: MessageFrame;
  /** A connection of the audience that does not get the message (a publishing client). */
  readonly excludeConnectionId?: string;
}

export type ValidationResult = { ok: true; push: ValidPush } | { ok: false; error: InvalidEventError };

const ALLOWED_FIELDS: ReadonlySet<string> = new Set<string>([...AUDIENCE_KEYS, 'data', 'replyTo', ...CHANNEL_PUSH_FIELDS]);
const EXAMPLE = 'e.g. {"channel":"scores","data":{…}}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(code: InvalidEventCode, reason: string): ValidationResult {
  return { ok: false, error: new InvalidEventError(code, reason) };
}

/**
 * Validates an EventBridge push event: its `detail` names exactly one audience (`channel`, `userId`,
 * `connectionId` or `broadcast: true`) and `data` (any JSON), maybe `replyTo` (with `connectionId` only),
 * and the framed message fits in MAX_MESSAGE_BYTES.
 */
export function validateDetail(event: unknown): ValidationResult {
  if (!isRecord(event) || typeof event.id !== 'string' || event.id.length === 0) {
    return invalid(INVALID_EVENT_CODES.InvalidEnvelope, 'The event has no string "id"; publish it through EventBridge PutEvents');
  }
  const detail = event.detail;
  if (!isRecord(detail)) {
    return invalid(INVALID_EVENT_CODES.InvalidEnvelope, `"detail" must be a JSON object naming one audience and "data", ${EXAMPLE}`);
  }

  const unknown = Object.keys(detail).filter((k) => !ALLOWED_FIELDS.has(k));
  if (unknown.length > 0) {
    return invalid(
      INVALID_EVENT_CODES.UnknownField,
      `"detail" has unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}; allowed are ${[...ALLOWED_FIELDS].map((k) => `"${k}"`).join(', ')}`,
    );
  }
  const named = AUDIENCE_KEYS.filter((k) => detail[k] !== undefined);
  if (named.length === 0) {
    return invalid(
      INVALID_EVENT_CODES.NoAudience,
      `"detail" names no audience; add exactly one of "channel", "userId", "connectionId" or "broadcast": true, ${EXAMPLE}`,
    );
  }
  if (named.length > 1) {
    return invalid(
      INVALID_EVENT_CODES.MultipleAudiences,
      `"detail" names ${named.length} audiences (${named.map((k) => `"${k}"`).join(', ')}); keep exactly one, or publish one event per audience`,
    );
  }
  const audienceOrError = toAudience(named[0]!, detail[named[0]!]);
  if (typeof audienceOrError === 'string') {
    return invalid(INVALID_EVENT_CODES.InvalidAudience, audienceOrError);
  }
  if (!('data' in detail) || detail.data === undefined) {
    return invalid(INVALID_EVENT_CODES.MissingData, '"detail" has no "data"; add the payload to push as "data" (any JSON value)');
  }

  const replyTo = detail.replyTo;
  if (replyTo !== undefined) {
    if (audienceOrError.kind !== 'connectionId') {
      return invalid(
        INVALID_EVENT_CODES.InvalidReplyTo,
        '"replyTo" goes only with "connectionId": answer the connection that asked (the WebSocketMessage\'s connectionId)',
      );
    }
    if (typeof replyTo !== 'string' || replyTo.length === 0 || replyTo.length > MAX_REPLY_TO_LENGTH) {
      return invalid(
        INVALID_EVENT_CODES.InvalidReplyTo,
        `"replyTo" must be the request's id, a string of 1 to ${MAX_REPLY_TO_LENGTH} characters (the WebSocketMessage's requestId)`,
      );
    }
  }

  const extras = channelPushFields(detail, audienceOrError);
  if (typeof extras === 'string') return invalid(INVALID_EVENT_CODES.InvalidField, extras);
  const id = extras.id ?? event.id;
  const message: PushMessage = {
    type: 'message',
    ...(audienceOrError.kind === 'channel' ? { channel: audienceOrError.channel } : {}),
    id,
    ...(replyTo !== undefined ? { replyTo: replyTo as string } : {}),
    ...(extras.from ? { from: extras.from } : {}),
    data: detail.data,
  };
  const frame = MessageFrame.of(message);
  if (frame.byteLength > MAX_MESSAGE_BYTES) {
    return invalid(
      INVALID_EVENT_CODES.MessageTooLarge,
      `The framed message is ${frame.byteLength} bytes; API Gateway delivers at most ${MAX_MESSAGE_BYTES}. Send a smaller "data" (e.g. a reference the client fetches)`,
    );
  }
  return {
    ok: true,
    push: {
      eventId: id,
      audience: audienceOrError,
      message,
      frame,
      ...(extras.excludeConnectionId ? { excludeConnectionId: extras.excludeConnectionId } : {}),
    },
  };
}

/** The optional CHANNEL_PUSH_FIELDS of a detail, or what is wrong with them. */
function channelPushFields(
  detail: Record<string, unknown>,
  audience: Audience,
): { id?: string; from?: { userId: string }; excludeConnectionId?: string } | string {
  const { id, from, excludeConnectionId } = detail;
  if (audience.kind !== 'channel' && (id !== undefined || from !== undefined || excludeConnectionId !== undefined)) {
    return '"id", "from" and "excludeConnectionId" are fields of channel pushes only';
  }
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 128)) {
    return '"id" must be a string of 1 to 128 characters (the message id)';
  }
  if (
    from !== undefined &&
    (!isRecord(from) || Object.keys(from).length !== 1 || typeof from.userId !== 'string' || !USER_ID_PATTERN.test(from.userId))
  ) {
    return '"from" must be {"userId": "<user id>"}';
  }
  if (excludeConnectionId !== undefined && (typeof excludeConnectionId !== 'string' || excludeConnectionId.length === 0 || excludeConnectionId.length > 128)) {
    return '"excludeConnectionId" must be a connection id';
  }
  return {
    ...(id !== undefined ? { id: id as string } : {}),
    ...(from !== undefined ? { from: { userId: (from as { userId: string }).userId } } : {}),
    ...(excludeConnectionId !== undefined ? { excludeConnectionId: excludeConnectionId as string } : {}),
  };
}

function toAudience(key: AudienceKey, value: unknown): Audience | string {
  switch (key) {
    case 'channel':
      if (typeof value !== 'string' || !CHANNEL_PATTERN.test(value)) {
        return `"channel" must be a string of ${CHANNEL_RULE}`;
      }
      return { kind: 'channel', channel: value };
    case 'userId':
      if (typeof value !== 'string' || !USER_ID_PATTERN.test(value)) {
        return '"userId" must be a string of 1 to 256 characters of letters, digits and "_-.:@=,|+", starting with a letter or a digit';
      }
      return { kind: 'userId', userId: value };
    case 'connectionId':
      if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
        return '"connectionId" must be a non-empty string (the requestContext.connectionId of a connection)';
      }
      return { kind: 'connectionId', connectionId: value };
    case 'broadcast':
      if (value !== true) {
        return `"broadcast" must be true (got ${JSON.stringify(value)}); to target fewer connections use "channel", "userId" or "connectionId"`;
      }
      return { kind: 'broadcast' };
  }
}
