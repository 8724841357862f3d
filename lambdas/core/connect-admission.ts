import { AUTHORIZER_CONTEXT, MAX_PRESENCE_INFO_BYTES, normalizeOrigin, offeredSubprotocols, parseChannelPermissions, PUSH_SUBPROTOCOL } from '../../shared/auth';

type Headers = Readonly<Record<string, string | undefined>> | null | undefined;

function header(headers: Headers, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/** Result of {@link checkOrigin}. */
export type OriginCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Checks the handshake's `Origin` against the allowlist: exact serialized origins (scheme, host and port).
 * An empty allowlist allows any origin. A request without `Origin` is not from a browser page and is allowed
 * (a non-browser client can send any Origin anyway; the list stops other sites from using a visitor's browser).
 */
export function checkOrigin(headers: Headers, allowedOrigins: readonly string[]): OriginCheck {
  if (allowedOrigins.length === 0) return { ok: true };
  const raw = header(headers, 'Origin');
  if (raw === undefined) return { ok: true };
  const origin = normalizeOrigin(raw);
  if (origin === undefined) return { ok: false, reason: 'the Origin header is not an http(s) origin' };
  return allowedOrigins.includes(origin) ? { ok: true } : { ok: false, reason: 'the origin is not in the allowlist' };
}

/**
 * The subprotocol `$connect` must return for API Gateway to complete the handshake: `websocket-push` when
 * the client offered it (with or without a token after it), else none. The token itself is never echoed.
 */
export function acceptedSubprotocol(headers: Headers): string | undefined {
  return offeredSubprotocols(header(headers, 'Sec-WebSocket-Protocol')).includes(PUSH_SUBPROTOCOL) ? PUSH_SUBPROTOCOL : undefined;
}

/** What the authorizer established about a connection, as `$connect` sees it in `requestContext.authorizer`. */
export interface ConnectIdentity {
  readonly userId?: string;
  readonly channels: readonly string[];
  /** Publish patterns (only with a user). */
  readonly publish?: readonly string[];
  /** Presence info as JSON text (only with a user). */
  readonly info?: string;
}

/**
 * Reads the authorizer's context. The user id comes only from the authorizer (`userId`, else `principalId`),
 * never from the request; anonymous connections (`anonymous: true`, as a boolean or API Gateway's string)
 * have none. Permissions are the space-separated `channels`.
 */
export function identityOf(authorizer: Readonly<Record<string, unknown>> | null | undefined): ConnectIdentity {
  if (!authorizer) return { channels: [] };
  const anonymous = authorizer[AUTHORIZER_CONTEXT.anonymous];
  if (anonymous === true || anonymous === 'true') return { channels: [] };
  const id = authorizer[AUTHORIZER_CONTEXT.userId] ?? authorizer.principalId;
  const channels = parseChannelPermissions(authorizer[AUTHORIZER_CONTEXT.channels]);
  if (typeof id !== 'string' || id.length === 0) return { channels };
  const publish = parseChannelPermissions(authorizer[AUTHORIZER_CONTEXT.publish]);
  const info = authorizer[AUTHORIZER_CONTEXT.info];
  return {
    userId: id,
    channels,
    ...(publish.length > 0 ? { publish } : {}),
    ...(typeof info === 'string' && presenceInfoText(info) ? { info } : {}),
  };
}

/** Whether the authorizer's info is JSON text within MAX_PRESENCE_INFO_BYTES (anything else is dropped). */
function presenceInfoText(text: string): boolean {
  if (Buffer.byteLength(text, 'utf8') > MAX_PRESENCE_INFO_BYTES) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
