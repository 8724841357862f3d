/**
 * Posts one message to one connection (API Gateway's `PostToConnection`). Failures are
 * {@link PublishError}s; `retryable` says whether to try again.
 */
export interface Publisher {
  post(connectionId: string, payload: Uint8Array): Promise<void>;
}
