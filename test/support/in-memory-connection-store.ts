import type { Audience } from '../../shared/events';
import type { ConnectionRegistration, ConnectionStore, RemoveResult, SubscribeResult, UnsubscribeResult } from '../../lambdas/core/connection-store';
import { TooManySubscriptionsError, UnknownConnectionError } from '../../lambdas/core/errors';
import { shardOf } from '../../shared/table-schema';

/** A ConnectionStore in memory, for unit tests of the core functions. Pages have `pageSize` ids. */
export class InMemoryConnectionStore implements ConnectionStore {
  readonly connections = new Map<string, ConnectionRegistration>();
  readonly subscriptions = new Map<string, Set<string>>();
  readonly removed: string[] = [];
  pagesRead = 0;

  constructor(
    private readonly pageSize = 10,
    private readonly shards = 4,
  ) {}

  async register(r: ConnectionRegistration): Promise<void> {
    this.connections.set(r.connectionId, r);
    this.subscriptions.set(r.connectionId, this.subscriptions.get(r.connectionId) ?? new Set());
  }

  async remove(connectionId: string): Promise<RemoveResult> {
    this.removed.push(connectionId);
    const userId = this.connections.get(connectionId)?.userId;
    const channels = [...(this.subscriptions.get(connectionId) ?? [])];
    this.connections.delete(connectionId);
    this.subscriptions.delete(connectionId);
    return { ...(userId !== undefined ? { userId } : {}), channels };
  }

  async subscribe(connectionId: string, channel: string, max: number): Promise<SubscribeResult> {
    const subs = this.subscriptions.get(connectionId);
    if (!this.connections.has(connectionId) || !subs) throw new UnknownConnectionError(connectionId);
    if (subs.has(channel)) return { created: false };
    if (subs.size >= max) throw new TooManySubscriptionsError(connectionId, max);
    subs.add(channel);
    return { created: true };
  }

  async unsubscribe(connectionId: string, channel: string): Promise<UnsubscribeResult> {
    const subs = this.subscriptions.get(connectionId);
    if (!this.connections.has(connectionId) || !subs) throw new UnknownConnectionError(connectionId);
    return { removed: subs.delete(channel) };
  }

  /**
   * What DynamoDB's TTL does to the table, at once: deletes every connection whose `ttl` (epoch seconds) is
   * before `nowSeconds`, with its subscriptions. @returns how many connections expired
   */
  expire(nowSeconds: number): number {
    let n = 0;
    for (const [id, r] of this.connections) {
      if (r.ttl < nowSeconds) {
        this.connections.delete(id);
        this.subscriptions.delete(id);
        n++;
      }
    }
    return n;
  }

  async *audience(audience: Audience): AsyncIterable<readonly string[]> {
    const all = [...this.connections.values()];
    let ids: string[];
    switch (audience.kind) {
      case 'channel':
        ids = all.filter((c) => this.subscriptions.get(c.connectionId)?.has(audience.channel)).map((c) => c.connectionId);
        break;
      case 'userId':
        ids = all.filter((c) => c.userId === audience.userId).map((c) => c.connectionId);
        break;
      case 'connectionId':
        ids = this.connections.has(audience.connectionId) ? [audience.connectionId] : [];
        break;
      case 'broadcast':
        ids = [];
        for (let s = 0; s < this.shards; s++) {
          ids.push(...all.filter((c) => shardOf(c.connectionId, this.shards) === s).map((c) => c.connectionId));
        }
        break;
    }
    for (let i = 0; i < ids.length; i += this.pageSize) {
      this.pagesRead++;
      yield ids.slice(i, i + this.pageSize);
    }
  }
}

/** Pages of ids produced lazily, counting how many ids were pulled (to check bounded buffering). */
export function lazyPages(total: number, pageSize: number, counter: { pulled: number }): AsyncIterable<readonly string[]> {
  return (async function* () {
    for (let i = 0; i < total; i += pageSize) {
      const page = Array.from({ length: Math.min(pageSize, total - i) }, (_, k) => `c${i + k}`);
      counter.pulled += page.length;
      yield page;
    }
  })();
}
