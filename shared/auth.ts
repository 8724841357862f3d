/**
 * Who may connect and what they may hear: the contract shared by the stack (`lib/`), the authorizer and
 * the route handlers (`lambdas/`), the local cloud's development issuer (`local/`), the client and tests.
 *
 * Token locations (either one; a browser cannot set headers on the WebSocket handshake):
 * - query string: `wss://…/<stage>?token=<JWT>`;
 * - subprotocols: `new WebSocket(url, ['websocket-push', '<JWT>'])`, i.e. the header
 *   `Sec-WebSocket-Protocol: websocket-push, <JWT>`. `$connect` answers with `websocket-push` only (API
 *   Gateway requires the `$connect` integration to return the subprotocol it accepts); the token is never
 *   echoed. A JWT (base64url segments joined by `.`) is a valid RFC 6455 subprotocol token.
 *
 * Permissions: the verified token's `channels` claim (name configurable), either a JSON array of patterns or a
 * space-separated string, e.g. `["private-team-42-*", "private-user-alice"]`. A pattern is exact, or has `*`
 * wildcards (any run of characters, nothing else is special). Channels whose name starts with
 * {@link PRIVATE_CHANNEL_PREFIX} need a matching pattern; every other channel is public.
 */
import { MAX_CHANNEL_LENGTH } from './limits';

/** Query-string parameter that may carry the token. */
export const TOKEN_QUERY_PARAMETER = 'token';
/** The subprotocol a client offers first, followed by its token; the only one `$connect` echoes. */
export const PUSH_SUBPROTOCOL = 'websocket-push';
/** Channels starting with this prefix are private: subscribing needs a permission in the token. */
export const PRIVATE_CHANNEL_PREFIX = 'private-';
/** Default name of the token claim that lists channel permissions. */
export const DEFAULT_CHANNELS_CLAIM = 'channels';
/**
 * Default name of the token claim that lists the channels the holder may publish to (patterns, like
 * `channels`). Anonymous connections never publish.
 */
export const DEFAULT_PUBLISH_CLAIM = 'publish';
/** Default name of the token claim whose value (any JSON) is the user's `info` on presence channels. */
export const DEFAULT_PRESENCE_INFO_CLAIM = 'info';
/** Largest presence `info` kept from a token (bytes of its JSON text); a bigger one is dropped. */
export const MAX_PRESENCE_INFO_BYTES = 1024;
/**
 * Channels starting with this prefix are presence channels: subscribing needs a verified user and a matching
 * `channels` permission, and subscribers see who else is there.
 */
export const PRESENCE_CHANNEL_PREFIX = 'presence-';
/** Default accepted JWS algorithms: asymmetric only (no `none`, no HS*: a public key must never be a secret). */
export const DEFAULT_AUTH_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Every JWS algorithm the authorizer may be configured to accept (asymmetric signatures only). */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;
/** Most channel patterns kept from one token (more are ignored, so a meta item stays small). */
export const MAX_CHANNEL_PERMISSIONS = 100;
/** Largest token accepted (characters); bigger ones are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

/**
 * Keys of the authorizer's `context` (API Gateway only passes strings, numbers and booleans, so the
 * permissions travel as one space-separated string). `$connect` reads them from `requestContext.authorizer`.
 */
export const AUTHORIZER_CONTEXT = {
  /** The verified token's `sub`; absent for anonymous connections. */
  userId: 'userId',
  /** Space-separated channel patterns of the token (may be empty). */
  channels: 'channels',
  /** `true` when the connection has no token (allowed only with `allowAnonymous`). */
  anonymous: 'anonymous',
  /** Space-separated publish patterns of the token (may be empty). */
  publish: 'publish',
  /** The token's presence info claim as JSON text (absent when the token has none or it is too big). */
  info: 'info',
} as const;
/** `principalId` the authorizer gives anonymous connections (never stored as a user). */
export const ANONYMOUS_PRINCIPAL = 'anonymous';

/** A channel permission pattern: a channel name in which `*` may also appear (anywhere). */
export const CHANNEL_PERMISSION_PATTERN = new RegExp(`^[A-Za-z0-9*][A-Za-z0-9_\\-.:@=,*]{0,${MAX_CHANNEL_LENGTH - 1}}$`);

/** Whether a channel needs a permission: private and presence channels do. */
export function isPrivateChannel(channel: string): boolean {
  return channel.startsWith(PRIVATE_CHANNEL_PREFIX) || isPresenceChannel(channel);
}

/** Whether a channel is a presence channel (`presence-…`). */
export function isPresenceChannel(channel: string): boolean {
  return channel.startsWith(PRESENCE_CHANNEL_PREFIX);
}

