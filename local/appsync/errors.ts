import { PushError } from '../../shared/errors';

/**
 * One error of an AppSync answer, in AppSync's shape: `errorType` and `message`, with the GraphQL `path` and
 * `locations` for errors of a field, and `errorCode` (an HTTP status) on real-time `connection_error`s
 * (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html).
 */
export interface AppSyncErrorShape {
  errorType?: string;
  message: string;
  errorCode?: number;
  path?: readonly (string | number)[] | null;
  locations?: readonly { line: number; column: number; sourceName: null }[] | null;
  data?: unknown;
  errorInfo?: unknown;
}

/**
 * A request the local AppSync refuses as a whole, before any field runs. `code` is AppSync's `errorType`
 * (`UnauthorizedException`, `BadRequestException`, `UnsupportedOperation`, `ValidationError`…), `status` the
 * HTTP status it is answered with.
 */
export class AppSyncRequestError extends PushError {
  constructor(code: string, message: string, public readonly status = 400, options?: { cause?: unknown }) {
    super(code, message, options);
  }

  /** The error as AppSync puts it in `errors`. */
  toShape(withCode = false): AppSyncErrorShape {
    return { errorType: this.code, message: this.message, ...(withCode ? { errorCode: this.status } : {}) };
  }
}

/**
 * AppSync's words for a request whose credentials are missing or wrong: HTTP 401 with `UnauthorizedException`
 * (https://repost.aws/knowledge-center/aws-appsync-graphql-request-unauth-error: "401 Unauthorized: the request
 * is denied by AWS AppSync or the authorization mode because the credentials are missing or invalid").
 */
export const UNAUTHORIZED_MESSAGE = 'You are not authorized to make this call.';

/** A request with no credentials AppSync could use (no `x-api-key`, no `Authorization`). */
export const MISSING_AUTHORIZATION_MESSAGE = 'Missing authorization header';

/**
 * Thrown by a resolver's `util.error(message, errorType, data, errorInfo)`
 * (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html): the field resolves to null and
 * the error is in the answer's `errors`.
 */
export class ResolverError extends PushError {
  constructor(message: string, public readonly errorType: string | undefined, public readonly data: unknown, public readonly errorInfo: unknown) {
    super(errorType ?? 'ResolverError', message);
  }
}
