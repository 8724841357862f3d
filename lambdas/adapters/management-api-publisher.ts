import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  ForbiddenError,
  GoneError,
  NetworkError,
  PayloadTooLargeError,
  type PublishError,
  ServerError,
  ThrottledError,
  UnexpectedPublishError,
} from '../core/errors';
import type { Publisher } from '../core/publisher';

/** Settings of {@link createManagementApiClient}. */
export interface ManagementApiClientOptions {
  /** The stage's callback URL, `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  readonly endpoint: string;
  /** Sockets kept open to the endpoint: the number of posts in flight. */
  readonly maxSockets: number;
  /** ms to wait for a connection. @default 3000 */
  readonly connectionTimeoutMs?: number;
  /** ms to wait for a response. @default 5000 */
  readonly requestTimeoutMs?: number;
}

/**
 * A management-API client for one stage: keep-alive sockets sized to the delivery concurrency, and one
 * attempt per call because `deliver()` does its own retrying with backoff.
 */
export function createManagementApiClient(options: ManagementApiClientOptions): ApiGatewayManagementApiClient {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  return new ApiGatewayManagementApiClient({
    endpoint: options.endpoint,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 5000,
    }),
  });
}

/** Error codes of socket-level failures: no HTTP response was received. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'AbortError']);
const THROTTLE_NAMES = new Set(['LimitExceededException', 'ThrottlingException', 'TooManyRequestsException']);

/**
 * What is known of a failed post: the AWS error type (the SDK error's `name`, or the response's
 * `x-amzn-ErrorType`), the HTTP status if a response came, and the socket error code if none did.
 */
export interface PostFailure {
  readonly errorType?: string;
  readonly status?: number;
  readonly code?: string;
}

/** Maps a failed post to the typed {@link PublishError} `deliver()` understands; `cause` is kept as its cause. */
export function classifyPostFailure(connectionId: string, failure: PostFailure, cause: unknown): PublishError {
  const { errorType = '', status, code = '' } = failure;
  const options = { cause };
  if (errorType === 'GoneException' || status === 410) return new GoneError(connectionId, options);
  if (errorType === 'ForbiddenException' || status === 403) return new ForbiddenError(connectionId, options);
  if (errorType === 'PayloadTooLargeException' || status === 413) return new PayloadTooLargeError(connectionId, options);
  if (THROTTLE_NAMES.has(errorType) || status === 429) return new ThrottledError(connectionId, options);
  if (status !== undefined && status >= 500) return new ServerError(connectionId, status, options);
  if (status === undefined && (NETWORK_CODES.has(code) || NETWORK_NAMES.has(errorType))) return new NetworkError(connectionId, options);
  return new UnexpectedPublishError(connectionId, status, options);
}

/** Maps an error of the SDK's `PostToConnection` to the typed {@link PublishError} `deliver()` understands. */
export function toPublishError(connectionId: string, error: unknown): PublishError {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
  return classifyPostFailure(
    connectionId,
    {
      errorType: typeof e.name === 'string' ? e.name : undefined,
      status: e.$metadata?.httpStatusCode,
      code: typeof e.code === 'string' ? e.code : undefined,
    },
    error,
  );
}

/** Posts to connections through API Gateway's management API (`PostToConnection`). */
export class ManagementApiPublisher implements Publisher {
  constructor(private readonly client: Pick<ApiGatewayManagementApiClient, 'send'>) {}

  async post(connectionId: string, payload: Uint8Array): Promise<void> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: payload }));
    } catch (error) {
      throw toPublishError(connectionId, error);
    }
  }
}
