import { ERROR_CODES, type ErrorMessage } from '../../shared/protocol';
import { errorMessage } from './handle-frame';

/** What the registry says about a connection's next frame. */
export type FrameAdmission =
  | ({ readonly status: 'admitted' } & FrameSender)
  | { readonly status: 'limited' }
  | { readonly status: 'unknown' };

/**
 * Counts a connection's frames per fixed window, atomically, and returns its channel permissions in the same
 * round trip.
 */
export interface FrameGate {
  /**
   * Counts one frame in `window` unless the connection already sent `max` in it.
   * @returns `admitted` (with the connection's permissions), `limited`, or `unknown` (no such connection)
   */
  admitFrame(connectionId: string, window: number, max: number): Promise<FrameAdmission>;
}

/** Length of the rate-limit window. */
export const RATE_WINDOW_MS = 60_000;

/** Who sent a frame, as its meta item says: its user and what its token allows. */
export interface FrameSender {
  readonly channels: readonly string[];
  /** Publish patterns. @default none */
  readonly publish?: readonly string[];
  /** The verified user, when there is one. */
  readonly userId?: string;
  /** Presence info, JSON text. */
  readonly info?: string;
}

/** Result of {@link admitFrame}: go on with the connection's permissions, or answer with `reply`. */
export type FrameGateResult =
  | ({ readonly ok: true } & FrameSender)
  | { readonly ok: false; readonly reply: ErrorMessage };

/**
 * The `$default` route's own limit: at most `maxPerMinute` frames per connection and calendar minute, over
 * the stage's throttling. A frame past it gets a `RateLimited` error frame (the connection stays open).
 * A connection that is not registered passes with no permissions (its subscribe then fails as unknown).
 */
export async function admitFrame(
  connectionId: string,
  deps: { readonly gate: FrameGate; readonly maxPerMinute: number; readonly now?: () => number },
): Promise<FrameGateResult> {
  const now = (deps.now ?? Date.now)();
  const window = Math.floor(now / RATE_WINDOW_MS);
  const admission = await deps.gate.admitFrame(connectionId, window, deps.maxPerMinute);
  switch (admission.status) {
    case 'admitted': {
      const { status: _status, ...sender } = admission;
      return { ok: true, ...sender };
    }
    case 'unknown':
      return { ok: true, channels: [] };
    case 'limited': {
      const seconds = Math.max(1, Math.ceil(((window + 1) * RATE_WINDOW_MS - now) / 1000));
      return {
        ok: false,
        reply: errorMessage(
          ERROR_CODES.RateLimited,
          `This connection sent more than ${deps.maxPerMinute} frames this minute; wait ${seconds} s before sending again`,
        ),
      };
    }
  }
}
