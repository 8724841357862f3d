import type { PresenceMember } from '../../shared/protocol';
import { Emitter } from './emitter';

/** Events of a {@link PresenceChannel}. */
export interface PresenceChannelEvents {
  /** The member list was (re)loaded: on subscribe and after every reconnect. */
  members: (members: readonly PresenceMember[], count: number) => void;
  /** A user joined (its first connection). */
  member_added: (member: PresenceMember) => void;
  /** A user left (its last connection). */
  member_removed: (member: PresenceMember) => void;
}

/**
 * Who is on a presence channel, as its `subscribed`, `member_added` and `member_removed` frames say. `members`
 * holds at most the server's cap (`presenceMaxMembers`) plus later joins; `count` is the exact number.
 */
export class PresenceChannel extends Emitter<PresenceChannelEvents> {
  private readonly byUser = new Map<string, PresenceMember>();
  private total = 0;

  constructor(
    /** The channel, `presence-…`. */
    public readonly channel: string,
    private readonly leave: () => void,
  ) {
    super();
  }

  /** The members known (the listed ones and those that joined since). */
  get members(): PresenceMember[] {
    return [...this.byUser.values()];
  }

  /** The channel's exact member count (as of the last frame). */
  get count(): number {
    return this.total;
  }

  /** Stops following the channel (unsubscribes). */
  unsubscribe(): void {
    this.leave();
  }

  /** @internal the `subscribed` frame of a (re)subscription. */
  reset(members: readonly PresenceMember[], count: number): unknown[] {
    this.byUser.clear();
    for (const m of members) this.byUser.set(m.userId, m);
    this.total = count;
    return this.emit('members', this.members, count);
  }

  /** @internal */
  added(member: PresenceMember): unknown[] {
    if (!this.byUser.has(member.userId)) this.total++;
    this.byUser.set(member.userId, member);
    return this.emit('member_added', member);
  }

  /** @internal */
  removed(member: PresenceMember): unknown[] {
    this.total = Math.max(0, this.total - 1);
    this.byUser.delete(member.userId);
    return this.emit('member_removed', member);
  }
}
