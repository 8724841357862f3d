/**
 * `websocket-push/publisher`: publish pushes from your services through EventBridge, checked before the call.
 * @packageDocumentation
 */
export {
  PushPublisher,
  PublishError,
  PUBLISH_ERROR_CODES,
  PUT_EVENTS_MAX_ENTRIES,
  PUT_EVENTS_MAX_BYTES,
  type PublishErrorCode,
  type PublishResult,
  type PushPublisherOptions,
  type PutEventsSender,
} from './push-publisher';
export { PUSH_DETAIL_TYPE, DEFAULT_EVENT_BUS_NAME, PUBLISHER_ENV, type PushDetail } from '../shared/events';
