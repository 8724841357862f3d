/**
 * websocket-push client: typed, dependency-free (browser `WebSocket`, or `ws` in Node), resumes channels
 * from their last seq across reconnects so nothing is missed, duplicated or reordered within the replay window.
 */
export { PushClient } from './push-client';
/** The subprotocol offered before the token (see `shared/auth.ts`). */
export { PUSH_SUBPROTOCOL } from '../../shared/auth';
export type {
  ConnectionState,
  PushClientEvents,
  PushClientOptions,
  Reply,
  RequestOptions,
  PublishOptions,
  SubscribeOptions,
  TokenTransport,
  WebSocketConstructor,
  WebSocketLike,
} from './push-client';
export { AppSyncPushClient, APPSYNC_SUBSCRIPTION, createPushClient } from './appsync-client';
export type { AnyPushClientOptions, AppSyncPushClientOptions } from './appsync-client';
export { PresenceChannel } from './presence-channel';
export type { PresenceChannelEvents } from './presence-channel';
export { ChannelStream } from './channel-stream';
export type { ChannelGap, ChannelMessage, StreamStep } from './channel-stream';
export { reconnectDelay } from './backoff';
export type { BackoffOptions } from './backoff';
export { CLIENT_ERROR_CODES, PushClientError } from './errors';
export type { ClientErrorCode } from './errors';