/** Whether `pattern` (exact, or with `*` matching any run of characters) matches `channel`. */
export function channelPatternMatches(pattern: string, channel: string): boolean {
  if (!pattern.includes('*')) return pattern === channel;
  const parts = pattern.split('*');
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (channel.length < first.length + last.length || !channel.startsWith(first) || !channel.endsWith(last)) return false;
  // Greedy-free left-to-right scan of the middle parts: linear, no regular expression built from input.
  let at = first.length;
  const end = channel.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const found = channel.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Whether a connection holding `permissions` may subscribe to `channel` (public channels: always). */
export function maySubscribe(channel: string, permissions: readonly string[]): boolean {
  if (!isPrivateChannel(channel)) return true;
  return permissions.some((p) => channelPatternMatches(p, channel));
}

/**
 * Whether a connection may publish to `channel`: it has a verified user, one of its `publish` patterns matches,
 * and, for a private or presence channel, it may also subscribe to it.
 */
export function mayPublish(
  channel: string,
  who: { readonly userId?: string; readonly publish: readonly string[]; readonly channels: readonly string[] },
): boolean {
  if (who.userId === undefined) return false;
  return who.publish.some((p) => channelPatternMatches(p, channel)) && maySubscribe(channel, who.channels);
}

/**
 * The presence info of a claim value, as JSON text: undefined when the claim is absent or its JSON is over
 * MAX_PRESENCE_INFO_BYTES.
 */
export function presenceInfoOf(claim: unknown): string | undefined {
  if (claim === undefined) return undefined;
  const json = JSON.stringify(claim);
  // TextEncoder, not Buffer: this module is also bundled into the browser client.
  if (json === undefined || new TextEncoder().encode(json).length > MAX_PRESENCE_INFO_BYTES) return undefined;
  return json;
}

/**
 * The channel patterns of a claim value: an array of strings or a space-separated string. Entries that are
 * not valid patterns are dropped; at most MAX_CHANNEL_PERMISSIONS are kept, without duplicates.
 */
export function parseChannelPermissions(claim: unknown): string[] {
  const raw = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  const out = new Set<string>();
  for (const entry of raw) {
    if (out.size >= MAX_CHANNEL_PERMISSIONS) break;
    if (typeof entry === 'string' && CHANNEL_PERMISSION_PATTERN.test(entry)) out.add(entry);
  }
  return [...out];
}

/**
 * The subprotocols of a `Sec-WebSocket-Protocol` header value (comma-separated, trimmed, empty ones dropped).
 */
export function offeredSubprotocols(header: string | undefined): string[] {
  if (!header) return [];
  return header.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The token a client offered as a subprotocol: the value right after PUSH_SUBPROTOCOL, if any.
 * (`['websocket-push', '<JWT>']`; the order of the others does not matter.)
 */
export function tokenFromSubprotocols(header: string | undefined): string | undefined {
  const offered = offeredSubprotocols(header);
  const at = offered.indexOf(PUSH_SUBPROTOCOL);
  return at >= 0 && at + 1 < offered.length ? offered[at + 1] : undefined;
}


/**
 * The serialized origin (`scheme://host[:port]`, lower-case, default port dropped) of an `Origin` header or
 * a configured origin, or `undefined` when the text is not exactly an http(s) origin (a path, query,
 * fragment, user info or trailing slash, `null`, another scheme). Two origins are the same only when these
 * strings are equal: no suffix or prefix matching, so `https://app.example.com.evil.test` is another origin.
 */
export function normalizeOrigin(text: string | undefined): string | undefined {
  if (!text || text.length > 2048 || /\s/.test(text)) return undefined;
  const m = /^(https?):\/\/([^/?#@]+)$/i.exec(text);
  if (!m) return undefined;
  try {
    const url = new URL(text);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** A JSON Web Key Set (RFC 7517, section 5): `{"keys":[…]}`. */
export interface Jwks {
  readonly keys: readonly Record<string, unknown>[];
}

/** Where the authorizer gets the issuer's public keys: a URL (fetched, cached) or the key set itself. */
export type JwksSource = { readonly url: string } | { readonly keys: Jwks };

/** JWK members that only private or symmetric keys have (RFC 7518, section 6): a JWKS with one is refused. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;

/** Whether a value has the shape of a JWKS: an object with a `keys` array. */
export function isJwks(value: unknown): value is Jwks {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}

/** What is wrong with a JWKS meant to hold public verification keys, or undefined when nothing is. */
export function publicJwksProblem(jwks: unknown): string | undefined {
  if (!isJwks(jwks)) return 'no "keys" array';
  const list: readonly unknown[] = jwks.keys;
  if (list.length === 0) return '"keys" is empty';
  for (const [i, key] of list.entries()) {
    if (typeof key !== 'object' || key === null) return `keys[${i}] is not an object`;
    const k = key as Record<string, unknown>;
    if (!['RSA', 'EC', 'OKP'].includes(String(k.kty))) return `keys[${i}] has kty ${JSON.stringify(k.kty)}; only RSA, EC and OKP public keys verify tokens`;
    const secret = PRIVATE_JWK_MEMBERS.find((m) => m in k);
    if (secret) return `keys[${i}] has the private member "${secret}": never publish a private key`;
  }
  return undefined;
}
