/** Limits of API Gateway WebSocket APIs and of this project. Defined once; imported everywhere. */

/** API Gateway: largest message a connection may send or receive (bytes). */
export const MAX_MESSAGE_BYTES = 128 * 1024;
/** API Gateway: largest single WebSocket frame (bytes); a bigger one closes the connection with 1009. */
export const MAX_FRAME_BYTES = 32 * 1024;
/** API Gateway: an idle connection is closed after 10 minutes. */
export const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** API Gateway: every connection is closed after 2 hours. */
export const MAX_CONNECTION_MS = 2 * 60 * 60 * 1000;
/** WebSocket close code API Gateway uses for a message that is too big. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;

/** Default TTL of a registry record: 3 hours, past API Gateway's 2-hour connection limit. */
export const DEFAULT_CONNECTION_TTL_SECONDS = 3 * 60 * 60;
/** Smallest accepted TTL: a record must outlive the longest possible connection. */
export const MIN_CONNECTION_TTL_SECONDS = 2 * 60 * 60 + 60;
/** Largest accepted TTL (7 days): guards against a value given in milliseconds. */
export const MAX_CONNECTION_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Default and bounds of the number of management-API posts in flight in one push. */
export const DEFAULT_DELIVERY_CONCURRENCY = 64;
export const MAX_DELIVERY_CONCURRENCY = 1000;
/** Default number of broadcast shards (see `shared/table-schema.ts`). */
export const DEFAULT_BROADCAST_SHARDS = 16;
/** Memory (MB) of every function but the delivery ones. */
export const DEFAULT_FUNCTION_MEMORY_MB = 256;
/**
 * Memory (MB) of the functions that post to connections (push, fan-out workers). Lambda gives CPU in
 * proportion to memory (1,769 MB = one vCPU), and posting is CPU-bound: 194.5 µs of CPU per post × 64 posts in
 * flight ÷ 20 ms per call = 0.62 vCPU ≈ 1,101 MB, rounded up to a 64 MB step (derivation: bench/RESULTS.md).
 */
export const DEFAULT_DELIVERY_MEMORY_MB = 1152;
/** Lambda's memory at which a function has one full vCPU; CPU is proportional to memory below it. */
export const LAMBDA_MB_PER_VCPU = 1769;
/** Lambda's memory bounds (MB). */
export const MIN_FUNCTION_MEMORY_MB = 128;
export const MAX_FUNCTION_MEMORY_MB = 10240;
export const MAX_BROADCAST_SHARDS = 1000;
/** Default and largest number of channels one connection may be subscribed to. */
export const DEFAULT_MAX_SUBSCRIPTIONS = 100;
export const MAX_MAX_SUBSCRIPTIONS = 1000;
/** Largest `Limit` of a registry query page the functions accept (QUERY_PAGE_SIZE, a testing knob). */
export const MAX_QUERY_PAGE_SIZE = 10_000;

/**
 * Channel names: 1 to 128 characters of letters, digits and `-_.:@=,`; they start with a letter or a digit.
 * Conservative on purpose: a channel is safe in a key, a log line and a URL without escaping.
 */
export const CHANNEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_\-.:@=,]{0,127}$/;
export const MAX_CHANNEL_LENGTH = 128;
/** Human description of CHANNEL_PATTERN, for error messages. */
export const CHANNEL_RULE =
  `1 to ${MAX_CHANNEL_LENGTH} characters of letters, digits and "_-.:@=,", starting with a letter or a digit`;
/** A user id (the authorizer's principal) follows the same rule, up to 256 characters. */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_\-.:@=,|+]{0,255}$/;

/** API Gateway stage names: letters, digits, hyphens and underscores, 1 to 128 characters. */
export const STAGE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Human description of STAGE_NAME_PATTERN, for error messages. */
export const STAGE_NAME_RULE = '1 to 128 letters, digits, hyphens or underscores';
/** The stage of a stack that is given none: the last segment of `wss://…/prod`. */
export const DEFAULT_STAGE_NAME = 'prod';

/**
 * Fan-out: an audience of more than this many connections is split into batches on the fan-out queue and
 * delivered by the worker functions instead of the push function alone. Chosen by measurement
 * (bench/RESULTS.md): below it, one function delivers faster than a queue round trip.
 */
export const DEFAULT_FANOUT_THRESHOLD = 2000;
export const MAX_FANOUT_THRESHOLD = 1_000_000;
/**
 * Connection ids per fan-out message. Bounded so that a message (the framed payload, at most
 * MAX_MESSAGE_BYTES, plus the ids) stays under SQS's 256 KB message limit.
 */
export const DEFAULT_FANOUT_BATCH_SIZE = 500;
export const MAX_FANOUT_BATCH_SIZE = 2000;
/** Default and bounds of the fan-out workers' concurrency (the event source mapping's MaximumConcurrency). */
export const DEFAULT_FANOUT_WORKER_CONCURRENCY = 50;
export const MIN_FANOUT_WORKER_CONCURRENCY = 2;
export const MAX_FANOUT_WORKER_CONCURRENCY = 1000;
/** SQS's largest message (and SendMessageBatch request), in bytes. */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/** Default most frames one connection may send per minute (the `$default` handler's own check). */
export const DEFAULT_MAX_MESSAGES_PER_MINUTE = 300;
/** Largest accepted `maxMessagesPerMinute` (1,000 per second). */
export const MAX_MAX_MESSAGES_PER_MINUTE = 60_000;

/** Default seconds a channel message stays replayable (the `replayWindowSeconds` context key). */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 5 * 60;
/** Largest replay window: one day. */
export const MAX_REPLAY_WINDOW_SECONDS = 24 * 60 * 60;
/**
 * Bytes kept free in a channel message for the `replay` frame that may carry it later, so that any channel
 * message fits in a replay of one.
 */
export const REPLAY_ENVELOPE_BYTES = 512;
/** Seconds an event id is remembered per channel, so that a redelivered event keeps its first `seq`. */
export const EVENT_DEDUPE_TTL_SECONDS = 24 * 60 * 60;
/**
 * Seconds a channel's counter item lives after its last message (DynamoDB TTL, refreshed by every message):
 * the longest a connection record may live, so every connection that saw one of the channel's seqs is gone
 * before the counter can start again at 1.
 */
export const CHANNEL_COUNTER_TTL_SECONDS = MAX_CONNECTION_TTL_SECONDS;
/**
 * How long a missing seq below a retained one is presumed in flight (assigned, not yet stored) before a
 * replay reports it as a gap. Far beyond the few milliseconds between assigning a seq and storing it.
 */
export const SEQ_IN_FLIGHT_GRACE_MS = 10_000;

/** Default and largest number of members a presence channel's `subscribed` frame lists. */
export const DEFAULT_PRESENCE_MAX_MEMBERS = 100;
export const MAX_PRESENCE_MAX_MEMBERS = 1000;
/** Longest request id (`id`) a client may put on a `publish` frame; it comes back as `replyTo`. */
export const MAX_REQUEST_ID_LENGTH = 128;
/**
 * Most bytes of the `members` list of a presence `subscribed` frame (its JSON): with info of up to 1 KB each, the
 * member cap alone could pass API Gateway's 128 KB message limit. Members past it are left out (`count` stays exact).
 */
export const MAX_PRESENCE_MEMBERS_BYTES = 64 * 1024;
