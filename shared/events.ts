/** The publishing contract: EventBridge entries that this stack pushes to WebSocket clients. */

/** `detail-type` the stack's rule matches (any `source`). */
export const PUSH_DETAIL_TYPE = 'WebSocketPush';
/** Default name of the event bus the stack creates. */
export const DEFAULT_EVENT_BUS_NAME = 'websocket-push';

/** The audiences a detail may name: exactly one of them. */
export const AUDIENCE_KEYS = ['channel', 'userId', 'connectionId', 'broadcast'] as const;
export type AudienceKey = (typeof AUDIENCE_KEYS)[number];

export type Audience =
  | { kind: 'channel'; channel: string }
  | { kind: 'userId'; userId: string }
  | { kind: 'connectionId'; connectionId: string }
  | { kind: 'broadcast' };

/**
 * Optional fields of a channel push's `detail` (a client publish puts them; a service may too):
 * - `id`: the message id (1 to 128 characters) instead of the event's; one id keeps one seq on its channel;
 * - `from`: `{ userId }`, carried by the message frame (the publishing user);
 * - `excludeConnectionId`: a connection that does not get the message (the publishing connection).
 */
export const CHANNEL_PUSH_FIELDS = ['id', 'from', 'excludeConnectionId'] as const;

/**
 * `detail` of a push event, as published. `replyTo` (only with `connectionId`: a request id is the asking
 * connection's own) is the `requestId` of the `WebSocketMessage` this push answers; the frame carries it back.
 */
export type PushDetail =
  | { channel: string; data: unknown }
  | { userId: string; data: unknown }
  | { connectionId: string; data: unknown; replyTo?: string }
  | { broadcast: true; data: unknown };

/** Longest `replyTo` of a push (and `id` of a client request it answers). */
export const MAX_REPLY_TO_LENGTH = 128;

/**
 * Environment of your own functions that publish (not of the stack's): the publisher helper reads the bus
 * name from here when it is not given, e.g. `environment: { [PUBLISHER_ENV.EVENT_BUS]: push.eventBus.eventBusName }`.
 */
export const PUBLISHER_ENV = {
  /** Name or ARN of the event bus to publish pushes on. */
  EVENT_BUS: 'WEBSOCKET_PUSH_EVENT_BUS',
} as const;

/** `source` of every event the stack itself puts on its bus (client messages and lifecycle events). */
export const STACK_EVENT_SOURCE = 'websocket-push';

/** `detail-type` of a client's frame that is not one of the protocol's own actions, forwarded to services. */
export const MESSAGE_DETAIL_TYPE = 'WebSocketMessage';

/**
 * `detail-type`s of the lifecycle events the stack puts on its bus (`lifecycleEvents`): a connection
 * opened or closed, a channel's first subscriber in or last one out, a presence member added or removed.
 */
export const LIFECYCLE_DETAIL_TYPES = {
  connected: 'WebSocketConnected',
  disconnected: 'WebSocketDisconnected',
  channelOccupied: 'ChannelOccupied',
  channelVacated: 'ChannelVacated',
  presenceMemberAdded: 'PresenceMemberAdded',
  presenceMemberRemoved: 'PresenceMemberRemoved',
} as const;
export type LifecycleDetailType = (typeof LIFECYCLE_DETAIL_TYPES)[keyof typeof LIFECYCLE_DETAIL_TYPES];

/**
 * `detail` of a `WebSocketMessage` event. `userId` is the verified user of the connection (from the
 * authorizer, never from the frame); `text` is the frame as received; `json` is it parsed, when it parses
 * and the entry has room for it (EventBridge takes 256 KB per entry: else parse `text`); `action` is
 * `json.action` when it is a string; `requestId` is `json.id` when it is a string (answer with a push whose
 * `replyTo` is it). `receivedAt` is epoch ms.
 */
export interface WebSocketMessageDetail {
  readonly connectionId: string;
  readonly userId?: string;
  readonly text: string;
  readonly json?: unknown;
  readonly action?: string;
  readonly requestId?: string;
  readonly receivedAt: number;
}

/** `detail` of `WebSocketConnected`. `connectedAt` is epoch ms of the handshake. */
export interface WebSocketConnectedDetail {
  readonly connectionId: string;
  readonly userId?: string;
  readonly connectedAt: number;
}

/**
 * `detail` of `WebSocketDisconnected`: API Gateway's `disconnectStatusCode` (the close code, e.g. 1000 or
 * 1001, or 1006 when the connection was lost) and `disconnectReason`, when it sends them.
 */
export interface WebSocketDisconnectedDetail {
  readonly connectionId: string;
  readonly userId?: string;
  readonly statusCode?: number;
  readonly reason?: string;
}

/** `detail` of `ChannelOccupied` (first subscriber in) and `ChannelVacated` (last one out). */
export interface ChannelLifecycleDetail {
  readonly connectionId: string;
  readonly userId?: string;
  readonly channel: string;
}

/**
 * Presence lifecycle events the stack puts on its bus (`source: "websocket-push"`): a user's first connection
 * joined a presence channel, or its last one left. Detail: `{ channel, userId, connectionId, info? }`.
 */
export const PRESENCE_DETAIL_TYPES = {
  memberAdded: LIFECYCLE_DETAIL_TYPES.presenceMemberAdded,
  memberRemoved: LIFECYCLE_DETAIL_TYPES.presenceMemberRemoved,
} as const;
