import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import {
  DEFAULT_PRESENCE_INFO_CLAIM,
  DEFAULT_PUBLISH_CLAIM,
  parseChannelPermissions,
  presenceInfoOf,
  type JwksSource,
} from '../../shared/auth';
import { AUTH_ERROR_CODES, InvalidTokenError, type TokenVerifier, type VerifiedIdentity } from '../core/authorize-connection';

/** Settings of {@link JoseTokenVerifier}. */
export interface JoseTokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** The issuer's keys: fetched from a URL (cached, refreshed on an unknown `kid`) or given as a JWKS. */
  readonly jwks: JwksSource;
  /** Accepted `alg` values (asymmetric only; the caller validated them). */
  readonly algorithms: readonly string[];
  /** Claim holding the channel permissions. */
  readonly channelsClaim: string;
  /** Claim holding the publish permissions. @default 'publish' */
  readonly publishClaim?: string;
  /** Claim holding the presence info. @default 'info' */
  readonly infoClaim?: string;
  /** Seconds of clock skew tolerated on `exp` / `nbf`. @default 5 */
  readonly clockToleranceSeconds?: number;
}

/**
 * Verifies JWTs with `jose`: signature against the issuer's JWKS, `iss`, `aud`, `exp`/`nbf`, and an
 * allow-listed `alg` (so `none` and HS* tokens, e.g. one "signed" with the public key as an HMAC secret,
 * never verify).
 */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: JoseTokenVerifierOptions) {
    this.keys =
      'url' in options.jwks
        ? createRemoteJWKSet(new URL(options.jwks.url), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
        : createLocalJWKSet(options.jwks.keys as unknown as Parameters<typeof createLocalJWKSet>[0]);
  }

  async verify(token: string): Promise<VerifiedIdentity> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [...this.options.algorithms],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      // The issuer's keys could not be had (timeout, bad JWKS document): a server fault, not the token's.
      const keysUnavailable = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid;
      if (error instanceof errors.JOSEError && !keysUnavailable) {
        // jose's stable codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ERR_JWT_CLAIM_VALIDATION_FAILED…).
        const claim = error instanceof errors.JWTClaimValidationFailed ? ` (${error.claim})` : '';
        throw new InvalidTokenError(AUTH_ERROR_CODES.InvalidToken, `${error.code}${claim}`, { cause: error });
      }
      throw error;
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.length === 0) {
      throw new InvalidTokenError(AUTH_ERROR_CODES.InvalidSubject, 'no "sub"');
    }
    const info = presenceInfoOf(payload[this.options.infoClaim ?? DEFAULT_PRESENCE_INFO_CLAIM]);
    return {
      userId: sub,
      channels: parseChannelPermissions(payload[this.options.channelsClaim]),
      publish: parseChannelPermissions(payload[this.options.publishClaim ?? DEFAULT_PUBLISH_CLAIM]),
      ...(info !== undefined ? { info } : {}),
    };
  }
}
