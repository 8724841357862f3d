/** Stable codes of {@link PushClientError}. */
export const CLIENT_ERROR_CODES = {
  /** The server answered a frame with `{"type":"error"}`; `serverCode` has its code. */
  ServerError: 'ServerError',
  /** A frame from the server is not JSON or not a known message. */
  InvalidServerFrame: 'InvalidServerFrame',
  /** A channel listener threw; the client carried on. */
  ListenerFailed: 'ListenerFailed',
  /** No WebSocket implementation: pass the `WebSocket` option (e.g. the `ws` package in Node). */
  NoWebSocket: 'NoWebSocket',
  /** An option is invalid. */
  InvalidOption: 'InvalidOption',
  /** A `request()` got no reply within its `timeoutMs`. */
  RequestTimeout: 'RequestTimeout',
  /** The client was closed before a `request()` got its reply. */
  ClientClosed: 'ClientClosed',
  /** `publish` while the client has no open connection. */
  NotConnected: 'NotConnected',
  /** No answer to a `publish` in time (it may still have been delivered). */
  Timeout: 'Timeout',
  /** A feature the transport does not have (presence, publish, replay and requests on the AppSync transport). */
  UnsupportedOnTransport: 'UnsupportedOnTransport',
} as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];

/** An error of the push client: a stable `code`, the server's code when it came from the server. */
export class PushClientError extends Error {
  constructor(
    public readonly code: ClientErrorCode,
    message: string,
    public readonly serverCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PushClientError';
  }
}
