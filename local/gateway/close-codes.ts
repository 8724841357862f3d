import { CLOSE_MESSAGE_TOO_BIG } from '../../shared/limits';

/**
 * WebSocket close codes (RFC 6455, section 7.4.1) and reasons the gateway uses or reports to `$disconnect`,
 * defined once.
 */
export const CLOSE = {
  /** `DELETE @connections/{id}`. */
  deleted: { code: 1000, reason: '' },
  /** Idle timeout, maximum connection duration and `stop()` (API Gateway: "Going away"). */
  goingAway: { code: 1001, reason: 'Going away' },
  /** A frame `ws` could not parse. */
  protocolError: { code: 1002, reason: '' },
  /** A binary frame from the client (API Gateway accepts text frames only). */
  unsupportedData: { code: 1003, reason: 'Binary frames are not supported' },
  /** No close frame: the client went away (also reported for a client that gave up during `$connect`). */
  abnormal: { code: 1006, reason: '' },
  /** A text frame that is not UTF-8. */
  invalidPayload: { code: 1007, reason: '' },
  /** A frame over 32 KB or a message over 128 KB. */
  tooBig: { code: CLOSE_MESSAGE_TOO_BIG, reason: 'Message too big' },
} as const;
