import { MAX_REPLY_TO_LENGTH, MESSAGE_DETAIL_TYPE, STACK_EVENT_SOURCE, type WebSocketMessageDetail } from '../../shared/events';
import { CLIENT_ACTIONS, ERROR_CODES, type ErrorMessage } from '../../shared/protocol';
import { errorMessage, oversizeError } from './handle-frame';
import { describeError, type Logger } from './logger';
import type { StackEvents } from './stack-events';

/**
 * EventBridge's limit of one PutEvents entry: the UTF-8 bytes of Source, DetailType and Detail (and Time,
 * Resources), at most 256 KB. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export const MAX_ENTRY_BYTES = 256 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a frame is one of the protocol's own actions (`{"action":"subscribe",…}`, …), which `handleFrame`
 * answers, rather than a message for the application's services.
 */
export function isProtocolFrame(text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  return isRecord(json) && typeof json.action === 'string' && (CLIENT_ACTIONS as readonly string[]).includes(json.action);
}

/**
 * The `WebSocketMessage` detail of a frame. `userId` is the caller's: the verified identity of the
 * connection, never anything the frame says. `json` is left out when the detail would not fit in one
 * PutEvents entry with it (`text` is always there).
 * @returns undefined when the detail does not fit even without `json`
 */
export function messageDetail(input: {
  readonly connectionId: string;
  readonly userId?: string;
  readonly text: string;
  readonly receivedAt: number;
}): WebSocketMessageDetail | undefined {
  let json: unknown;
  let parsed = false;
  try {
    json = JSON.parse(input.text);
    parsed = true;
  } catch {
    // Not JSON: forwarded as text only.
  }
  const action = parsed && isRecord(json) && typeof json.action === 'string' ? json.action : undefined;
  const id = parsed && isRecord(json) ? json.id : undefined;
  const requestId = typeof id === 'string' && id.length > 0 && id.length <= MAX_REPLY_TO_LENGTH ? id : undefined;
  const base = {
    connectionId: input.connectionId,
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
    text: input.text,
  };
  const rest = {
    ...(action !== undefined ? { action } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    receivedAt: input.receivedAt,
  };
  const full: WebSocketMessageDetail = { ...base, ...(parsed ? { json } : {}), ...rest };
  if (fits(full)) return full;
  const textOnly: WebSocketMessageDetail = { ...base, ...rest };
  return fits(textOnly) ? textOnly : undefined;
}

function fits(detail: WebSocketMessageDetail): boolean {
  const bytes =
    Buffer.byteLength(STACK_EVENT_SOURCE) + Buffer.byteLength(MESSAGE_DETAIL_TYPE) + Buffer.byteLength(JSON.stringify(detail));
  return bytes <= MAX_ENTRY_BYTES;
}

/**
 * Forwards a client's frame that is not a protocol action to the stack's bus as a `WebSocketMessage`.
 * The sender gets no frame when it is forwarded (an answer, if any, is the service's push); it gets
 * `MessageTooLarge` when the frame is over the message limit, `InternalError` when the bus refused it.
 * Never throws.
 */
export async function forwardClientMessage(
  input: { readonly connectionId: string; readonly userId?: string; readonly text: string },
  deps: { readonly events: StackEvents; readonly logger: Logger; readonly now?: () => number },
): Promise<ErrorMessage | undefined> {
  const tooLarge = oversizeError(input.text);
  if (tooLarge) return tooLarge;
  const detail = messageDetail({ ...input, receivedAt: (deps.now ?? Date.now)() });
  if (!detail) {
    return errorMessage(
      ERROR_CODES.MessageTooLarge,
      `The frame does not fit in one EventBridge entry (${MAX_ENTRY_BYTES} bytes once escaped as JSON); send a smaller message`,
    );
  }
  try {
    await deps.events.put(MESSAGE_DETAIL_TYPE, detail);
    return undefined;
  } catch (error) {
    deps.logger.error('client message not forwarded', { connectionId: input.connectionId, error: describeError(error) });
    return errorMessage(ERROR_CODES.InternalError, 'The server could not take the message; try again');
  }
}
