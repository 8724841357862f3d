import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { JwksSource } from '../../shared/auth';
import { accessKeyIdOf } from '../iam/credentials';
import type { AppSyncAuthMode, GraphqlApiModel } from '../template/model';
import { AppSyncRequestError, MISSING_AUTHORIZATION_MESSAGE, UNAUTHORIZED_MESSAGE } from './errors';

/** Who made a request, and in which authorization mode. */
export type AppSyncCaller =
  | { readonly mode: 'API_KEY'; readonly identity: null }
  | { readonly mode: 'OPENID_CONNECT'; readonly identity: { sub: string; issuer: string; claims: Record<string, unknown> } }
  /** SigV4 (an access key id) or EventBridge calling as a rule target's role (`roleArn`). */
  | { readonly mode: 'AWS_IAM'; readonly identity: { accessKeyId?: string; roleArn?: string } };

/** Options of {@link AppSyncAuthenticator}. */
export interface AppSyncAuthOptions {
  /** The keys of an OIDC issuer, by issuer. @default its OpenID discovery document's `jwks_uri` (`<issuer>/.well-known/openid-configuration`) */
  readonly jwks?: Readonly<Record<string, JwksSource>>;
  /** Why a request was refused (AppSync's answers do not say; the local log does). */
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

const unauthorized = (message = UNAUTHORIZED_MESSAGE) => new AppSyncRequestError('UnauthorizedException', message, 401);

/** The header names of a request, lower-cased (HTTP headers, or a real-time `header` / `authorization` object). */
export type AuthHeaders = Readonly<Record<string, unknown>>;

function header(headers: AuthHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name && typeof v === 'string') return v;
  return undefined;
}

/**
 * Authenticates a request against the API's modes, as AppSync does
 * (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html): `x-api-key` (a key of the API,
 * not expired), `Authorization: AWS4-HMAC-SHA256 …` (IAM; the signature is not verified locally, the access
 * key id names the caller for the local IAM), or `Authorization: <JWT>` (OIDC: signature against the issuer's
 * keys, `iss`, `exp`, and `aud`/`client_id` against `ClientId`; AppSync takes the token without `Bearer `).
 * A mode the API does not have, or a failed check, is AppSync's 401 `UnauthorizedException`.
 */
export class AppSyncAuthenticator {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly now: () => number;

  constructor(private readonly api: Pick<GraphqlApiModel, 'authModes' | 'apiKeys'>, private readonly options: AppSyncAuthOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  private has<T extends AppSyncAuthMode['type']>(type: T): Extract<AppSyncAuthMode, { type: T }> | undefined {
    return this.api.authModes.find((m) => m.type === type) as Extract<AppSyncAuthMode, { type: T }> | undefined;
  }

  private refuse(why: string, message?: string): never {
    this.options.log?.(`refused: ${why}`);
    throw unauthorized(message);
  }

  async authenticate(headers: AuthHeaders): Promise<AppSyncCaller> {
    const apiKey = header(headers, 'x-api-key');
    const authorization = header(headers, 'authorization');
    if (apiKey !== undefined) {
      if (!this.has('API_KEY')) this.refuse('an x-api-key, but the API has no API_KEY mode');
      const key = this.api.apiKeys.find((k) => k.value === apiKey);
      if (!key) this.refuse('the x-api-key is not a key of the API');
      if (key.expiresEpochSeconds !== undefined && key.expiresEpochSeconds * 1000 < this.now()) this.refuse(`the API key ${key.logicalId} expired`);
      return { mode: 'API_KEY', identity: null };
    }
    if (authorization === undefined || authorization === '') this.refuse('no x-api-key and no Authorization', MISSING_AUTHORIZATION_MESSAGE);
    if (authorization.startsWith('AWS4-HMAC-SHA256 ')) {
      if (!this.has('AWS_IAM')) this.refuse('a SigV4 signature, but the API has no AWS_IAM mode');
      return { mode: 'AWS_IAM', identity: { accessKeyId: accessKeyIdOf(authorization) } };
    }
    const oidc = this.has('OPENID_CONNECT');
    if (!oidc) this.refuse('an Authorization token, but the API has no OPENID_CONNECT mode (Cognito user pools and Lambda authorizers are not run locally)');
    if (/^bearer\s/i.test(authorization)) this.refuse('the Authorization header starts with "Bearer "; AppSync takes the token alone', 'Valid authorization header not provided.');
    return { mode: 'OPENID_CONNECT', identity: await this.verifyOidc(authorization, oidc) };
  }

  /** EventBridge's call as a rule target's role (IAM mode, no signature: it is made in-process). */
  asRole(roleArn: string): AppSyncCaller {
    if (!this.has('AWS_IAM')) this.refuse(`EventBridge calls as ${roleArn} (IAM), but the API has no AWS_IAM mode`);
    return { mode: 'AWS_IAM', identity: { roleArn } };
  }

  private keysOf(issuer: string): JWTVerifyGetKey {
    let keys = this.keySets.get(issuer);
    if (keys) return keys;
    const source = this.options.jwks?.[issuer];
    if (source && 'keys' in source) keys = createLocalJWKSet(source as unknown as Parameters<typeof createLocalJWKSet>[0]);
    else if (source && 'url' in source) keys = createRemoteJWKSet(new URL(source.url), { timeoutDuration: 3000 });
    else keys = discoveredKeys(issuer);
    this.keySets.set(issuer, keys);
    return keys;
  }

  private async verifyOidc(token: string, mode: Extract<AppSyncAuthMode, { type: 'OPENID_CONNECT' }>) {
    try {
      const { payload } = await jwtVerify(token, this.keysOf(mode.issuer), { issuer: mode.issuer, requiredClaims: ['exp'], currentDate: new Date(this.now()) });
      if (mode.clientId !== undefined) {
        const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? payload.client_id];
        if (!aud.includes(mode.clientId)) this.refuse(`the token's aud/client_id is not the ClientId ${mode.clientId}`, 'Valid authorization header not provided.');
      }
      const nowSeconds = this.now() / 1000;
      if (mode.iatTtlMs && typeof payload.iat === 'number' && nowSeconds - payload.iat > mode.iatTtlMs / 1000) this.refuse('the token is older than IatTTL', 'Valid authorization header not provided.');
      const authTime = payload.auth_time;
      if (mode.authTtlMs && typeof authTime === 'number' && nowSeconds - authTime > mode.authTtlMs / 1000) this.refuse('the token\'s auth_time is older than AuthTTL', 'Valid authorization header not provided.');
      return { sub: String(payload.sub ?? ''), issuer: mode.issuer, claims: payload as Record<string, unknown> };
    } catch (error) {
      if (error instanceof AppSyncRequestError) throw error;
      const why = error instanceof errors.JOSEError ? error.code : (error as Error).message;
      return this.refuse(`the OIDC token does not verify (${why})`, 'Valid authorization header not provided.');
    }
  }
}

/** The keys of an issuer found as AppSync finds them: its discovery document's `jwks_uri`. */
function discoveredKeys(issuer: string): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  return async (protectedHeader, token) => {
    keys ??= (async () => {
      const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(3000) });
      const document = (await response.json()) as { jwks_uri?: string };
      if (!document.jwks_uri) throw new Error(`the discovery document of ${issuer} has no jwks_uri`);
      return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 3000 });
    })().catch((error) => {
      keys = undefined;
      throw error;
    });
    return (await keys)(protectedHeader, token);
  };
}
