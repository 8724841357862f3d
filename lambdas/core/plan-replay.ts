import type { GapMessage, PushMessage, ReplayMessage } from '../../shared/protocol';
import type { ChannelPosition, HistoryEntry } from './channel-history';

/** Inputs of {@link planReplay}. */
export interface ReplayInput {
  readonly channel: string;
  /** The last seq the client saw. */
  readonly since: number;
  /** The channel's counter, read BEFORE `entries`. */
  readonly position: ChannelPosition;
  /** Stored entries with seq > since, ascending, as read (possibly cut at `limit`). */
  readonly entries: readonly HistoryEntry[];
  /** Whether `entries` was cut by the read's limit (more may follow). */
  readonly truncated: boolean;
  readonly now: number;
  /** The replay window (ms): older entries are not replayed, whether or not TTL deleted them yet. */
  readonly windowMs: number;
  /** How long a missing seq is presumed in flight before it is reported as a gap. */
  readonly graceMs: number;
  /** Byte budget of the `messages` array (the frame stays under API Gateway's 128 KB). */
  readonly budgetBytes: number;
}

/** The reply to a subscribe with `since`. */
export type ReplayPlan = ReplayMessage | GapMessage;

/**
 * Decides what a client that last saw `since` gets:
 * - a `gap` frame when seqs after `since` can no longer be replayed: an entry older than the window was
 *   found below the first replayable one, or seqs are missing below it (or below the counter) and were
 *   assigned more than `graceMs` ago (not in flight any more: expired, or never stored by a failed push);
 * - otherwise a `replay` frame with the replayable entries in seq order, cut to `budgetBytes` (`more`).
 *   Seqs missing but assigned within `graceMs` are presumed in flight: they are not reported, and arrive
 *   live (their push reads the audience after the subscription was written).
 */
export function planReplay(input: ReplayInput): ReplayPlan {
  const { since, entries, position, now } = input;
  const oldest = now - input.windowMs;
  const firstFresh = entries.findIndex((e) => e.createdAt >= oldest);
  const fresh = firstFresh < 0 ? [] : entries.slice(firstFresh);
  const staleBelow = firstFresh < 0 ? entries : entries.slice(0, firstFresh);
  const last = Math.max(position.last, entries.length ? entries[entries.length - 1]!.seq : 0);

  const gap = (to: number): GapMessage => ({ type: 'gap', channel: input.channel, from: since + 1, to, last });
  const staleMax = staleBelow.length ? staleBelow[staleBelow.length - 1]!.seq : undefined;
  if (fresh.length === 0 && input.truncated && staleMax !== undefined) return gap(staleMax);
  const upper = fresh.length ? fresh[0]!.seq - 1 : position.last;
  if (upper > since) {
    const assignedAt = fresh.length ? fresh[0]!.createdAt : position.updatedAt;
    if (now - assignedAt >= input.graceMs) return gap(upper);
    if (staleMax !== undefined) return gap(staleMax);
  }

  const frames: string[] = [];
  let bytes = 0;
  for (const entry of fresh) {
    const size = Buffer.byteLength(entry.frame, 'utf8') + 1;
    if (frames.length > 0 && bytes + size > input.budgetBytes) break;
    frames.push(entry.frame);
    bytes += size;
  }
  const more = frames.length < fresh.length || (input.truncated && fresh.length > 0);
  // The stored frames are JSON.stringify output, so parsing and serializing them again is byte-identical.
  return { type: 'replay', channel: input.channel, messages: frames.map((f) => JSON.parse(f) as PushMessage), last, more };
}
