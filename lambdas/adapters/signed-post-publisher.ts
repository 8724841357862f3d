import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { PushError } from '../../shared/errors';
import { PublishError } from '../core/errors';
import type { Publisher } from '../core/publisher';
import { classifyPostFailure } from './management-api-publisher';
import { Sha256 } from './sha256';
import { refreshingCredentials, type CredentialProvider, type Credentials } from './refreshing-credentials';

/** The signing name of API Gateway's management API (`execute-api:ManageConnections`). */
const SIGNING_SERVICE = 'execute-api';
const ALGORITHM = 'AWS4-HMAC-SHA256';

/** RFC 3986 encoding, as SigV4 requires: encodeURIComponent plus `!'()*`. */
const escapeUri = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

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
  /** Clock of the credential refresh (injectable for tests). @default Date.now */
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

/** A post saw no activity for its timeout. */
export class PostTimeoutError extends PushError {
  constructor(public readonly timeoutMs: number) {
    super('PostTimeout', `PostToConnection got no response within ${timeoutMs} ms`);
  }
}

/**
 * Posts to connections (`POST /{stage}/@connections/{id}`) with a request signed with the SDK's own SigV4
 * signer and sent over one keep-alive agent: the same wire request as the SDK's
 * `ApiGatewayManagementApiClient`, without its middleware stack, which costs several times the CPU per post
 * (bench: `npm run bench -- --post-cpu`). One attempt per call, as `deliver()` retries; failures are mapped
 * exactly as the SDK client's are (`classifyPostFailure`).
 */
export class SignedPostPublisher implements Publisher {
  private readonly region: string;
  private readonly credentials: CredentialProvider;
  /** The SDK signer of the current credentials (a new one when they are refreshed). */
  private signer?: { credentials: Credentials; signer: SignatureV4 };
  private readonly agent: HttpAgent;
  private readonly send: (options: RequestOptions) => ClientRequest;
  private readonly url: URL;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  /** SHA-256 of each payload: one push posts the same payload object to every connection, hashed once. */
  private readonly payloadHashes = new WeakMap<Uint8Array, string>();

  constructor(options: SignedPostPublisherOptions) {
    this.url = new URL(options.endpoint);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') {
      throw new PushError('InvalidConfig', `The management API endpoint must be an http(s) URL, got "${options.endpoint}"`);
    }
    const secure = this.url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
    this.agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.send = secure ? httpsRequest : httpRequest;
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.region = options.region;
    this.credentials = refreshingCredentials(options.credentials, options.now);
  }

  async post(connectionId: string, payload: Uint8Array): Promise<void> {
    try {
      const path = `${this.basePath}/@connections/${escapeUri(connectionId)}`;
      const headers = await this.signedHeaders(path, payload);
      await this.request(connectionId, path, headers, payload);
    } catch (error) {
      if (error instanceof PublishError) throw error;
      const code = (error as { code?: unknown })?.code;
      throw classifyPostFailure(
        connectionId,
        { code: error instanceof PostTimeoutError ? 'ETIMEDOUT' : typeof code === 'string' ? code : undefined },
        error,
      );
    }
  }

  /**
   * The headers of a signed POST of `payload` to `path`: Signature Version 4 ("Create a signed AWS API
   * request", IAM User Guide). The canonical request of this one request shape is built here — the path
   * URI-encoded once more, as for every service but S3, the six headers in order, the payload's hash — and
   * the SDK's signer signs its string to sign with the day's signing key (which it derives and caches).
   */
  private async signedHeaders(path: string, payload: Uint8Array): Promise<Record<string, string>> {
    const credentials = await this.credentials();
    const signer = this.signerOf(credentials);
    const now = new Date();
    const longDate = now.toISOString().replace(/[-:]|\.\d{3}/g, ''); // 20261201T080000Z
    const payloadHash = this.payloadHash(payload);
    // Lower-case names in sorted order: the canonical headers and the signed headers.
    const headers: Record<string, string> = {
      'content-length': String(payload.byteLength),
      'content-type': 'application/octet-stream',
      host: this.url.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': longDate,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    };
    const names = Object.keys(headers);
    const canonicalRequest = [
      'POST',
      escapeUri(path).replace(/%2F/g, '/'),
      '',
      ...names.map((name) => `${name}:${headers[name]}`),
      '',
      names.join(';'),
      payloadHash,
    ].join('\n');
    const scope = `${longDate.slice(0, 8)}/${this.region}/${SIGNING_SERVICE}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = await signer.sign(stringToSign, { signingDate: now });
    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
    return headers;
  }

  private signerOf(credentials: Credentials): SignatureV4 {
    if (this.signer?.credentials !== credentials) {
      this.signer = {
        credentials,
        signer: new SignatureV4({ service: SIGNING_SERVICE, region: this.region, credentials, sha256: Sha256 }),
      };
    }
    return this.signer.signer;
  }

  private payloadHash(payload: Uint8Array): string {
    let hash = this.payloadHashes.get(payload);
    if (hash === undefined) {
      hash = createHash('sha256').update(payload).digest('hex');
      this.payloadHashes.set(payload, hash);
    }
    return hash;
  }

  /** Closes the kept-alive sockets. */
  destroy(): void {
    this.agent.destroy();
  }

  private request(connectionId: string, path: string, headers: Record<string, string>, payload: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = this.send({
        method: 'POST',
        hostname: this.url.hostname,
        port: this.url.port || undefined,
        path,
        headers,
        agent: this.agent,
        timeout: this.timeoutMs,
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // The body is drained (not read) so that the socket goes back to the agent.
        res.resume();
        res.on('error', reject);
        res.on('end', () => {
          if (status >= 200 && status < 300) {
            resolve();
            return;
          }
          const errorType = header(res.headers['x-amzn-errortype'])?.split(':')[0];
          const cause = new PostStatusError(status, errorType, header(res.headers['x-amzn-requestid']));
          reject(classifyPostFailure(connectionId, { errorType, status }, cause));
        });
      });
      req.on('timeout', () => req.destroy(new PostTimeoutError(this.timeoutMs)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
