import { MAX_MESSAGE_BYTES, REPLAY_ENVELOPE_BYTES, SEQ_IN_FLIGHT_GRACE_MS } from '../../shared/limits';
import type { GapMessage, ReplayMessage, SubscribedMessage } from '../../shared/protocol';
import type { ChannelHistory } from './channel-history';
import { planReplay } from './plan-replay';

/** What a subscribe needs to start at the right place of a channel. */
export interface ReplayDeps {
  readonly history: ChannelHistory;
  /** Seconds a message stays replayable. */
  readonly replayWindowSeconds: number;
  /** Entries read per replay page. @default 100 */
  readonly pageSize?: number;
  /** @default SEQ_IN_FLIGHT_GRACE_MS */
  readonly graceMs?: number;
  /** Injectable clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/** Entries read per replay request. */
export const DEFAULT_REPLAY_PAGE_SIZE = 100;

/** Whether `value` is a valid `since`: a whole number from 0 to Number.MAX_SAFE_INTEGER. */
export function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The reply to a subscribe, called AFTER the subscription is written (so that every message numbered
 * after the counter read here is delivered live):
 * - without `since`: `subscribed` with the channel's latest seq; the live messages follow it;
 * - with `since`: a `replay` of what came after it (paged), or a `gap` for what is past the window.
 */
export async function resumeSubscription(
  channel: string,
  since: number | undefined,
  deps: ReplayDeps,
): Promise<SubscribedMessage | ReplayMessage | GapMessage> {
  const position = await deps.history.position(channel);
  if (since === undefined) return { type: 'subscribed', channel, seq: position.last };
  const limit = deps.pageSize ?? DEFAULT_REPLAY_PAGE_SIZE;
  const entries = since >= position.last ? [] : await deps.history.after(channel, since, limit);
  return planReplay({
    channel,
    since,
    position,
    entries,
    truncated: entries.length >= limit,
    now: (deps.now ?? Date.now)(),
    windowMs: deps.replayWindowSeconds * 1000,
    graceMs: deps.graceMs ?? SEQ_IN_FLIGHT_GRACE_MS,
    budgetBytes: MAX_MESSAGE_BYTES - REPLAY_ENVELOPE_BYTES,
  });
}
