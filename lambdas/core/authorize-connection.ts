import {
  ANONYMOUS_PRINCIPAL,
  AUTHORIZER_CONTEXT,
  MAX_TOKEN_LENGTH,
  TOKEN_QUERY_PARAMETER,
  tokenFromSubprotocols,
} from '../../shared/auth';
import { PushError } from '../../shared/errors';
import { USER_ID_PATTERN } from '../../shared/limits';
import type { Logger } from './logger';

/** Stable codes of {@link InvalidTokenError} (logged; never sent with the token). */
export const AUTH_ERROR_CODES = {
  /** No token, and anonymous connections are not allowed. */
  MissingToken: 'MissingToken',
  /** The token is malformed, badly signed, expired, not yet valid, or for another issuer or audience. */
  InvalidToken: 'InvalidToken',
  /** The token is valid but names no usable user (`sub` missing or not a valid user id). */
  InvalidSubject: 'InvalidSubject',
} as const;

/** A token was refused. `reason` is safe to log (it never contains the token). */
export class InvalidTokenError extends PushError {
  constructor(
    code: (typeof AUTH_ERROR_CODES)[keyof typeof AUTH_ERROR_CODES],
    /** Short, loggable reason, e.g. jose's error code `ERR_JWT_EXPIRED`. */
    public readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(code, `Token refused: ${reason}`, options);
  }
}

/** What a verified token says about its holder. */
export interface VerifiedIdentity {
  /** The token's `sub`. */
  readonly userId: string;
  /** The channel patterns of the token's permissions claim (may be empty). */
  readonly channels: readonly string[];
  /** The channel patterns of the token's publish claim. @default none: the holder cannot publish */
  readonly publish?: readonly string[];
  /** The token's presence info claim as JSON text (bounded), when it has one. */
  readonly info?: string;
}

/** Verifies a JWT (signature, issuer, audience, lifetime, algorithm) and reads its identity. */
export interface TokenVerifier {
  /** @throws InvalidTokenError when the token is not acceptable */
  verify(token: string): Promise<VerifiedIdentity>;
}

/** The parts of API Gateway's REQUEST authorizer event the decision uses. */
export interface AuthorizeRequest {
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
}

/**
 * The authorizer's decision: `allow` (with the principal and the context `$connect` receives),
 * `unauthorized` (API Gateway answers 401) or `forbidden` (403).
 */
export type AuthorizeDecision =
  | { readonly effect: 'allow'; readonly principalId: string; readonly context: Record<string, string | boolean> }
  | { readonly effect: 'unauthorized'; readonly code: string; readonly reason: string }
  | { readonly effect: 'forbidden'; readonly code: string; readonly reason: string };

/** Collaborators and settings of {@link authorizeConnection}. */
export interface AuthorizeDeps {
  readonly verifier: TokenVerifier;
  readonly allowAnonymous: boolean;
  readonly logger: Logger;
}

function header(headers: AuthorizeRequest['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/**
 * Where the client put its token: the `token` query-string parameter, else the value after
 * `websocket-push` in `Sec-WebSocket-Protocol`. Empty values count as absent.
 */
export function tokenOf(request: AuthorizeRequest): string | undefined {
  const fromQuery = request.queryStringParameters?.[TOKEN_QUERY_PARAMETER]?.trim();
  if (fromQuery) return fromQuery;
  const fromProtocol = tokenFromSubprotocols(header(request.headers, 'Sec-WebSocket-Protocol'));
  return fromProtocol || undefined;
}

/**
 * Decides whether a WebSocket handshake may connect. A present token must verify (a bad token is never
 * downgraded to anonymous); no token is let in only when `allowAnonymous`, with no user and no permissions.
 * Never throws for a bad request: verifier failures other than InvalidTokenError propagate (a 500).
 */
export async function authorizeConnection(request: AuthorizeRequest, deps: AuthorizeDeps): Promise<AuthorizeDecision> {
  const token = tokenOf(request);
  if (token === undefined) {
    if (deps.allowAnonymous) {
      return {
        effect: 'allow',
        principalId: ANONYMOUS_PRINCIPAL,
        context: { [AUTHORIZER_CONTEXT.anonymous]: true, [AUTHORIZER_CONTEXT.channels]: '' },
      };
    }
    return { effect: 'unauthorized', code: AUTH_ERROR_CODES.MissingToken, reason: 'no token and anonymous connections are not allowed' };
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    return { effect: 'unauthorized', code: AUTH_ERROR_CODES.InvalidToken, reason: `token longer than ${MAX_TOKEN_LENGTH} characters` };
  }
  let identity: VerifiedIdentity;
  try {
    identity = await deps.verifier.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      return { effect: error.code === AUTH_ERROR_CODES.InvalidSubject ? 'forbidden' : 'unauthorized', code: error.code, reason: error.reason };
    }
    throw error;
  }
  if (!USER_ID_PATTERN.test(identity.userId)) {
    return { effect: 'forbidden', code: AUTH_ERROR_CODES.InvalidSubject, reason: `"sub" is not a valid user id (length ${identity.userId.length})` };
  }
  return {
    effect: 'allow',
    principalId: identity.userId,
    context: {
      [AUTHORIZER_CONTEXT.userId]: identity.userId,
      [AUTHORIZER_CONTEXT.channels]: identity.channels.join(' '),
      [AUTHORIZER_CONTEXT.anonymous]: false,
      ...(identity.publish?.length ? { [AUTHORIZER_CONTEXT.publish]: identity.publish.join(' ') } : {}),
      ...(identity.info !== undefined ? { [AUTHORIZER_CONTEXT.info]: identity.info } : {}),
    },
  };
}

/** The IAM policy answer of a REQUEST authorizer for `methodArn`. */
export function policyResponse(principalId: string, effect: 'Allow' | 'Deny', methodArn: string, context?: Record<string, string | boolean>) {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }],
    },
    ...(context ? { context } : {}),
  };
}
