/** AWS credentials, as the SDK's credential providers return them. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When they stop working; undefined means they do not expire (e.g. Lambda's environment credentials). */
  readonly expiration?: Date;
}

/** Something that fetches credentials (the SDK's `defaultProvider()`, `fromEnv()`, a test's function…). */
export type CredentialProvider = () => Promise<Credentials>;

/**
 * How long before their expiration credentials are fetched again: the SDK's own window (5 minutes), so
 * that a request signed just before expiry is not rejected on arrival.
 */
export const CREDENTIAL_REFRESH_WINDOW_MS = 5 * 60 * 1000;

/**
 * Wraps a provider so that it is asked once and then only again when the credentials it gave come within
 * {@link CREDENTIAL_REFRESH_WINDOW_MS} of their expiration. Callers that arrive while a fetch is under way
 * share it. A failed fetch is not kept: the next call asks again.
 */
export function refreshingCredentials(provider: CredentialProvider, now: () => number = Date.now): CredentialProvider {
  let current: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;
  const fresh = (c: Credentials) => c.expiration === undefined || c.expiration.getTime() - now() > CREDENTIAL_REFRESH_WINDOW_MS;
  return () => {
    if (current && fresh(current)) return Promise.resolve(current);
    pending ??= provider().then(
      (credentials) => {
        current = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
