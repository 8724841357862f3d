import type { Audience } from '../../shared/events';

/** What is known about a new connection when it is registered. */
export interface ConnectionRegistration {
  readonly connectionId: string;
  /** Epoch milliseconds of the handshake (`requestContext.connectedAt`). */
  readonly connectedAt: number;
  /** Epoch seconds after which DynamoDB may expire the record. */
  readonly ttl: number;
  /** The authenticated user, when the authorizer named one. */
  readonly userId?: string;
  /** Channel permission patterns of the connection's verified token; none means public channels only. */
  readonly channels?: readonly string[];
  /** Publish patterns of the verified token; none means the connection cannot publish. */
  readonly publish?: readonly string[];
  /** Presence info of the verified token, as JSON text. */
  readonly info?: string;
}

/** Result of a subscribe: `created` is false when the connection was already subscribed. */
export interface SubscribeResult {
  readonly created: boolean;
}

/** Result of an unsubscribe: `removed` is false when there was no such subscription. */
export interface UnsubscribeResult {
  readonly removed: boolean;
}

/**
 * What a removal deleted: the connection's user (when its record named one) and the channels of its live
 * subscriptions (an expired one DynamoDB has not deleted yet is deleted but not listed).
 */
export interface RemoveResult {
  readonly userId?: string;
  readonly channels: readonly string[];
}

/**
 * The registry of live connections and their channel subscriptions. Every lookup is a key query,
 * paginated to the end.
 */
export interface ConnectionStore {
  /** Writes the connection's record. */
  register(registration: ConnectionRegistration): Promise<void>;
  /** Deletes the connection's record and all of its subscriptions; a no-op when nothing is left. */
  remove(connectionId: string): Promise<RemoveResult>;
  /**
   * Subscribes a registered connection to a channel. Idempotent: an existing subscription is not
   * counted twice.
   * @throws UnknownConnectionError when the connection is not registered
   * @throws TooManySubscriptionsError when the connection already has `maxSubscriptions` channels
   */
  subscribe(connectionId: string, channel: string, maxSubscriptions: number): Promise<SubscribeResult>;
  /**
   * Removes one subscription (a no-op when it does not exist).
   * @throws UnknownConnectionError when the connection is not registered
   */
  unsubscribe(connectionId: string, channel: string): Promise<UnsubscribeResult>;
  /** The connection ids of an audience, one page at a time (pages may be empty). */
  audience(audience: Audience): AsyncIterable<readonly string[]>;
}
