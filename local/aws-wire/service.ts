import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The contract between the local AWS endpoint's router and the services behind it that speak AWS's JSON
 * protocols (EventBridge `AWSEvents.*`, SQS `AmazonSQS.*`). The router reads `X-Amz-Target`, parses the
 * JSON body and calls `handle`; it serializes the result, or an `AwsServiceError` the way AWS does
 * (`{"__type": …, "message": …}` with `x-amzn-ErrorType`).
 */
export interface AwsJsonService {
  /** `X-Amz-Target` prefix this service answers, e.g. `AWSEvents` or `AmazonSQS`. */
  readonly targetPrefix: string;
  /** Runs one operation (the part of `X-Amz-Target` after the dot) on a parsed JSON input. */
  handle(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

/**
 * A service that answers the HTTP request itself (DynamoDB: dynalite speaks the protocol, CRC32 included).
 * The router has read the body already.
 */
export interface AwsRawService {
  /** `X-Amz-Target` prefix this service answers, e.g. `DynamoDB_20120810`. */
  readonly targetPrefix: string;
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
}

/** An error answered to an AWS client: `type` is AWS's error code (e.g. `ValidationException`). */
export class AwsServiceError extends Error {
  constructor(
    public readonly type: string,
    message: string,
    public readonly statusCode = 400,
    /** Extra wire details some services need (optional; the three-argument form is unchanged). */
    public readonly details: AwsServiceErrorDetails = {},
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}

/** Optional details of an `AwsServiceError`. */
export interface AwsServiceErrorDetails {
  /**
   * Value of the `x-amzn-query-error` header (`<legacy code>;<Sender|Receiver>`) that services with the
   * `awsQueryCompatible` trait (SQS) send with every JSON error, e.g. `AWS.SimpleQueueService.NonExistentQueue;Sender`.
   */
  readonly queryError?: string;
  /** The body's message field: `message`, or `Message` for the errors AWS's shared front end answers (DynamoDB's AccessDeniedException). @default 'message' */
  readonly messageField?: 'message' | 'Message';
}
