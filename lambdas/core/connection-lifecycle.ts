import { USER_ID_PATTERN } from '../../shared/limits';
import type { ConnectionStore } from './connection-store';
import type { Logger } from './logger';

/** What `$connect` knows about a new connection. */
export interface ConnectInput {
  readonly connectionId: string;
  /** Epoch ms of the handshake; defaults to `now`. */
  readonly connectedAt?: number;
  /** The authorizer's principal, when there is one. */
  readonly userId?: string;
  /** Channel permission patterns of the verified token (see `shared/auth.ts`). */
  readonly channels?: readonly string[];
  /** Publish patterns of the verified token. */
  readonly publish?: readonly string[];
  /** Presence info of the verified token, as JSON text. */
  readonly info?: string;
}

/** Registers a new connection with a TTL of `now + ttlSeconds`. Store errors propagate. */
export async function registerConnection(
  input: ConnectInput,
  deps: { readonly store: ConnectionStore; readonly ttlSeconds: number; readonly logger: Logger; readonly now?: () => number },
): Promise<void> {
  const now = (deps.now ?? Date.now)();
  let userId = input.userId;
  if (userId !== undefined && !USER_ID_PATTERN.test(userId)) {
    // The push side only accepts ids matching USER_ID_PATTERN, so such a user could never be targeted.
    deps.logger.warn('authorizer user id ignored: it does not match USER_ID_PATTERN', {
      connectionId: input.connectionId,
      userIdLength: userId.length,
    });
    userId = undefined;
  }
  await deps.store.register({
    connectionId: input.connectionId,
    connectedAt: input.connectedAt ?? now,
    ttl: Math.floor(now / 1000) + deps.ttlSeconds,
    ...(userId !== undefined ? { userId } : {}),
    ...(input.channels !== undefined && input.channels.length > 0 ? { channels: input.channels } : {}),
    // Publish and presence info belong to a user: an ignored user id takes them along.
    ...(userId !== undefined && input.publish?.length ? { publish: input.publish } : {}),
    ...(userId !== undefined && input.info !== undefined ? { info: input.info } : {}),
  });
}

/** Removes a connection and all of its subscriptions; succeeds when nothing is left to remove. */
export async function unregisterConnection(connectionId: string, deps: { readonly store: ConnectionStore }): Promise<void> {
  await deps.store.remove(connectionId);
}
