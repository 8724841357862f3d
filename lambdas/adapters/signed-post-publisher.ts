import { createHash } from 'node:crypto';
import { PushError } from '../../shared/errors';
import type { Publisher } from '../core/publisher';
import { classifyPostFailure } from './management-api-publisher';
import type { CredentialProvider } from './refreshing-credentials';
import { escapeUri, header, RequestTimeoutError, SignedRequester } from './signed-request';

/** The signing name of API Gateway's management API (`execute-api:ManageConnections`). */
const SIGNING_SERVICE = 'execute-api';

/** Settings of {@link SignedPostPublisher}. */
export interface SignedPostPublisherOptions {
  /** The stage's callback URL, `https://{api}.execute-api.{region}.amazonaws.com/{stage}` (http locally). */
  readonly endpoint: string;
  /** The region requests are signed for. */
  readonly region: string;
  /** Where credentials come from; asked again only as they near expiry (see `refreshingCredentials`). */
  readonly credentials: CredentialProvider;
  /** Sockets kept open to the endpoint: the number of posts in flight. */
  readonly maxSockets: number;
  /** ms without activity on a request (connecting included) before it fails as a network error. @default 5000 */
  readonly timeoutMs?: number;
  /** Clock of the signatures' dates and of the credential refresh (injectable for tests). @default Date.now */
  readonly now?: () => number;
}

/** The management API answered a post with a status other than 2xx. */
export class PostStatusError extends PushError {
  constructor(
    public readonly statusCode: number,
    /** `x-amzn-ErrorType`, without the `:<namespace>` suffix AWS may add. */
    public readonly errorType: string | undefined,
    public readonly requestId: string | undefined,
  ) {
    super('PostStatus', `PostToConnection answered ${statusCode}${errorType ? ` ${errorType}` : ''}`);
  }
}

/**
 * Posts to connections (`POST /{stage}/@connections/{id}`) with the {@link SignedRequester}: the same wire
 * request as the SDK's `ApiGatewayManagementApiClient`, without its middleware stack. One attempt per call,
 * as `deliver()` retries; failures are mapped exactly as the SDK client's are (`classifyPostFailure`).
 */
export class SignedPostPublisher implements Publisher {
  private readonly requester: SignedRequester;
  /** SHA-256 of each payload: one push posts the same payload object to every connection, hashed once. */
  private readonly payloadHashes = new WeakMap<Uint8Array, string>();

  constructor(options: SignedPostPublisherOptions) {
    this.requester = new SignedRequester({ ...options, service: SIGNING_SERVICE });
  }

  async post(connectionId: string, payload: Uint8Array): Promise<void> {
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    try {
      ({ status, headers } = await this.requester.request({
        path: `/@connections/${escapeUri(connectionId)}`,
        payload,
        contentType: 'application/octet-stream',
        payloadHash: this.payloadHash(payload),
      }));
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      throw classifyPostFailure(
        connectionId,
        { code: error instanceof RequestTimeoutError ? 'ETIMEDOUT' : typeof code === 'string' ? code : undefined },
        error,
      );
    }
    if (status >= 200 && status < 300) return;
    const errorType = header(headers['x-amzn-errortype'])?.split(':')[0];
    const cause = new PostStatusError(status, errorType, header(headers['x-amzn-requestid']));
    throw classifyPostFailure(connectionId, { errorType, status }, cause);
  }

  /** Closes the kept-alive sockets. */
  destroy(): void {
    this.requester.destroy();
  }

  private payloadHash(payload: Uint8Array): string {
    let hash = this.payloadHashes.get(payload);
    if (hash === undefined) {
      hash = createHash('sha256').update(payload).digest('hex');
      this.payloadHashes.set(payload, hash);
    }
    return hash;
  }
}

