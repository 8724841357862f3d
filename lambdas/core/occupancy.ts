import { LIFECYCLE_DETAIL_TYPES, type ChannelLifecycleDetail } from '../../shared/events';
import type { ConnectionStore } from './connection-store';
import { describeError, type Logger } from './logger';
import { emitLifecycle, type StackEvents } from './stack-events';

/** How many subscriptions each channel has, counted so that exactly one caller sees the first in and the last out. */
export interface OccupancyStore {
  /** One more subscription; `first` when the channel had none (live) before. */
  enter(channel: string, ttl: number, nowSeconds: number): Promise<{ first: boolean }>;
  /** One subscription fewer; `last` when it was the channel's last one. */
  leave(channel: string, nowSeconds: number): Promise<{ last: boolean }>;
}

/** Collaborators of {@link withOccupancy}. */
export interface OccupancyDeps {
  readonly occupancy: OccupancyStore;
  /** Where `ChannelOccupied` / `ChannelVacated` go. */
  readonly events: StackEvents | undefined;
  readonly logger: Logger;
  /** The connection TTL: a counter outlives every subscription it counts by this much. */
  readonly ttlSeconds: number;
  /** The subscribing connection's verified user, for the events of subscribe and unsubscribe. */
  readonly userId?: string;
  /** Injectable clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/**
 * The registry, but a subscription that makes a channel occupied (its first subscriber) puts
 * `ChannelOccupied` on the bus, and an unsubscribe or a removal ($disconnect, a 410) that leaves it empty puts
 * `ChannelVacated`. Counting is best-effort beside the registry: a failure is logged and the subscription
 * itself stands. A channel emptied only by expiring subscriptions (vanished connections no push met) is not
 * announced; its next subscriber is announced as first again.
 */
export function withOccupancy<S extends ConnectionStore>(store: S, deps: OccupancyDeps): S {
  const nowSeconds = () => Math.floor((deps.now ?? Date.now)() / 1000);
  const announce = async (detailType: typeof LIFECYCLE_DETAIL_TYPES.channelOccupied | typeof LIFECYCLE_DETAIL_TYPES.channelVacated, detail: ChannelLifecycleDetail) =>
    emitLifecycle(deps.events, detailType, detail, deps.logger);
  const counted = async (channel: string, connectionId: string, step: () => Promise<boolean>, detailType: Parameters<typeof announce>[0], userId: string | undefined) => {
    let changed: boolean;
    try {
      changed = await step();
    } catch (error) {
      deps.logger.warn('channel occupancy not counted', { channel, connectionId, error: describeError(error) });
      return;
    }
    if (changed) await announce(detailType, { connectionId, ...(userId !== undefined ? { userId } : {}), channel });
  };
  const occupied = (connectionId: string, channel: string) =>
    counted(channel, connectionId, async () => (await deps.occupancy.enter(channel, nowSeconds() + deps.ttlSeconds, nowSeconds())).first, LIFECYCLE_DETAIL_TYPES.channelOccupied, deps.userId);
  const vacated = (connectionId: string, channel: string, userId: string | undefined) =>
    counted(channel, connectionId, async () => (await deps.occupancy.leave(channel, nowSeconds())).last, LIFECYCLE_DETAIL_TYPES.channelVacated, userId);

  // Every other method (audience, delivery's `connectedAt`…) is the store's own.
  return Object.assign(Object.create(store) as S, {
    async subscribe(connectionId: string, channel: string, max: number) {
      const result = await store.subscribe(connectionId, channel, max);
      if (result.created) await occupied(connectionId, channel);
      return result;
    },
    async unsubscribe(connectionId: string, channel: string) {
      const result = await store.unsubscribe(connectionId, channel);
      if (result.removed) await vacated(connectionId, channel, deps.userId);
      return result;
    },
    async remove(connectionId: string) {
      const result = await store.remove(connectionId);
      for (const channel of result.channels) await vacated(connectionId, channel, result.userId);
      return result;
    },
  });
}
