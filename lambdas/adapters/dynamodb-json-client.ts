import { DYNAMODB_CONTENT_TYPE, DYNAMODB_TARGET_PREFIX } from '../../shared/dynamodb-wire';
import { PushError } from '../../shared/errors';
import { fullJitterDelay, sleep as realSleep } from '../core/backoff';
import type { CredentialProvider } from './refreshing-credentials';
import { SignedRequester } from './signed-request';

/** A DynamoDB attribute value in its wire shape (`{"S": "…"}`, `{"N": "1"}`, `{"L": […]}`…). */
export type AttributeValue = Readonly<Record<string, unknown>>;

/**
 * DynamoDB refused a request: `code` is its error type (`ConditionalCheckFailedException`…). Like the SDK's
 * service errors, it is DynamoDB's, not one of the project's: the stores wrap it in a `StoreError`.
 */
export class DynamoDbRequestError extends Error {
  override readonly name = 'DynamoDbRequestError';
  constructor(
    public readonly code: string,
    message: string,
    public readonly statusCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Error types worth another attempt, as the SDK's standard retry strategy has them (throttling and
 * transient server errors); every 5xx and network error is retried as well.
 */
const RETRYABLE = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'LimitExceededException', 'TransactionInProgressException']);

/** Settings of {@link DynamoDbJsonClient}. */
export interface DynamoDbJsonClientOptions {
  /** `https://dynamodb.{region}.amazonaws.com`, or the local endpoint. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: CredentialProvider;
  /** Sockets kept open. @default 8 */
  readonly maxSockets?: number;
  /** Attempts per call (the SDK's standard strategy makes 3). @default 3 */
  readonly attempts?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * DynamoDB's JSON protocol over the {@link SignedRequester}: for the one call every frame makes (the
 * rate-limit UpdateItem), the SDK client's middleware stack costs several times the CPU of the request
 * itself (bench: `npm run bench -- --local` reports both). Values go in and come out in their wire shape.
 * Errors are {@link DynamoDbRequestError}s named by DynamoDB's `__type`; throttling, 5xx and network errors
 * are retried with full-jitter backoff.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
 */
export class DynamoDbJsonClient {
  private readonly requester: SignedRequester;

  constructor(private readonly options: DynamoDbJsonClientOptions) {
    this.requester = new SignedRequester({ endpoint: options.endpoint, service: 'dynamodb', region: options.region, credentials: options.credentials, maxSockets: options.maxSockets ?? 8 });
  }

  /** Calls `operation` (`UpdateItem`, `GetItem`…) with its wire-shaped input; resolves with its output. */
  async send(operation: string, input: object): Promise<Record<string, unknown>> {
    const attempts = this.options.attempts ?? 3;
    const sleep = this.options.sleep ?? realSleep;
    const payload = Buffer.from(JSON.stringify(input), 'utf8');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(operation, payload);
      } catch (error) {
        if (attempt >= attempts || !retryable(error)) throw error;
        await sleep(fullJitterDelay(attempt, { baseDelayMs: 50, maxDelayMs: 1000 }));
      }
    }
  }

  /** Closes the kept-alive sockets. */
  destroy(): void {
    this.requester.destroy();
  }

  private async once(operation: string, payload: Buffer): Promise<Record<string, unknown>> {
    const { status, body } = await this.requester.request({
      path: '/',
      payload,
      contentType: DYNAMODB_CONTENT_TYPE,
      headers: { 'x-amz-target': `${DYNAMODB_TARGET_PREFIX}.${operation}` },
      readBody: true,
    });
    let parsed: Record<string, unknown> = {};
    try {
      if (body.length > 0) parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new DynamoDbRequestError('InvalidResponse', `DynamoDB ${operation} answered ${status} with a body that is not JSON`, status, { cause });
    }
    if (status >= 200 && status < 300) return parsed;
    // `__type` is `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`; the message's key varies in case.
    const type = String(parsed.__type ?? `HTTP${status}`).split('#').pop()!;
    const message = String(parsed.message ?? parsed.Message ?? `DynamoDB ${operation} answered ${status}`);
    throw new DynamoDbRequestError(type, message, status);
  }
}

function retryable(error: unknown): boolean {
  if (error instanceof DynamoDbRequestError) return error.statusCode >= 500 || RETRYABLE.has(error.code);
  return error instanceof PushError ? error.code === 'RequestTimeout' : typeof (error as { code?: unknown })?.code === 'string';
}

/** A wire-shaped attribute value as a plain value: strings, numbers, booleans, null, lists, maps and sets. */
export function fromAttributeValue(value: AttributeValue): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('L' in value) return (value.L as AttributeValue[]).map(fromAttributeValue);
  if ('M' in value) return fromItem(value.M as Record<string, AttributeValue>);
  if ('SS' in value) return new Set(value.SS as string[]);
  if ('NS' in value) return new Set((value.NS as string[]).map(Number));
  return undefined; // binary values: none in this project's items
}

/** A wire-shaped item as a plain object. */
export function fromItem(item: Readonly<Record<string, AttributeValue>> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item ?? {}).map(([k, v]) => [k, fromAttributeValue(v)]));
}
