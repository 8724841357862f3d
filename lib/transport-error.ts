import { PushError } from '../shared/errors';

/**
 * A member of the `WebSocketPush` construct that exists on one transport only was used on the other, e.g.
 * `addRoute` (an API Gateway route) with `transport: 'appsync'`. `member` names it; the message says what to
 * use instead.
 */
export class TransportMismatchError extends PushError {
  constructor(
    /** The construct member that was used. */
    public readonly member: string,
    /** The transport the construct was built with. */
    public readonly transport: string,
    message: string,
  ) {
    super('TransportMismatch', message);
  }
}
