import type { MemberAddedMessage, MemberRemovedMessage, PresenceMember } from '../../shared/protocol';
import { MAX_PRESENCE_MEMBERS_BYTES } from '../../shared/limits';
import type { ConnectionStore } from './connection-store';
import { deliver } from './deliver';
import { describeError, type Logger } from './logger';
import type { Publisher } from './publisher';
import type { ExpiredMember, PresenceSnapshot, PresenceStore } from './presence-store';

/** What a presence change is told to: the channel's subscribers (frames) and, optionally, the bus (events). */
export interface PresenceAnnouncer {
  /** Sends `frame` to the channel's subscribers, but `exclude`. Never throws for a failed post. */
  announce(channel: string, frame: MemberAddedMessage | MemberRemovedMessage, exclude?: string): Promise<void>;
}

/** Where `PresenceMemberAdded` / `PresenceMemberRemoved` events go (the stack's bus). */
export interface PresenceEventSink {
  emit(kind: 'added' | 'removed', detail: { channel: string; userId: string; connectionId: string; info?: unknown }): Promise<void>;
}

/** Collaborators of the presence use cases. */
export interface PresenceDeps {
  readonly store: PresenceStore;
  readonly announcer: PresenceAnnouncer;
  /** Lifecycle events on the bus. @default none */
  readonly events?: PresenceEventSink;
  readonly logger: Logger;
  /** Injectable clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/** The member as frames carry it: `info` parsed back from its JSON text. */
export function presenceMember(userId: string, info: string | undefined): PresenceMember {
  if (info === undefined) return { userId };
  try {
    return { userId, info: JSON.parse(info) as unknown };
  } catch {
    return { userId };
  }
}

/**
 * A verified user's connection subscribed to a presence channel: it joins the channel's members; when it is
 * the user's first connection there, the other subscribers get `member_added` (and the bus an event). Returns
 * the members the `subscribed` frame lists (the joiner included) and their exact count.
 */
export async function joinPresence(
  channel: string,
  connectionId: string,
  member: { readonly userId: string; readonly info?: string },
  options: { readonly ttlSeconds: number; readonly maxMembers: number },
  deps: PresenceDeps,
): Promise<PresenceSnapshot> {
  const nowSeconds = Math.floor((deps.now ?? Date.now)() / 1000);
  const { first } = await deps.store.join(channel, connectionId, member, nowSeconds + options.ttlSeconds, nowSeconds);
  if (first) {
    const m = presenceMember(member.userId, member.info);
    await deps.announcer.announce(channel, { type: 'member_added', channel, member: m }, connectionId);
    await emit(deps, 'added', { channel, connectionId, ...m });
  }
  const snapshot = await deps.store.members(channel, options.maxMembers, nowSeconds);
  await removeExpiredMembers(channel, snapshot.expired, nowSeconds, connectionId, deps);
  return { members: withinBytes(snapshot.members, MAX_PRESENCE_MEMBERS_BYTES), count: snapshot.count };
}

/** How many expired members one join announces at most (the rest wait for the next join). */
const EXPIRED_PER_JOIN = 25;

/**
 * Members whose connections all vanished (no `$disconnect`, and no push met their `410`) expire with their TTL;
 * no function runs when that happens. The next join that reads the channel announces them: `member_removed`
 * to the subscribers but the joiner (whose `subscribed` frame never lists them) and `PresenceMemberRemoved` on
 * the bus, once each (a conditional delete decides who).
 */
async function removeExpiredMembers(channel: string, expired: readonly ExpiredMember[], nowSeconds: number, joiner: string, deps: PresenceDeps): Promise<void> {
  for (const gone of expired.slice(0, EXPIRED_PER_JOIN)) {
    try {
      if (!(await deps.store.removeExpired(channel, gone.userId, nowSeconds))) continue;
      const m = presenceMember(gone.userId, gone.info);
      await deps.announcer.announce(channel, { type: 'member_removed', channel, member: m }, joiner);
      await emit(deps, 'removed', { channel, connectionId: gone.connectionId ?? '', ...m });
    } catch (error) {
      deps.logger.warn('expired presence member not removed', { channel, userId: gone.userId, error: describeError(error) });
    }
  }
}

/** The first members whose JSON list fits in `budget` bytes. */
export function withinBytes(members: readonly PresenceMember[], budget: number): PresenceMember[] {
  const kept: PresenceMember[] = [];
  let bytes = 2;
  for (const m of members) {
    bytes += Buffer.byteLength(JSON.stringify(m), 'utf8') + 1;
    if (bytes > budget) break;
    kept.push(m);
  }
  return kept;
}

/** A connection left a presence channel: when it was its user's last one, the channel gets `member_removed`. */
export async function leavePresence(channel: string, connectionId: string, userId: string, deps: PresenceDeps): Promise<void> {
  const { last, info } = await deps.store.leave(channel, connectionId, userId);
  if (!last) return;
  const m = presenceMember(userId, info);
  await deps.announcer.announce(channel, { type: 'member_removed', channel, member: m }, connectionId);
  await emit(deps, 'removed', { channel, connectionId, ...m });
}

/**
 * A connection is going away ($disconnect, or a post met its 410): it leaves every presence channel it is on.
 * Call before its items are deleted (its subscriptions say which channels).
 */
export async function leaveAllPresence(connectionId: string, deps: PresenceDeps): Promise<void> {
  const { userId, channels } = await deps.store.membershipsOf(connectionId);
  if (userId === undefined) return;
  for (const channel of channels) await leavePresence(channel, connectionId, userId, deps);
}

async function emit(deps: PresenceDeps, kind: 'added' | 'removed', detail: { channel: string; userId: string; connectionId: string; info?: unknown }) {
  if (!deps.events) return;
  try {
    await deps.events.emit(kind, detail);
  } catch (error) {
    // The members and the frames are right; only the services' view misses this change.
    deps.logger.warn('presence event not put on the bus', { channel: detail.channel, kind, error: describeError(error) });
  }
}

/**
 * Announces presence changes by posting the frame to every subscriber of the channel but `exclude`, with the
 * push path's `deliver` (retries, 410 removes the gone connection through `store.remove`).
 */
export function channelAnnouncer(deps: {
  readonly store: Pick<ConnectionStore, 'audience' | 'remove'>;
  readonly publisher: Publisher;
  readonly logger: Logger;
  readonly concurrency: number;
}): PresenceAnnouncer {
  return {
    async announce(channel, frame, exclude) {
      const payload = Buffer.from(JSON.stringify(frame), 'utf8');
      const report = await deliver(others(deps.store.audience({ kind: 'channel', channel }), exclude), payload, { concurrency: deps.concurrency }, deps);
      deps.logger.info('presence announced', { channel, type: frame.type, delivered: report.delivered, gone: report.gone, failed: report.failed });
    },
  };
}

async function* others(pages: AsyncIterable<readonly string[]>, exclude: string | undefined): AsyncGenerator<readonly string[]> {
  for await (const page of pages) yield exclude === undefined ? page : page.filter((id) => id !== exclude);
}

/**
 * The registry, but removing a connection (on `$disconnect` or a 410) first takes it out of its presence
 * channels, so that the others hear `member_removed`. A failure of that step is logged: the record's TTL and
 * the members' own TTL still clean up.
 */
export function leavingPresence<S extends ConnectionStore>(store: S, presence: () => PresenceDeps): S {
  // Every other method (audience, subscribe, delivery's `connectedAt`…) is the store's own.
  return Object.assign(Object.create(store) as S, {
    async remove(connectionId: string) {
      try {
        await leaveAllPresence(connectionId, presence());
      } catch (error) {
        presence().logger.warn('leaving presence channels failed', { connectionId, error: describeError(error) });
      }
      return store.remove(connectionId);
    },
  });
}
