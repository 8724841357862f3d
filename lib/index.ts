/**
 * `websocket-push`: a serverless WebSocket push backend as a CDK construct (API Gateway WebSocket API,
 * DynamoDB registry, EventBridge publishing), the standalone stack around it, and their configuration.
 * @packageDocumentation
 */
export { WebSocketPush, type WebSocketPushProps, type WebSocketPushResourceProps } from './websocket-push';
export { PushStack, type PushStackProps } from './push-stack';
export { parseConfig, readConfig, DEFAULT_CONFIG, CONFIG_KEY_NAMES, InvalidConfigError, type PushStackConfig } from './config';
export { CONFIG_KEYS } from './config-keys';
export { NodeFunction, type NodeFunctionProps } from './constructs/node-function';
export { ConnectionsTable, type ConnectionsTableProps } from './constructs/connections-table';
export { PushWebSocketApi, type PushWebSocketApiProps } from './constructs/websocket-api';
export { EventPush, type EventPushProps } from './constructs/event-push';
export { Fanout } from './constructs/fanout';
export { Monitoring } from './constructs/monitoring';
export { CustomDomain, type CustomDomainProps } from './constructs/custom-domain';
export { AppSyncPush, type AppSyncPushProps, type AppSyncOidcAuth } from './constructs/appsync-push';
export { TransportMismatchError } from './transport-error';
export { TRANSPORTS, type Transport } from './config-keys';
export { PUSH_DETAIL_TYPE, DEFAULT_EVENT_BUS_NAME, PUBLISHER_ENV, type PushDetail } from '../shared/events';
