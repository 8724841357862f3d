/**
 * The client protocol: JSON text frames. Route selection is `$request.body.action`.
 * Types shared by the handlers, the local cloud, the client and the tests.
 */

/** Name of the route selection expression's field. */
export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';

/** Actions a client may send. */
export const CLIENT_ACTIONS = ['subscribe', 'unsubscribe', 'ping'] as const;
export type ClientAction = (typeof CLIENT_ACTIONS)[number];

export interface SubscribeFrame { action: 'subscribe'; channel: string }
export interface UnsubscribeFrame { action: 'unsubscribe'; channel: string }
export interface PingFrame { action: 'ping' }
export type ClientFrame = SubscribeFrame | UnsubscribeFrame | PingFrame;

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
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface SubscribedMessage { type: 'subscribed'; channel: string }
export interface UnsubscribedMessage { type: 'unsubscribed'; channel: string }
export interface PongMessage { type: 'pong' }
/** A pushed event. `channel` is present only for channel pushes; `id` is the EventBridge event id (dedupe). */
export interface PushMessage { type: 'message'; channel?: string; id: string; data: unknown }
export interface ErrorMessage { type: 'error'; code: ErrorCode; message: string }
export type ServerMessage = SubscribedMessage | UnsubscribedMessage | PongMessage | PushMessage | ErrorMessage;
