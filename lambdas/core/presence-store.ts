import type { PresenceMember } from '../../shared/protocol';

/** A page of a presence channel's members: at most the cap, and the exact number of live members. */
export interface PresenceSnapshot {
  readonly members: PresenceMember[];
  readonly count: number;
}

/**
 * A member whose item's TTL has passed (all its connections vanished without `$disconnect` and no push met
 * them) but that DynamoDB has not deleted yet: never listed nor counted, and announced as removed once.
 */
export interface ExpiredMember {
  readonly userId: string;
  readonly info?: string;
  /** One of the connections it had (the events carry a connection id). */
  readonly connectionId?: string;
}

/** Presence of users on channels, one item per channel and user (see `presenceKeys` in `shared/table-schema.ts`). */
export interface PresenceStore {
  /**
   * Adds a connection to its user's membership of a channel.
   * @returns `first`: true when the user was not a (live) member before, i.e. it just joined
   */
  join(channel: string, connectionId: string, member: { readonly userId: string; readonly info?: string }, ttl: number, nowSeconds: number): Promise<{ first: boolean }>;
  /**
   * Removes a connection from its user's membership.
   * @returns `last`: true when it was the user's last connection (the user left), with the member's info
   */
  leave(channel: string, connectionId: string, userId: string): Promise<{ last: boolean; info?: string }>;
  /** Live members (ttl after `nowSeconds`), at most `limit` listed, all counted; and the expired ones found. */
  members(channel: string, limit: number, nowSeconds: number): Promise<PresenceSnapshot & { readonly expired: readonly ExpiredMember[] }>;
  /** Deletes an expired member's item if it is still expired; true for the one caller that deleted it. */
  removeExpired(channel: string, userId: string, nowSeconds: number): Promise<boolean>;
  /** The user and the presence channels a connection is subscribed to (from its own items). */
  membershipsOf(connectionId: string): Promise<{ userId?: string; channels: string[] }>;
}
