/**
 * The client protocol: JSON text frames. Route selection is `$request.body.action`.
 * Types shared by the handlers, the local cloud, the client and the tests.
 */

/** Name of the route selection expression's field. */
export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';

/** Actions a client may send. */
export const CLIENT_ACTIONS = ['subscribe', 'unsubscribe', 'ping', 'publish'] as const;
export type ClientAction = (typeof CLIENT_ACTIONS)[number];

/**
 * `since`: the last `seq` the client saw on the channel. The reply then replays what came after it
 * (a `replay` frame) or reports what can no longer be replayed (a `gap` frame) instead of `subscribed`.
 */
export interface SubscribeFrame { action: 'subscribe'; channel: string; since?: number }
export interface UnsubscribeFrame { action: 'unsubscribe'; channel: string }
export interface PingFrame { action: 'ping' }
/**
 * Publishes `data` on `channel` as the connection's user (needs a matching `publish` permission). The other
 * subscribers get it as a channel `message` with `from`; the sender too when `echo` is true. `id`, a request
 * id of the client's choosing, comes back as `replyTo` of the `published` frame.
 */
export interface PublishFrame { action: 'publish'; channel: string; data: unknown; echo?: boolean; id?: string }
export type ClientFrame = SubscribeFrame | UnsubscribeFrame | PingFrame | PublishFrame;

/** Stable error codes sent in `{"type":"error"}` frames. */
export const ERROR_CODES = {
  /** The frame is not JSON text. */
  InvalidJson: 'InvalidJson',
  /** The frame is JSON but not an object with a string `action`. */
  InvalidFrame: 'InvalidFrame',
  /** `action` is not one of CLIENT_ACTIONS. */
  UnknownAction: 'UnknownAction',
  /** `channel` is missing or does not match CHANNEL_PATTERN. */
  InvalidChannel: 'InvalidChannel',
  /** The connection already has MAX_SUBSCRIPTIONS subscriptions. */
  TooManySubscriptions: 'TooManySubscriptions',
  /** The frame is bigger than the limit. */
  MessageTooLarge: 'MessageTooLarge',
  /** The connection is not (or no longer) registered. */
  UnknownConnection: 'UnknownConnection',
  /** The connection may not do this (private channel without permission). */
  Forbidden: 'Forbidden',
  /** Something failed on the server; the request may be retried. */
  InternalError: 'InternalError',
  /** The connection sent more frames than allowed in the current minute; wait and retry. */
  RateLimited: 'RateLimited',
  /** `since` of a subscribe is not a whole number from 0 to Number.MAX_SAFE_INTEGER. */
  InvalidSince: 'InvalidSince',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** A member of a presence channel: a user (once, however many connections it has) and its token's info. */
export interface PresenceMember { userId: string; info?: unknown }
/**
 * `seq`: the channel's latest sequence number when the subscription started; live messages follow it.
 * On a presence channel, `members` lists members (at most `presenceMaxMembers`) and `count` is their number.
 */
export interface SubscribedMessage { type: 'subscribed'; channel: string; seq?: number; members?: PresenceMember[]; count?: number }
/** Reply to a `publish`: the message's id and seq on the channel; `replyTo` is the frame's `id`, when given. */
export interface PublishedMessage { type: 'published'; channel: string; id: string; seq: number; replyTo?: string }
/** A user's first connection joined a presence channel. */
export interface MemberAddedMessage { type: 'member_added'; channel: string; member: PresenceMember }
/** A user's last connection left a presence channel (unsubscribed, disconnected, or found gone). */
export interface MemberRemovedMessage { type: 'member_removed'; channel: string; member: PresenceMember }
export interface UnsubscribedMessage { type: 'unsubscribed'; channel: string }
export interface PongMessage { type: 'pong' }
/**
 * A pushed event. `channel` is present only for channel pushes; `id` is the EventBridge event id (dedupe);
 * `replyTo` is the `id` of the client's request this push answers (connection pushes only); `from` is present
 * on messages a client published (its verified user); `seq` is the channel's sequence number (1, 2, 3…,
 * assigned once per event when it is pushed).
 */
export interface PushMessage { type: 'message'; channel?: string; id: string; replyTo?: string; from?: { userId: string }; seq?: number; data: unknown }
/** `replyTo`: the `id` of the `publish` frame refused, when it had one. */
export interface ErrorMessage { type: 'error'; code: ErrorCode; message: string; replyTo?: string }
/**
 * Reply to a subscribe with `since`: the retained messages after `since`, in `seq` order. `last` is the
 * channel's latest assigned seq when the replay was read; `more` is true when the page was cut (to stay
 * under the 128 KB message limit) and the client should subscribe again with `since` = the last seq it got.
 */
export interface ReplayMessage { type: 'replay'; channel: string; messages: PushMessage[]; last: number; more: boolean }
/**
 * Reply to a subscribe with `since` when messages `from`..`to` (inclusive) are past the replay window and
 * cannot be replayed: the client reports the gap and subscribes again with `since` = `to`.
 */
export interface GapMessage { type: 'gap'; channel: string; from: number; to: number; last: number }
export type ServerMessage =
  | SubscribedMessage | UnsubscribedMessage | PongMessage | PushMessage | ErrorMessage | ReplayMessage | GapMessage
  | PublishedMessage | MemberAddedMessage | MemberRemovedMessage;
