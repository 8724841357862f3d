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

/** `detail` of a push event, as published. */
export type PushDetail =
  | { channel: string; data: unknown }
  | { userId: string; data: unknown }
  | { connectionId: string; data: unknown }
  | { broadcast: true; data: unknown };

/**
 * Environment of your own functions that publish (not of the stack's): the publisher helper reads the bus
 * name from here when it is not given, e.g. `environment: { [PUBLISHER_ENV.EVENT_BUS]: push.eventBus.eventBusName }`.
 */
export const PUBLISHER_ENV = {
  /** Name or ARN of the event bus to publish pushes on. */
  EVENT_BUS: 'WEBSOCKET_PUSH_EVENT_BUS',
} as const;

/**
 * Presence lifecycle events the stack puts on its bus (`source: "websocket-push"`): a user's first connection
 * joined a presence channel, or its last one left. Detail: `{ channel, userId, connectionId, info? }`.
 */
export const PRESENCE_DETAIL_TYPES = {
  memberAdded: 'PresenceMemberAdded',
  memberRemoved: 'PresenceMemberRemoved',
} as const;
