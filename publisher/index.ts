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
export {
  PUSH_DETAIL_TYPE,
  DEFAULT_EVENT_BUS_NAME,
  PUBLISHER_ENV,
  STACK_EVENT_SOURCE,
  MESSAGE_DETAIL_TYPE,
  LIFECYCLE_DETAIL_TYPES,
  type PushDetail,
  type LifecycleDetailType,
  type WebSocketMessageDetail,
  type WebSocketConnectedDetail,
  type WebSocketDisconnectedDetail,
  type ChannelLifecycleDetail,
} from '../shared/events';
