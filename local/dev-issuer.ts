import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import { PushError } from '../shared/errors';
import { PACKAGE_ROOT } from '../lib/constructs/handler-bundle';
import { localStatePath } from './local-state';

/** `iss` of the local development issuer's tokens. */
export const DEV_ISSUER = 'urn:websocket-push:local-dev-issuer';
/** `aud` of the local development issuer's tokens. */
export const DEV_AUDIENCE = 'websocket-push-local';
/** Where the local cloud keeps the development key pair in the project it runs (git-ignored). */
export function devIssuerDir(projectDir: string): string {
  return localStatePath(projectDir, 'dev-issuer');
}
/** Where `npm start` and `npm run token` keep the development key pair in this repository. */
export const DEV_ISSUER_DIR = devIssuerDir(PACKAGE_ROOT);
/** Signing algorithm of the development issuer. */
export const DEV_ALGORITHM = 'ES256';
const KEY_FILE = 'private-key.jwk.json';

/** The development key file is unreadable or not a private ES256 JWK. */
export class DevIssuerError extends PushError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DevIssuer', message, options);
  }
}

/** Claims of a development token. */
export interface DevTokenOptions {
  /** `sub`: the user id. */
  readonly user: string;
  /** Channel permission patterns (the `channels` claim). @default [] */
  readonly channels?: readonly string[];
  /** Publish permission patterns (the `publish` claim). @default none: the claim is left out */
  readonly publish?: readonly string[];
  /** Presence info (the `info` claim, any JSON). @default none */
  readonly info?: unknown;
  /** Lifetime in seconds. @default 3600 */
  readonly ttlSeconds?: number;
  /** Overrides, for tests of hostile tokens (another issuer, audience…). */
  readonly issuer?: string;
  readonly audience?: string;
  /** `exp` in epoch seconds, instead of now + ttl (e.g. in the past). */
  readonly expiresAt?: number;
}

/** A development issuer: its public JWKS (for the stack) and a token signer (for clients and tests). */
export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  /** `{"keys":[<public JWK>]}` */
  readonly publicJwks: { keys: JWK[] };
  readonly privateKey: KeyLike | Uint8Array;
  /** Signs a token the stack configured by {@link devIssuerContext} accepts. */
  sign(options: DevTokenOptions): Promise<string>;
}

/** Creates an issuer from a private JWK. */
export async function devIssuerFromJwk(privateJwk: JWK): Promise<DevIssuer> {
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || !privateJwk.d || !privateJwk.kid) {
    throw new DevIssuerError('the development key is not a private P-256 JWK with a kid');
  }
  const privateKey = await importJWK(privateJwk, DEV_ALGORITHM);
  const { d: _d, ...publicJwk } = privateJwk;
  const kid = privateJwk.kid;
  return {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    kid,
    publicJwks: { keys: [{ ...publicJwk, alg: DEV_ALGORITHM, use: 'sig' }] },
    privateKey,
    sign: (o) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        channels: [...(o.channels ?? [])],
        ...(o.publish !== undefined ? { publish: [...o.publish] } : {}),
        ...(o.info !== undefined ? { info: o.info } : {}),
      })
        .setProtectedHeader({ alg: DEV_ALGORITHM, kid, typ: 'JWT' })
        .setIssuer(o.issuer ?? DEV_ISSUER)
        .setAudience(o.audience ?? DEV_AUDIENCE)
        .setSubject(o.user)
        .setIssuedAt(now)
        .setExpirationTime(o.expiresAt ?? now + (o.ttlSeconds ?? 3600))
        .sign(privateKey);
    },
  };
}

/** A new random ES256 private JWK with a kid. */
export async function newDevJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `dev-${Date.now().toString(36)}` };
}

/**
 * The development issuer kept in `dir`: its key pair is generated on first use and kept, so tokens stay valid
 * across restarts. Safe when several processes start at once (the first key written wins).
 */
export async function loadOrCreateDevIssuer(dir: string = DEV_ISSUER_DIR): Promise<DevIssuer> {
  const file = join(dir, KEY_FILE);
  const read = async () => devIssuerFromJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DevIssuerError(`cannot read the development key ${file}: ${(error as Error).message}. Delete it to make a new one.`, { cause: error });
    }
  }
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${KEY_FILE}.${process.pid}.${Date.now()}`);
  writeFileSync(tmp, `${JSON.stringify(await newDevJwk(), null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file); // fails if another process wrote one first: then theirs is used
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
  return read();
}

/**
 * CDK context that makes the stack trust the development issuer: its public JWKS inline (so the synth does
 * not depend on the local AWS endpoint's port), and anonymous connections allowed on public channels.
 */
export function devIssuerContext(issuer: DevIssuer): Record<string, string> {
  return {
    authIssuer: issuer.issuer,
    authAudience: issuer.audience,
    authJwks: JSON.stringify(issuer.publicJwks),
    allowAnonymous: 'true',
  };
}
