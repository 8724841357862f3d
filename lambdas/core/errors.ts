import { PushError } from '../../shared/errors';

/**
 * Stable codes of the errors raised by the core use cases and their collaborators. Callers switch on
 * `error.code`, never on messages.
 */
export const CORE_ERROR_CODES = {
  UnknownConnection: 'UnknownConnection',
  TooManySubscriptions: 'TooManySubscriptions',
  StoreFailure: 'StoreFailure',
  Gone: 'Gone',
  Forbidden: 'Forbidden',
  PayloadTooLarge: 'PayloadTooLarge',
  Throttled: 'Throttled',
  ServerError: 'ServerError',
  NetworkError: 'NetworkError',
  PublishFailed: 'PublishFailed',
  DeadLetterFailed: 'DeadLetterFailed',
  StackEventFailed: 'StackEventFailed',
} as const;

/** The connection has no registry record (never connected, disconnected, or expired). */
export class UnknownConnectionError extends PushError {
  constructor(public readonly connectionId: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.UnknownConnection, `Connection ${connectionId} is not registered`, options);
  }
}

/** Subscribing would take the connection past its allowed number of subscriptions. */
export class TooManySubscriptionsError extends PushError {
  constructor(
    public readonly connectionId: string,
    public readonly maxSubscriptions: number,
  ) {
    super(
      CORE_ERROR_CODES.TooManySubscriptions,
      `A connection may subscribe to at most ${maxSubscriptions} channels; unsubscribe from one first`,
    );
  }
}

/** The connection store failed in a way the caller cannot fix (throttled past retries, I/O error…). */
export class StoreError extends PushError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.StoreFailure, message, options);
  }
}

/**
 * Base of the errors a {@link Publisher} raises. `retryable` tells `deliver()` whether another attempt
 * may succeed; `statusCode` is the HTTP status when a response was received.
 */
export class PublishError extends PushError {
  readonly retryable: boolean = false;
  constructor(
    code: string,
    message: string,
    public readonly connectionId: string,
    public readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** 410: the connection is closed; its records should be removed. */
export class GoneError extends PublishError {
  constructor(connectionId: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.Gone, `Connection ${connectionId} is gone`, connectionId, 410, options);
  }
}

/** 403: the caller may not post to this connection (permissions, or wrong API/stage). Not retried. */
export class ForbiddenError extends PublishError {
  constructor(connectionId: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.Forbidden, `Posting to connection ${connectionId} is forbidden`, connectionId, 403, options);
  }
}

/** 413: the message is bigger than API Gateway accepts. Not retried. */
export class PayloadTooLargeError extends PublishError {
  constructor(connectionId: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.PayloadTooLarge, `Message too large for connection ${connectionId}`, connectionId, 413, options);
  }
}

/** 429: throttled by API Gateway. Retryable. */
export class ThrottledError extends PublishError {
  override readonly retryable = true;
  constructor(connectionId: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.Throttled, `Posting to connection ${connectionId} was throttled`, connectionId, 429, options);
  }
}

/** 5xx: API Gateway failed. Retryable. */
export class ServerError extends PublishError {
  override readonly retryable = true;
  constructor(connectionId: string, statusCode: number, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.ServerError, `Server error ${statusCode} posting to connection ${connectionId}`, connectionId, statusCode, options);
  }
}

/** No HTTP response (reset, refused, timeout). Retryable. */
export class NetworkError extends PublishError {
  override readonly retryable = true;
  constructor(connectionId: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.NetworkError, `Network error posting to connection ${connectionId}`, connectionId, undefined, options);
  }
}

/** Any other failure of a post (an unexpected 4xx). Not retried. */
export class UnexpectedPublishError extends PublishError {
  constructor(connectionId: string, statusCode: number | undefined, options?: { cause?: unknown }) {
    super(
      CORE_ERROR_CODES.PublishFailed,
      `Posting to connection ${connectionId} failed${statusCode ? ` with status ${statusCode}` : ''}`,
      connectionId,
      statusCode,
      options,
    );
  }
}

/** The dead-letter queue did not accept an invalid event. */
export class DeadLetterError extends PushError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.DeadLetterFailed, message, options);
  }
}

/** An event of the stack's own (a client message, a client publish, a lifecycle event) was not accepted by the bus. */
export class StackEventError extends PushError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(CORE_ERROR_CODES.StackEventFailed, message, options);
  }
}
