import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { PushError } from '../../shared/errors';
import { refreshingCredentials, type CredentialProvider, type Credentials } from './refreshing-credentials';

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** RFC 3986 encoding, as SigV4 requires: encodeURIComponent plus `!'()*`. */
export const escapeUri = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Settings of {@link SignedRequester}. */
export interface SignedRequesterOptions {
  /** The service's endpoint, `https://…` (http locally); its path is the base of every request's path. */
  readonly endpoint: string;
  /** The signing name (`execute-api`, `dynamodb`). */
  readonly service: string;
  /** The region requests are signed for. */
  readonly region: string;
  /** Where credentials come from; asked again only as they near expiry (see `refreshingCredentials`). */
  readonly credentials: CredentialProvider;
  /** Sockets kept open to the endpoint: the number of requests in flight. */
  readonly maxSockets: number;
  /** ms without activity on a request (connecting included) before it fails as a network error. @default 5000 */
  readonly timeoutMs?: number;
  /** Clock of the signatures' dates and of the credential refresh (injectable for tests). @default Date.now */
  readonly now?: () => number;
}

/** One request: a POST of `payload` to `path` (below the endpoint's path), with its content type. */
export interface SignedRequest {
  readonly path: string;
  readonly payload: Uint8Array;
  readonly contentType: string;
  /** Further headers to sign and send (lower-case names), e.g. `x-amz-target`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The payload's SHA-256 (hex), when the caller keeps it (one payload posted many times). */
  readonly payloadHash?: string;
  /** Whether the response body is wanted; else it is drained unread. @default false */
  readonly readBody?: boolean;
}

/** What the service answered. */
export interface SignedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body, when `readBody` was asked; else empty. */
  readonly body: Buffer;
}

/** A request saw no activity for its timeout. */
export class RequestTimeoutError extends PushError {
  constructor(public readonly timeoutMs: number) {
    super('RequestTimeout', `The request got no response within ${timeoutMs} ms`);
  }
}

/**
 * POSTs signed with Signature Version 4 over one keep-alive agent: the wire request an SDK client sends,
 * without its middleware stack, which costs several times the CPU per request (bench:
 * `npm run bench -- --post-cpu`). The tests check each signature against the SDK's own signer. One attempt
 * per call: callers retry as their API needs.
 */
export class SignedRequester {
  private readonly url: URL;
  private readonly basePath: string;
  private readonly agent: HttpAgent;
  private readonly send: (options: RequestOptions) => ClientRequest;
  private readonly credentials: CredentialProvider;
  private readonly timeoutMs: number;
  /** The signing key of the current credentials and day (derived again when either changes). */
  private signingKey?: { credentials: Credentials; day: string; key: Buffer };

  constructor(private readonly options: SignedRequesterOptions) {
    this.url = new URL(options.endpoint);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') {
      throw new PushError('InvalidConfig', `The ${options.service} endpoint must be an http(s) URL, got "${options.endpoint}"`);
    }
    const secure = this.url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
    this.agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.send = secure ? httpsRequest : httpRequest;
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.credentials = refreshingCredentials(options.credentials, options.now);
  }

  /** Sends the request; rejects with a network error (`code`) or a {@link RequestTimeoutError}, never for a status. */
  async request(req: SignedRequest): Promise<SignedResponse> {
    const path = `${this.basePath}${req.path}`;
    const credentials = await this.credentials();
    return this.exchange(path, this.signedHeaders(path, req, credentials), req);
  }

  /** Closes the kept-alive sockets. */
  destroy(): void {
    this.agent.destroy();
  }

  /**
   * The headers of a signed POST: Signature Version 4 ("Create a signed AWS API request", IAM User Guide).
   * The canonical request of this one request shape is built here — the path URI-encoded once more, as for
   * every service but S3, the headers in sorted order, the payload's hash — and its string to sign is signed
   * with the day's signing key.
   */
  private signedHeaders(path: string, req: SignedRequest, credentials: Credentials): Record<string, string> {
    const now = new Date((this.options.now ?? Date.now)());
    const longDate = now.toISOString().replace(/[-:]|\.\d{3}/g, ''); // 20261201T080000Z
    const payloadHash = req.payloadHash ?? createHash('sha256').update(req.payload).digest('hex');
    const unsorted: Record<string, string> = {
      'content-length': String(req.payload.byteLength),
      'content-type': req.contentType,
      host: this.url.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': longDate,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
      ...req.headers,
    };
    const names = Object.keys(unsorted).sort();
    const canonicalRequest = [
      'POST',
      escapeUri(path).replace(/%2F/g, '/'),
      '',
      ...names.map((name) => `${name}:${unsorted[name]}`),
      '',
      names.join(';'),
      payloadHash,
    ].join('\n');
    const day = longDate.slice(0, 8);
    const scope = `${day}/${this.options.region}/${this.options.service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.keyOf(credentials, day)).update(stringToSign).digest('hex');
    return { ...unsorted, authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
  }

  /** SigV4's signing key: the secret, HMAC'd with the day, the region, the service and `aws4_request` in turn. */
  private keyOf(credentials: Credentials, day: string): Buffer {
    if (this.signingKey?.credentials !== credentials || this.signingKey.day !== day) {
      const key = [day, this.options.region, this.options.service, 'aws4_request']
        .reduce<Buffer | string>((k, part) => createHmac('sha256', k).update(part).digest(), `AWS4${credentials.secretAccessKey}`);
      this.signingKey = { credentials, day, key: key as Buffer };
    }
    return this.signingKey.key;
  }

  private exchange(path: string, headers: Record<string, string>, req: SignedRequest): Promise<SignedResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = this.send({
        method: 'POST',
        hostname: this.url.hostname,
        port: this.url.port || undefined,
        path,
        headers,
        agent: this.agent,
        timeout: this.timeoutMs,
      });
      outgoing.on('response', (res) => {
        const chunks: Buffer[] = [];
        // An unread body is drained, so that the socket goes back to the agent.
        if (req.readBody) res.on('data', (chunk: Buffer) => chunks.push(chunk));
        else res.resume();
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      outgoing.on('timeout', () => outgoing.destroy(new RequestTimeoutError(this.timeoutMs)));
      outgoing.on('error', reject);
      outgoing.end(req.payload);
    });
  }
}

/** The first value of a response header. */
export const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
